package dev.keyless.jenkins;

import hudson.EnvVars;
import java.util.Map;
import org.jenkinsci.plugins.workflow.steps.EnvironmentExpander;

/**
 * The block's ssh variables: {@code SSH_AUTH_SOCK}, {@code KEYLESS_SSH_CONFIG}, {@code
 * GIT_SSH_COMMAND}, and the directory of the {@code ssh}/{@code scp}/{@code sftp} wrappers put
 * first on {@code PATH} (so {@code ssh web-01} resolves the server name).
 */
final class SshEnvironment extends EnvironmentExpander {
    private static final long serialVersionUID = 1L;
    private final Map<String, String> variables;

    /** @param variables from {@code KeylessJob.environment()}: its {@code PATH} is the bin directory alone */
    SshEnvironment(Map<String, String> variables) {
        this.variables = Map.copyOf(variables);
    }

    @Override
    public void expand(EnvVars env) {
        variables.forEach((name, value) -> {
            if (name.equals("PATH")) {
                env.override("PATH+KEYLESS", value);
            } else {
                env.override(name, value);
            }
        });
    }
}
