package dev.keyless.cli.admin;

import picocli.CommandLine.Option;

/** The admin token's variable: the token itself never goes on the command line. */
public final class AdminOptions {
    @Option(
            names = "--admin-token-env",
            paramLabel = "VAR",
            defaultValue = "KEYLESS_ADMIN_TOKEN",
            description = "Variable holding the admin token (default ${DEFAULT-VALUE}).")
    String adminTokenEnv;
}
