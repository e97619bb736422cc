package dev.keyless.agent.os;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Asks sshd whether the agent's drop-in is in effect. {@code sshd -t} passes on a drop-in that
 * sshd never reads (a main config without {@code Include sshd_config.d/*.conf}, or one that sets
 * the same keywords before the include: sshd keeps the first value it reads), so this compares
 * what {@code sshd -T} prints, the configuration a (re)started sshd uses, with what the agent
 * wrote. It cannot see a running sshd that was never reloaded; the agent reloads after every
 * change.
 */
public final class SshdConfigVerifier {
    /** What sshd reports against what the agent expects; {@code problems} empty when in effect. */
    public record Report(List<String> problems) {
        public Report {
            problems = List.copyOf(problems);
        }

        public boolean inEffect() {
            return problems.isEmpty();
        }
    }

    private final TrustSettings settings;

    public SshdConfigVerifier(TrustSettings settings) {
        this.settings = settings;
    }

    /** The settings as {@code sshd -T} prints them: lower-case keyword, one space, the value. */
    public Map<String, String> expected() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("trustedusercakeys", settings.userCaKeys().toString());
        expected.put("revokedkeys", settings.krl().toString());
        expected.put("authorizedprincipalsfile", settings.principalsDir() + "/%u");
        expected.put("exposeauthinfo", "yes");
        return expected;
    }

    public Report verify() {
        Exec.Result result;
        try {
            result = Exec.run(List.of(
                    settings.sshdBinary().toString(),
                    "-T",
                    "-f",
                    settings.sshdConfig().toString()));
        } catch (RuntimeException e) {
            return new Report(List.of("could not run " + settings.sshdBinary() + " -T: " + e.getMessage()));
        }
        if (!result.succeeded()) {
            String first = result.stderr().lines().findFirst().orElse("");
            return new Report(List.of(
                    "sshd -T -f " + settings.sshdConfig() + " failed (exit " + result.exitCode() + "): " + first));
        }
        return compare(result.stdout());
    }

    /** Compares {@code sshd -T} output with {@link #expected()}. */
    Report compare(String sshdOutput) {
        Map<String, String> actual = new LinkedHashMap<>();
        for (String line : sshdOutput.split("\n", -1)) {
            int space = line.indexOf(' ');
            if (space > 0) {
                // The first occurrence: the value sshd uses for a single-valued keyword.
                actual.putIfAbsent(
                        line.substring(0, space), line.substring(space + 1).strip());
            }
        }
        List<String> problems = new ArrayList<>();
        expected().forEach((keyword, value) -> {
            String found = actual.get(keyword);
            if (!value.equals(found)) {
                problems.add(keyword + ": sshd uses " + (found == null ? "nothing" : "'" + found + "'")
                        + ", the agent's drop-in sets '" + value + "'");
            }
        });
        return new Report(problems);
    }

    /** The lines an operator needs when the drop-in is not in effect. */
    public String explain(Report report) {
        StringBuilder text = new StringBuilder("WARNING: sshd does not use the keyless drop-in " + settings.dropIn()
                + "; certificate logins will fail.\n");
        report.problems().forEach(p -> text.append("  ").append(p).append('\n'));
        text.append("  Check that ")
                .append(settings.sshdConfig())
                .append(" has 'Include ")
                .append(settings.dropIn().getParent())
                .append("/*.conf' before any of these keywords (sshd keeps the first value it reads).");
        return text.toString();
    }
}
