package dev.keyless.client.ssh;

import java.util.regex.Pattern;

/**
 * One server as the job's {@code ssh_config} names it: {@code ssh <name>} connects to {@code
 * address:port} as {@code user} with {@code identity}. Values come from the service and end up in a
 * config file and shell scripts, so they are checked against strict grammars here.
 */
public record SshHost(String name, String address, int port, String user, SshIdentity identity) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,252}");
    private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.:_-]{0,252}");
    private static final Pattern USER = Pattern.compile("wl_[a-z][a-z0-9_-]{0,29}");

    public SshHost {
        require(NAME, name, "server name");
        require(ADDRESS, address, "server address");
        require(USER, user, "principal");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("server port out of range: " + port);
        }
    }

    private static void require(Pattern p, String value, String what) {
        if (value == null || !p.matcher(value).matches()) {
            throw new IllegalArgumentException("the service sent an unusable " + what);
        }
    }
}
