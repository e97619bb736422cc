package dev.keyless.client.token;

import dev.keyless.client.token.TokenSourceException.Reason;
import java.util.Map;

/**
 * A token the platform puts in an environment variable: GitLab's {@code id_tokens}, CircleCI's
 * {@code CIRCLE_OIDC_TOKEN_V2}, a Jenkins credential binding, or {@code --jwt-env NAME}. The
 * audience is fixed where the platform mints the token.
 */
public final class EnvTokenSource implements PlatformTokenSource {
    private final String name;
    private final String variable;
    private final Map<String, String> env;
    private final String hint;

    /** @param hint what to do when the variable is missing; may be null */
    public EnvTokenSource(String name, String variable, Map<String, String> env, String hint) {
        this.name = name;
        this.variable = variable;
        this.env = Map.copyOf(env);
        this.hint = hint;
    }

    @Override
    public String name() {
        return name;
    }

    public String variable() {
        return variable;
    }

    @Override
    public String describe() {
        return name + " (variable " + variable + ")";
    }

    @Override
    public String fetch(String audience) {
        String value = env.get(variable);
        if (value == null || value.isBlank()) {
            throw new TokenSourceException(Reason.NOT_CONFIGURED, "variable " + variable + " is not set", hint);
        }
        return Jwts.requireJwt(value.strip(), "variable " + variable);
    }
}
