package dev.keyless.cli.sshconfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The fixed, private directory of one job's {@code keyless ssh-config} agent, so that a later
 * step of the same job ({@code --stop}, another {@code ssh-config}) finds it: {@code
 * <root>/keyless-ssh-<id>} where root is {@code KEYLESS_TEMP_DIR}, else {@code RUNNER_TEMP}, else
 * {@code /tmp}, and id is a hash of the user and the job's identity as the platform names it (two
 * jobs of one user on one machine, as on a Jenkins agent, do not share an agent). Kept short: the
 * control and agent sockets inside must fit in {@code sun_path}.
 */
public record JobStateDir(Path path) {
    /** The variables that name a job, in the order they are hashed; absent ones count as empty. */
    static final List<String> JOB_IDENTITY = List.of(
            "KEYLESS_JOB_ID",
            "GITHUB_RUN_ID",
            "GITHUB_RUN_ATTEMPT",
            "GITHUB_JOB",
            "CI_JOB_ID",
            "BUILD_TAG",
            "CIRCLE_WORKFLOW_JOB_ID",
            "SYSTEM_JOBID");

    /** Roots longer than this fall back to {@code /tmp}: the agent socket sits two levels below. */
    static final int MAX_ROOT = 40;

    public static JobStateDir of(Map<String, String> env) {
        String root = "/tmp";
        for (String name : List.of("KEYLESS_TEMP_DIR", "RUNNER_TEMP")) {
            String dir = env.get(name);
            if (dir != null && !dir.isBlank() && dir.length() <= MAX_ROOT) {
                root = dir;
                break;
            }
        }
        StringBuilder identity = new StringBuilder(System.getProperty("user.name", ""));
        for (String name : JOB_IDENTITY) {
            identity.append('\0').append(env.getOrDefault(name, ""));
        }
        return new JobStateDir(Path.of(root, "keyless-ssh-" + hash(identity.toString())));
    }

    public Path controlSocket() {
        return path.resolve("control.sock");
    }

    /** Creates the directory 0700 if it is not there; refuses one that is not private to this user. */
    public JobStateDir create() {
        try {
            if (!Files.isDirectory(path)) {
                Files.createDirectories(
                        path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            if (!Files.getPosixFilePermissions(path).equals(PosixFilePermissions.fromString("rwx------"))
                    || !Files.getOwner(path).getName().equals(System.getProperty("user.name"))) {
                throw new IllegalStateException(path + " is not a private directory of this user; remove it");
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("could not create " + path, e);
        }
    }

    private static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
