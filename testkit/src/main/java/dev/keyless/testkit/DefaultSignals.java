package dev.keyless.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * Prefixes an argument vector so the program starts with SIGINT and SIGTERM at their default
 * dispositions, whatever this JVM inherited.
 *
 * <p>Why: a build started in the background by a non-interactive shell ({@code mvn verify &}, many
 * CI launchers) runs with SIGINT <em>ignored</em>, every child inherits that, and the JVM keeps an
 * ignored SIGINT ignored (it installs no handler). A cancellation test that sends SIGINT then tests
 * the launcher, not the program. A real GitHub or GitLab runner starts steps with default handlers,
 * so the test restores them; {@code ProcessBuilder} cannot, so a one-line Perl {@code exec} does
 * (Perl is part of every Debian base system). The pid stays the same: Perl execs the program.
 */
public final class DefaultSignals {
    private static final String RESET_AND_EXEC =
            "$SIG{INT} = 'DEFAULT'; $SIG{TERM} = 'DEFAULT'; exec { $ARGV[0] } @ARGV or die \"exec $ARGV[0]: $!\\n\"";

    private DefaultSignals() {}

    /** {@code argv} run through the reset; pass the result to {@link ProcessBuilder}. */
    public static List<String> argv(List<String> argv) {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty argument vector");
        }
        List<String> out = new ArrayList<>(List.of("perl", "-e", RESET_AND_EXEC));
        out.addAll(argv);
        return out;
    }
}
