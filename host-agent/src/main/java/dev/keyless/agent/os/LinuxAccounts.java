package dev.keyless.agent.os;

import dev.keyless.protocol.sudo.RoleNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/** {@link Accounts} over useradd/userdel and /etc/passwd. Callers serialise work on one name. */
public final class LinuxAccounts implements Accounts {
    private static final Path PASSWD = Path.of("/etc/passwd");
    private static final Pattern COMMENT = Pattern.compile("[A-Za-z0-9 .:_-]{0,100}");
    /** userdel: "user currently logged in" (processes still running). */
    private static final int USERDEL_IN_USE = 8;
    /** userdel: "user does not exist". */
    private static final int USERDEL_NO_USER = 6;

    @Override
    public boolean exists(String user) {
        return uid(requireJit(user)).isPresent();
    }

    @Override
    public boolean uidInUse(int uid) {
        return passwd().stream().anyMatch(fields -> fields[2].equals(Integer.toString(uid)));
    }

    @Override
    public OptionalInt uid(String user) {
        requireJit(user);
        return passwd().stream()
                .filter(fields -> fields[0].equals(user))
                .mapToInt(fields -> Integer.parseInt(fields[2]))
                .findFirst();
    }

    @Override
    public void create(String user, int uid, String comment) {
        requireJit(user);
        if (!COMMENT.matcher(comment).matches()) {
            throw new IllegalArgumentException("account comment breaks its grammar");
        }
        // -p '*': no password matches, and unlike useradd's default "!" it is not the lock marker
        // that makes sshd (UsePAM no) refuse the account. One process instead of useradd + usermod.
        Exec.checked(List.of(
                "useradd", "-m", "-U", "-s", "/bin/bash", "-c", comment, "-u", Integer.toString(uid), "-p", "*", user));
    }

    @Override
    public boolean delete(String user) {
        requireJit(user);
        Exec.Result result = Exec.run(List.of("userdel", "-r", user));
        if (result.exitCode() == USERDEL_NO_USER) {
            return false;
        }
        if (result.exitCode() == USERDEL_IN_USE) {
            // A killed process can linger for a moment; the caller has already killed everything.
            result = Exec.run(List.of("userdel", "-r", "-f", user));
        }
        // 12: the home directory could not be removed entirely; the account itself is gone.
        if (!result.succeeded() && result.exitCode() != 12) {
            throw new OsCommandException("userdel", result.exitCode(), result.stderr());
        }
        return true;
    }

    @Override
    public List<String> list() {
        List<String> users = new ArrayList<>();
        for (String[] fields : passwd()) {
            if (fields[0].startsWith(RoleNames.PRINCIPAL_PREFIX)) {
                users.add(fields[0]);
            }
        }
        return users;
    }

    /** Rejects anything that is not {@code wl_<role>}: the agent never touches another account. */
    public static String requireJit(String user) {
        if (!RoleNames.isPrincipal(user)) {
            throw new IllegalArgumentException("refusing to touch an account that is not wl_<role>");
        }
        return user;
    }

    private static List<String[]> passwd() {
        try {
            List<String[]> entries = new ArrayList<>();
            for (String line : Files.readAllLines(PASSWD, StandardCharsets.UTF_8)) {
                String[] fields = line.split(":", -1);
                if (fields.length >= 7) {
                    entries.add(fields);
                }
            }
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + PASSWD, e);
        }
    }
}
