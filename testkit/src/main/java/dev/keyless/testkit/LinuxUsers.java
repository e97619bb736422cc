package dev.keyless.testkit;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Creates and deletes throw-away local Linux accounts for sshd tests. Needs root. Refuses any name that does
 * not start with {@code wl_}, so a test can never touch a real account. Stateless; callers serialise work on
 * the same name.
 */
public final class LinuxUsers {
    private static final Pattern TEST_NAME = Pattern.compile("wl_[a-z0-9_]{1,29}");

    private LinuxUsers() {}

    /** A created account; closing it deletes the account and its home directory. */
    public record TestUser(String name) implements AutoCloseable {
        @Override
        public void close() {
            delete(name);
        }
    }

    /** Creates {@code name} with a home directory and bash, replacing a leftover from an earlier run. */
    public static TestUser create(String name) {
        requireTestName(name);
        if (exists(name)) {
            delete(name);
        }
        Commands.runChecked(List.of("useradd", "-m", "-s", "/bin/bash", name));
        // useradd leaves the password "!", which sshd treats as a locked account when UsePAM is off. "*"
        // matches no password either, so password login stays impossible, but it is not the lock marker.
        Commands.runChecked(List.of("usermod", "-p", "*", name));
        return new TestUser(name);
    }

    /** Deletes {@code name} and its home directory; does nothing if it does not exist. */
    public static void delete(String name) {
        requireTestName(name);
        if (exists(name)) {
            Commands.runChecked(List.of("userdel", "-r", name));
        }
    }

    public static boolean exists(String name) {
        return Commands.run(List.of("getent", "passwd", name)).succeeded();
    }

    private static void requireTestName(String name) {
        if (name == null || !TEST_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("test user names must match wl_[a-z0-9_]{1,29}");
        }
    }
}
