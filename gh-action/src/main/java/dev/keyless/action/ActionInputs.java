package dev.keyless.action;

import dev.keyless.action.runner.Inputs;
import dev.keyless.client.secrets.SecretBinding;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The action's inputs, validated. Names match {@code action.yml} and the CLI's vocabulary.
 *
 * @param role null lets the service pick the only matching role
 * @param audience the audience to request the OIDC token for; the service URL by default
 * @param workingDirectory absolute, resolved against {@code GITHUB_WORKSPACE}
 */
record ActionInputs(
        URI serviceUrl,
        String team,
        String connection,
        String role,
        List<String> servers,
        String run,
        String audience,
        Path workingDirectory,
        String shell,
        boolean debug,
        List<SecretBinding> secrets) {

    static final List<String> SHELLS = List.of("bash", "sh");

    /** @throws IllegalArgumentException naming the input that is missing or invalid */
    static ActionInputs parse(Inputs in, Path workspace) {
        String url = in.required("service-url");
        URI serviceUrl = URI.create(url);
        if (serviceUrl.getScheme() == null || !serviceUrl.getScheme().matches("https?")) {
            throw new IllegalArgumentException("input 'service-url' must be an http(s) URL, got '" + url + "'");
        }
        String connection = in.required("connection");
        List<String> servers = servers(in.required("servers"));
        String run = in.required("run");
        String shell = in.get("shell", "bash");
        if (!SHELLS.contains(shell)) {
            throw new IllegalArgumentException("input 'shell' must be one of " + SHELLS + ", got '" + shell + "'");
        }
        return new ActionInputs(
                serviceUrl,
                in.get("team", "default"),
                connection,
                in.get("role").orElse(null),
                servers,
                run,
                in.get("audience", url),
                workspace.resolve(in.get("working-directory", ".")).normalize(),
                shell,
                in.bool("debug", false),
                secrets(in.get("secrets", "")));
    }

    /** Lines of {@code ENV_NAME=/folder/name}; blank lines and {@code #} comments are skipped. */
    static List<SecretBinding> secrets(String value) {
        List<SecretBinding> out = new java.util.ArrayList<>();
        for (String line : value.split("\\R", -1)) {
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            try {
                out.add(SecretBinding.parse(text));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("input 'secrets': " + e.getMessage(), e);
            }
        }
        return List.copyOf(out);
    }

    /** Server names separated by newlines, spaces or commas. */
    static List<String> servers(String value) {
        List<String> names = Arrays.stream(value.split("[\\s,]+"))
                .filter(s -> !s.isEmpty())
                .distinct()
                .toList();
        if (names.isEmpty()) {
            throw new IllegalArgumentException("input 'servers' names no server");
        }
        return names;
    }

    /** The argv that runs {@link #run} the way GitHub runs {@code run:} steps with this shell. */
    List<String> command() {
        return "sh".equals(shell)
                ? List.of("sh", "-e", "-c", run)
                : List.of("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", run);
    }
}
