package dev.keyless.cli;

/**
 * The access token of the secret commands: {@code $KEYLESS_TOKEN} when it is set (a job that
 * exchanged once and reuses the token), else a fresh exchange of the platform token. Registered
 * with the masker either way. Kept in one place so it can give way to a shared access-token source.
 */
final class SecretsAccessToken {
    static final String ENV = "KEYLESS_TOKEN";

    private SecretsAccessToken() {}

    static String obtain(WorkloadCommand command) {
        Context ctx = command.ctx();
        String fromEnv = ctx.env().get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return ctx.masker().register(fromEnv.strip());
        }
        String audience = command.token.audience(command.service);
        String token = command.client()
                .authenticate(
                        command.token.connection(),
                        () -> ctx.masker().register(command.source().fetch(audience)),
                        command.token.role)
                .accessToken();
        return ctx.masker().register(token);
    }
}
