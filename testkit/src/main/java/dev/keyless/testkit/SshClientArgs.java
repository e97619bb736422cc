package dev.keyless.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The start of a real {@code ssh} command line that uses one key and nothing of the machine's. */
public final class SshClientArgs {
    private SshClientArgs() {}

    /**
     * {@code ssh} with no config file, only {@code key} (and its {@code certificate}, if not null)
     * offered, no prompts, and the host checked against {@code knownHosts} — or, when that is null,
     * not checked at all (acceptable only before host certificates are in place). Callers append
     * the port, user, host and command; the list is mutable.
     */
    public static List<String> of(Path key, Path certificate, Path knownHosts) {
        List<String> argv = new ArrayList<>(List.of("ssh", "-F", "/dev/null", "-i", key.toString()));
        if (certificate != null) {
            argv.addAll(List.of("-o", "CertificateFile=" + certificate));
        }
        argv.addAll(List.of(
                "-o",
                "IdentitiesOnly=yes",
                "-o",
                "BatchMode=yes",
                "-o",
                "StrictHostKeyChecking=" + (knownHosts == null ? "no" : "yes"),
                "-o",
                "UserKnownHostsFile=" + (knownHosts == null ? "/dev/null" : knownHosts.toString()),
                "-o",
                "GlobalKnownHostsFile=/dev/null"));
        return argv;
    }
}
