package dev.keyless.client.ssh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes the job-scoped SSH files into a private directory and says which environment makes the
 * wrapped command use them. Files: {@code ssh_config} (one {@code Host} block per server, used
 * with {@code -F} so the user's {@code ~/.ssh/config} never applies), {@code known_hosts} (the host
 * CAs as {@code @cert-authority *}, with {@code StrictHostKeyChecking yes}), each server's public
 * key and certificate (public material: with {@code IdentitiesOnly yes} they tell {@code ssh} which
 * agent identity to offer to which host; the private key stays in {@link SshAgent}), and {@code
 * bin/} with {@code ssh}, {@code scp} and {@code sftp} wrappers that add {@code -F}.
 */
public final class JobSshConfig {
    private static final Pattern CA_KEY = Pattern.compile("[a-z0-9@.-]+ [A-Za-z0-9+/=]+( [^\\r\\n]*)?");

    private final Path config;
    private final Path binDir;
    private final Path agentSocket;
    private final Optional<Path> realSsh;

    private JobSshConfig(Path config, Path binDir, Path agentSocket, Optional<Path> realSsh) {
        this.config = config;
        this.binDir = binDir;
        this.agentSocket = agentSocket;
        this.realSsh = realSsh;
    }

    /**
     * Writes the files into {@code dir}.
     *
     * @param path the {@code PATH} to find the real {@code ssh}, {@code scp} and {@code sftp} in
     */
    public static JobSshConfig write(
            Path dir, Path agentSocket, List<SshHost> hosts, List<String> hostCaKeys, String path) {
        try {
            Path knownHosts = dir.resolve("known_hosts");
            Set<String> lines = new LinkedHashSet<>();
            for (String key : hostCaKeys) {
                String k = key.strip();
                if (!CA_KEY.matcher(k).matches()) {
                    throw new IllegalArgumentException("the service sent an unusable host CA key");
                }
                lines.add("@cert-authority * " + k);
            }
            Files.write(knownHosts, lines, StandardCharsets.UTF_8);
            ownerOnly(knownHosts);
            StringBuilder cfg = new StringBuilder("# Written by keyless for one job; removed when the job ends.\n");
            for (SshHost host : hosts) {
                // ssh reads "<IdentityFile>.pub" for the public half; the private file never exists.
                Path identity = dir.resolve(host.name());
                Path pub = dir.resolve(host.name() + ".pub");
                Path cert = dir.resolve(host.name() + "-cert.pub");
                Files.writeString(pub, host.identity().key().publicKeyLine() + "\n", StandardCharsets.UTF_8);
                Files.writeString(cert, host.identity().certificateLine().strip() + "\n", StandardCharsets.UTF_8);
                ownerOnly(pub);
                ownerOnly(cert);
                cfg.append(renderHost(host, agentSocket, knownHosts, identity, cert));
            }
            Path config = dir.resolve("ssh_config");
            Files.writeString(config, cfg, StandardCharsets.UTF_8);
            ownerOnly(config);
            Path bin = Files.createDirectories(dir.resolve("bin"));
            Optional<Path> ssh = which("ssh", path);
            for (String tool : List.of("ssh", "scp", "sftp")) {
                Optional<Path> real = which(tool, path);
                if (real.isPresent()) {
                    writeWrapper(bin.resolve(tool), real.get(), config);
                }
            }
            return new JobSshConfig(config, bin, agentSocket, ssh);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the job's ssh files in " + dir, e);
        }
    }

    /** One {@code Host} block; paths quoted and {@code %} escaped, since ssh expands tokens. */
    static String renderHost(SshHost host, Path agentSocket, Path knownHosts, Path identity, Path cert) {
        return "\nHost " + host.name() + "\n"
                + "  HostName " + host.address() + "\n"
                + "  Port " + host.port() + "\n"
                + "  User " + host.user() + "\n"
                + "  IdentityAgent " + quote(agentSocket) + "\n"
                + "  IdentityFile " + quote(identity) + "\n"
                + "  CertificateFile " + quote(cert) + "\n"
                + "  IdentitiesOnly yes\n"
                + "  PreferredAuthentications publickey\n"
                + "  BatchMode yes\n"
                + "  ForwardAgent no\n"
                + "  UserKnownHostsFile " + quote(knownHosts) + "\n"
                + "  GlobalKnownHostsFile /dev/null\n"
                + "  StrictHostKeyChecking yes\n"
                + "  UpdateHostKeys no\n";
    }

    public Path configFile() {
        return config;
    }

    public Path binDir() {
        return binDir;
    }

    /**
     * The variables to add to a wrapped command's environment: {@code SSH_AUTH_SOCK}, {@code
     * KEYLESS_SSH_CONFIG}, {@code GIT_SSH_COMMAND}, and {@code PATH} with {@code bin/} first.
     *
     * @param path the command's current {@code PATH}; may be null
     */
    public Map<String, String> environment(String path) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SSH_AUTH_SOCK", agentSocket.toString());
        env.put("KEYLESS_SSH_CONFIG", config.toString());
        env.put(
                "GIT_SSH_COMMAND",
                shellQuote(realSsh.map(Path::toString).orElse("ssh")) + " -F " + shellQuote(config.toString()));
        env.put("PATH", path == null || path.isEmpty() ? binDir.toString() : binDir + ":" + path);
        return env;
    }

    /** The real {@code ssh}, if it is on the given PATH. */
    public Optional<Path> realSsh() {
        return realSsh;
    }

    /** The first executable {@code name} in a PATH string. */
    public static Optional<Path> which(String name, String path) {
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(":", -1)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static void writeWrapper(Path script, Path real, Path config) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("#!/bin/sh");
        lines.add("# keyless: run the real " + real.getFileName() + " with the job's ssh_config");
        lines.add("exec " + shellQuote(real.toString()) + " -F " + shellQuote(config.toString()) + " \"$@\"");
        Files.write(script, lines, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    }

    /** 0600: the directory is private already; the files are too, so a copy elsewhere stays private. */
    private static void ownerOnly(Path file) throws IOException {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    /** {@code s} in single quotes for a POSIX shell. */
    public static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static String quote(Path p) {
        String s = p.toString();
        if (s.contains("\"") || s.contains("\n")) {
            throw new IllegalArgumentException("unusable path for ssh_config: " + s);
        }
        return "\"" + s.replace("%", "%%") + "\"";
    }
}
