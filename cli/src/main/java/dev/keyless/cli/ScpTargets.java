package dev.keyless.cli;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The remote files among scp's arguments, read the way scp reads them: {@code [user@]host:path}
 * (a host before the first colon, no slash before it) and {@code scp://[user@]host[:port][/path]}.
 *
 * <p>On a Keyless server the account is the role's, {@code wl_<role>}, so a {@code user@} can only
 * be that account: {@code wl_deployer@web-01:/tmp} asks for role {@code deployer} (the role hint,
 * as {@code --role deployer}), and the login must be as {@code wl_deployer} (checked against the
 * certificate's principal before scp runs). Any other user is a usage error, not a silent switch
 * to another account: {@code root@web-01:} cannot be granted by Keyless.
 */
record ScpTargets(Set<String> servers, String user) {
    static final String ACCOUNT_PREFIX = "wl_";

    private static final String HOST = "([a-z0-9][a-z0-9._-]{0,62})";
    private static final String USER = "(?:([^@/:\\s]+)@)?";
    private static final Pattern REMOTE = Pattern.compile("^" + USER + HOST + ":.*", Pattern.DOTALL);
    private static final Pattern URI =
            Pattern.compile("^scp://" + USER + HOST + "(?::[0-9]+)?(?:/.*)?$", Pattern.DOTALL);

    /** The servers and the one account named in {@code args} (null when none names one). */
    static ScpTargets of(List<String> args) {
        Set<String> servers = new LinkedHashSet<>();
        Set<String> users = new LinkedHashSet<>();
        for (String arg : args) {
            if (arg.startsWith("-")) {
                continue;
            }
            Matcher m = arg.startsWith("scp://") ? URI.matcher(arg) : REMOTE.matcher(arg);
            if (!m.matches()) {
                continue;
            }
            servers.add(m.group(2));
            if (m.group(1) != null) {
                users.add(m.group(1));
            }
        }
        if (servers.isEmpty()) {
            throw new UsageException("no SERVER:PATH among the arguments: name at least one remote file");
        }
        for (String user : users) {
            if (!user.startsWith(ACCOUNT_PREFIX) || user.length() == ACCOUNT_PREFIX.length()) {
                throw new UsageException("'" + user + "@' cannot be: on a Keyless server you log in as your role's"
                        + " account, " + ACCOUNT_PREFIX + "<role>; write SERVER:PATH, or " + ACCOUNT_PREFIX
                        + "<role>@SERVER:PATH to pick the role");
            }
        }
        if (users.size() > 1) {
            throw new UsageException("one role per run, but the arguments name " + String.join(" and ", users));
        }
        return new ScpTargets(servers, users.isEmpty() ? null : users.iterator().next());
    }

    /** The role a {@code wl_<role>@} names, or null. */
    String role() {
        return user == null ? null : user.substring(ACCOUNT_PREFIX.length());
    }
}
