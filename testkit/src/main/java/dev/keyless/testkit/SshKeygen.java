package dev.keyless.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The real {@code ssh-keygen}, used to make test keys and as an oracle for certificates. Keys are written
 * without a passphrase into a directory the test owns. Stateless and thread-safe.
 */
public final class SshKeygen {
    private static final String SSH_KEYGEN = "ssh-keygen";

    private SshKeygen() {}

    /**
     * Generates a key pair; returns the private key path ({@code .pub} next to it).
     *
     * @param bits the key size, or 0 for the type's default
     */
    public static Path generate(Path directory, String name, String type, int bits, String comment) {
        Path privateKey = directory.resolve(name);
        List<String> argv = new ArrayList<>(List.of(SSH_KEYGEN, "-q", "-t", type, "-N", "", "-C", comment));
        if (bits > 0) {
            argv.addAll(List.of("-b", Integer.toString(bits)));
        }
        argv.addAll(List.of("-f", privateKey.toString()));
        Commands.runChecked(argv);
        return privateKey;
    }

    /** Whether this ssh-keygen can still make keys of the type (newer OpenSSH drops DSA). */
    public static boolean canGenerate(Path directory, String type, int bits) {
        Path probe = directory.resolve("probe-" + type + "-" + bits);
        List<String> argv = new ArrayList<>(List.of(SSH_KEYGEN, "-q", "-t", type, "-N", "", "-f", probe.toString()));
        if (bits > 0) {
            argv.addAll(List.of("-b", Integer.toString(bits)));
        }
        return Commands.run(argv).succeeded();
    }

    /** The {@code SHA256:...} fingerprint {@code ssh-keygen -lf} prints for a public key or certificate. */
    public static String fingerprint(Path publicKey) {
        String output = Commands.runChecked(List.of(SSH_KEYGEN, "-l", "-E", "sha256", "-f", publicKey.toString()))
                .stdout();
        // "<bits> SHA256:<hash> <comment> (<TYPE>)"
        return output.strip().split("\\s+", -1)[1];
    }

    /** {@code ssh-keygen -L -f} output for a certificate, with times printed in UTC. */
    public static CommandResult listCertificate(Path certificate) {
        return Commands.run(
                List.of(SSH_KEYGEN, "-L", "-f", certificate.toString()), Map.of("TZ", "UTC"), Duration.ofSeconds(30));
    }
}
