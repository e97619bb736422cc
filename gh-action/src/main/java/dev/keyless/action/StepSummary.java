package dev.keyless.action;

import dev.keyless.client.job.ServerAccess;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** The step summary: one markdown table row per server. Holds no secret by construction. */
final class StepSummary {
    private StepSummary() {}

    static String markdown(String role, String principal, List<ServerAccess> servers, Duration exchangeLatency) {
        StringBuilder b = new StringBuilder("### Keyless SSH access\n\n")
                .append("| Role | Principal | Server | Session | Certificate expires | Exchange latency |\n")
                .append("|---|---|---|---|---|---|\n");
        for (ServerAccess s : servers) {
            b.append("| ")
                    .append(cell(role))
                    .append(" | ")
                    .append(cell(principal))
                    .append(" | ")
                    .append(cell(s.name()))
                    .append(" | ")
                    .append(cell(s.sessionId()))
                    .append(" | ")
                    .append(
                            s.validBefore() == null
                                    ? "-"
                                    : DateTimeFormatter.ISO_INSTANT.format(
                                            s.validBefore().truncatedTo(ChronoUnit.SECONDS)))
                    .append(" | ")
                    .append(exchangeLatency.toMillis())
                    .append(" ms |\n");
        }
        return b.append('\n').toString();
    }

    /** Table cells cannot hold a pipe or a line break. */
    static String cell(String value) {
        return value == null
                ? "-"
                : value.replace("|", "\\|").replace("\n", " ").replace("\r", " ");
    }
}
