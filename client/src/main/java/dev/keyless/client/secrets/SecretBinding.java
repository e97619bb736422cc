package dev.keyless.client.secrets;

import java.util.regex.Pattern;

/**
 * One {@code ENV_NAME=/folder/path/name} binding of a secret to a job's environment, as the CLI's
 * {@code --secret}, the GitHub Action's and GitLab component's {@code secrets} input and the
 * Jenkins step's {@code secrets} parameter write it. The secret's folder is everything before the
 * last {@code /}; the service checks both parts' grammar. Immutable.
 *
 * @param envName a POSIX environment variable name, not one of the job's own ({@code KEYLESS_*},
 *     {@code SSH_*}, {@code PATH}...)
 */
public record SecretBinding(String envName, String folder, String name) {
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    private static final java.util.Set<String> RESERVED =
            java.util.Set.of("PATH", "HOME", "SHELL", "USER", "GIT_SSH_COMMAND", "SSH_AUTH_SOCK", "LD_PRELOAD");

    /**
     * Parses {@code NAME=/path/name}.
     *
     * @throws IllegalArgumentException naming what is wrong (the binding holds no secret value)
     */
    public static SecretBinding parse(String binding) {
        String text = binding == null ? "" : binding.strip();
        int eq = text.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("a secret binding must read ENV_NAME=/folder/name, not '" + text + "'");
        }
        String env = text.substring(0, eq).strip();
        String ref = text.substring(eq + 1).strip();
        if (!ENV_NAME.matcher(env).matches()) {
            throw new IllegalArgumentException(
                    "'" + env + "' is not an environment variable name ([A-Za-z_][A-Za-z0-9_]*)");
        }
        if (RESERVED.contains(env) || env.startsWith("KEYLESS_") || env.startsWith("SSH_")) {
            throw new IllegalArgumentException("'" + env + "' is used by the job itself; choose another variable name");
        }
        int slash = ref.lastIndexOf('/');
        if (!ref.startsWith("/") || slash <= 0 || slash == ref.length() - 1) {
            throw new IllegalArgumentException(
                    "the secret of " + env + " must be /folder/name (an absolute folder, then the secret's name)");
        }
        return new SecretBinding(env, ref.substring(0, slash), ref.substring(slash + 1));
    }

    /** {@code /folder/name}. */
    public String ref() {
        return folder + "/" + name;
    }
}
