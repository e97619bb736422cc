package dev.keyless.cli;

import dev.keyless.client.token.PlatformTokenSource;
import dev.keyless.client.token.TokenHttp;
import dev.keyless.client.token.TokenSources;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Which connection and platform token: the same words as the action and component inputs. */
public final class TokenOptions {
    @Option(names = "--connection", paramLabel = "NAME", description = "Workload connection (env KEYLESS_CONNECTION).")
    String connection;

    @Option(
            names = "--audience",
            paramLabel = "AUD",
            description =
                    "Audience to request the platform token for (env KEYLESS_AUDIENCE); default: the service URL.")
    String audience;

    @Option(
            names = {"--role", "--role-hint"},
            paramLabel = "ROLE",
            description = "Role to ask for (env KEYLESS_ROLE).")
    String role;

    @Option(names = "--jwt-env", paramLabel = "VAR", description = "Read the platform token from this variable.")
    String jwtEnv;

    @Option(
            names = "--jwt-file",
            paramLabel = "PATH",
            description = "Read the platform token from this file (re-read on each use).")
    Path jwtFile;

    @Option(
            names = "--token-source",
            paramLabel = "NAME",
            description = "Token source instead of detection: ${COMPLETION-CANDIDATES} (env KEYLESS_TOKEN_SOURCE)."
                    + " kubernetes reads the file in KEYLESS_KUBERNETES_TOKEN_FILE (default "
                    + "/var/run/secrets/tokens/keyless), jenkins the binding variable or KEYLESS_ID_TOKEN_FILE.",
            completionCandidates = SourceNames.class)
    String tokenSource;

    @Option(
            names = "--id-token-variable",
            paramLabel = "VAR",
            defaultValue = TokenSources.DEFAULT_ID_TOKEN_VARIABLE,
            description = "Variable holding GitLab's id_tokens entry or the Jenkins binding (env"
                    + " KEYLESS_ID_TOKEN_VARIABLE; default ${DEFAULT-VALUE}).")
    String idTokenVariable;

    /** The names {@code --token-source} accepts. */
    static final class SourceNames extends java.util.ArrayList<String> {
        private static final long serialVersionUID = 1L;

        SourceNames() {
            super(TokenSources.NAMES);
        }
    }

    String connection() {
        if (connection == null || connection.isBlank()) {
            throw new UsageException("no connection: pass --connection or set KEYLESS_CONNECTION");
        }
        return connection;
    }

    /** The audience to request: {@code --audience}, else the service URL (the common convention). */
    String audience(ServiceOptions service) {
        return audience != null && !audience.isBlank()
                ? audience
                : service.uri().toString();
    }

    PlatformTokenSource source(Context ctx) {
        TokenSources defaults = TokenSources.fromEnv(ctx.env());
        TokenSources sources = new TokenSources(
                ctx.env(), TokenHttp.fromEnv(ctx.env()), defaults.settings().withIdTokenVariable(idTokenVariable));
        return sources.select(tokenSource, jwtEnv, jwtFile);
    }
}
