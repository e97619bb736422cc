package dev.keyless.cli;

import dev.keyless.client.token.PlatformTokenSource;
import dev.keyless.protocol.WorkloadRequests.AccessToken;
import java.time.Duration;
import picocli.CommandLine.Command;

/**
 * {@code keyless authenticate}: exchanges the platform token and prints only the access token on
 * stdout, for scripts ({@code AT=$(keyless authenticate ...)}). Same flags as {@code sft workload
 * authenticate}.
 */
@Command(
        name = "authenticate",
        description = "Exchange the platform token; print only the access token.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  AT=$(keyless authenticate --connection github --role deployer)",
            "  keyless authenticate --jwt-env MY_JWT --service-url https://keyless.example.com"
        })
public final class AuthenticateCommand extends WorkloadCommand {
    @Override
    public Integer call() {
        Context ctx = ctx();
        ctx.debug("main -> command line parsed", Duration.ofNanos(System.nanoTime() - KeylessCli.mainStarted));
        PlatformTokenSource source = source();
        String audience = token.audience(service);
        String connection = token.connection();
        long t0 = System.nanoTime();
        AccessToken at = client().authenticate(
                        connection,
                        () -> {
                            long f0 = System.nanoTime();
                            String platformToken = ctx.masker().register(source.fetch(audience));
                            ctx.debug(
                                    "platform token fetched from " + source.name(),
                                    Duration.ofNanos(System.nanoTime() - f0));
                            return platformToken;
                        },
                        token.role);
        ctx.masker().register(at.accessToken());
        ctx.debug(
                "exchanged for role " + at.role() + " (" + at.principal() + "), expires in " + at.expiresIn() + " s",
                Duration.ofNanos(System.nanoTime() - t0));
        ctx.out().println(at.accessToken());
        ctx.out().flush();
        return ExitCodes.OK;
    }
}
