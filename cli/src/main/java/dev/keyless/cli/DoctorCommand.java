package dev.keyless.cli;

import dev.keyless.client.KeylessTransportException;
import dev.keyless.client.ssh.JobSshConfig;
import dev.keyless.client.token.Jwts;
import dev.keyless.client.token.PlatformTokenSource;
import dev.keyless.client.token.TokenSourceException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;

/**
 * {@code keyless doctor}: what this job would use, without exchanging anything: the service and
 * proxy, the token source and its non-secret claims, the clock skew against the service, and
 * whether {@code ssh} and {@code ssh-agent} are installed.
 */
@Command(
        name = "doctor",
        description = "Check the token source, claims, clock skew, proxy and ssh tools.",
        footerHeading = "%nExamples:%n",
        footer = {"  keyless doctor", "  keyless doctor --jwt-env MY_JWT --service-url https://keyless.example.com"})
public final class DoctorCommand extends WorkloadCommand {
    /** Claims shown; the token itself, its signature and {@code jti} never are. */
    static final List<String> SHOWN_CLAIMS = List.of(
            "iss",
            "aud",
            "sub",
            "exp",
            "iat",
            "nbf",
            "repository",
            "repository_id",
            "repository_owner",
            "ref",
            "ref_type",
            "environment",
            "workflow_ref",
            "job_workflow_ref",
            "event_name",
            "actor",
            "project_path",
            "namespace_path",
            "pipeline_source",
            "user_login",
            "build_number",
            "oidc.circleci.com/project-id",
            "oidc.circleci.com/vcs-ref",
            "email");

    @Override
    public Integer call() {
        Context ctx = ctx();
        PrintLines p = new PrintLines(ctx);
        int worst = ExitCodes.OK;
        p.line("keyless", VersionCommand.version());
        // Each check runs on its own: one that cannot (no service URL) is reported, not fatal.
        boolean haveService = true;
        try {
            p.line("service", service.uri() + " (team " + service.team + ")");
            p.line("proxy", service.proxy(ctx).map(x -> x + " (HTTPS_PROXY)").orElse("none (direct)"));
        } catch (UsageException e) {
            p.line("service", "NOT SET: " + e.getMessage());
            haveService = false;
            worst = ExitCodes.USAGE;
        }
        worst = Math.max(worst, tokenSource(ctx, p));
        if (haveService) {
            worst = Math.max(worst, clockSkew(p));
        } else {
            p.line("clock skew", "not checked (no service URL)");
        }
        String path = ctx.env().get("PATH");
        p.line(
                "ssh",
                JobSshConfig.which("ssh", path).map(Object::toString).orElse("NOT FOUND (install openssh-client)"));
        p.line(
                "ssh-agent",
                JobSshConfig.which("ssh-agent", path)
                        .map(x -> x + " (not needed: keyless serves its own agent)")
                        .orElse("not found (not needed: keyless serves its own agent)"));
        if (JobSshConfig.which("ssh", path).isEmpty()) {
            worst = Math.max(worst, ExitCodes.USAGE);
        }
        ctx.out().flush();
        return worst;
    }

    private int tokenSource(Context ctx, PrintLines p) {
        try {
            PlatformTokenSource source = source();
            p.line("token source", source.describe());
            String audience;
            try {
                audience = token.audience(service);
            } catch (UsageException e) {
                audience = null;
            }
            if (audience == null && !List.of("jwt-env", "jwt-file").contains(source.name())) {
                p.line("  token", "not fetched: needs --audience or --service-url for the audience to ask for");
                return ExitCodes.USAGE;
            }
            String jwt = ctx.masker().register(source.fetch(audience));
            Map<String, Object> claims = Jwts.claims(jwt).orElse(Map.of());
            for (String name : SHOWN_CLAIMS) {
                if (claims.containsKey(name)) {
                    p.line("  " + name, describe(name, claims.get(name)));
                }
            }
            return ExitCodes.OK;
        } catch (TokenSourceException e) {
            p.line("token source", "NOT FOUND: " + e.getMessage());
            if (e.hint() != null) {
                p.line("  hint", e.hint());
            }
            return ExitCodes.USAGE;
        }
    }

    private int clockSkew(PrintLines p) {
        try {
            Instant before = Instant.now();
            Optional<Instant> serverTime = client().serviceTime();
            Instant local = before.plus(Duration.between(before, Instant.now()).dividedBy(2));
            p.line(
                    "clock skew",
                    serverTime.map(t -> skew(Duration.between(t, local))).orElse("unknown (no Date header)"));
            return ExitCodes.OK;
        } catch (KeylessTransportException e) {
            p.line("clock skew", "service not reachable: " + e.getMessage());
            p.line("  hint", Failures.transportHint(e));
            return ExitCodes.FAULT;
        } catch (dev.keyless.client.KeylessProblemException e) {
            p.line("clock skew", "service not reachable: " + e.getMessage());
            return ExitCodes.FAULT;
        }
    }

    private static String describe(String name, Object value) {
        if (value instanceof Number n && List.of("exp", "iat", "nbf").contains(name)) {
            Instant at = Instant.ofEpochSecond(n.longValue());
            Duration d = Duration.between(Instant.now(), at);
            return at + (d.isNegative() ? " (" + -d.toSeconds() + " s ago)" : " (in " + d.toSeconds() + " s)");
        }
        return String.valueOf(value);
    }

    private static String skew(Duration localMinusService) {
        long ms = localMinusService.toMillis();
        String s = String.format("%+.1f s (this machine %s the service)", ms / 1000.0, ms >= 0 ? "ahead of" : "behind");
        return Math.abs(ms) > 30_000 ? s + " - TOO LARGE: tokens may be refused as expired or not yet valid" : s;
    }

    /** Aligned {@code name: value} lines on stdout, masked. */
    private record PrintLines(Context ctx) {
        void line(String name, String value) {
            ctx.out().println(ctx.masker().mask(String.format("%-14s %s", name + ":", value)));
        }
    }
}
