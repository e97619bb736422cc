package dev.keyless.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.keyless.client.Json;
import dev.keyless.protocol.SecretRequests.Revealed;
import dev.keyless.protocol.SecretRequests.SecretView;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code keyless secrets list|describe|reveal}: the secrets this job's role may see, with the access
 * token from {@code $KEYLESS_TOKEN} or a fresh exchange. Only {@code reveal} prints a value, and
 * only on stdout (or into the file asked for); every value is registered with the masker first.
 */
@Command(
        name = "secrets",
        description = "List, describe and reveal the secrets your role's policies grant.",
        subcommands = {SecretsCommand.List.class, SecretsCommand.Describe.class, SecretsCommand.Reveal.class},
        footerHeading = "%nExamples:%n",
        footer = {
            "  keyless secrets list --path /ci/prod",
            "  PW=$(keyless secrets reveal --path /ci/prod/app --name db-password)"
        })
public final class SecretsCommand {
    private SecretsCommand() {}

    /** {@code keyless secrets list [--path P]}. */
    @Command(
            name = "list",
            description = "Names and metadata of the secrets you may list (never values).",
            footerHeading = "%nExamples:%n",
            footer = "  KEYLESS_TOKEN=$(keyless authenticate ...) keyless secrets list --path /ci/prod --output json")
    public static final class List extends WorkloadCommand {
        @Mixin
        AccessTokenSource accessToken;

        @Option(names = "--path", paramLabel = "FOLDER", description = "Only this folder and below it.")
        String path;

        @Option(
                names = "--output",
                paramLabel = "FORMAT",
                defaultValue = "text",
                description = "text or json (default ${DEFAULT-VALUE}).")
        String output;

        @Override
        public Integer call() throws JsonProcessingException {
            Context ctx = ctx();
            java.util.List<SecretView> secrets =
                    client().listSecrets(accessToken.forCall(this), path).secrets();
            if (format(output, "text", "json").equals("json")) {
                ctx.out().println(Json.mapper().writeValueAsString(secrets));
            } else {
                for (SecretView s : secrets) {
                    ctx.out()
                            .println(s.path() + "/" + s.name() + "  version=" + s.version() + "  updated_at="
                                    + s.updatedAt());
                }
            }
            ctx.out().flush();
            return ExitCodes.OK;
        }
    }

    /** {@code keyless secrets describe --path P --name N}. */
    @Command(
            name = "describe",
            description = "One secret's metadata (never its value).",
            footerHeading = "%nExamples:%n",
            footer = "  keyless secrets describe --path /ci/prod/app --name db-password")
    public static final class Describe extends WorkloadCommand {
        @Mixin
        AccessTokenSource accessToken;

        @Option(names = "--path", required = true, paramLabel = "FOLDER", description = "The secret's folder.")
        String path;

        @Option(names = "--name", required = true, paramLabel = "NAME", description = "The secret's name.")
        String name;

        @Override
        public Integer call() throws JsonProcessingException {
            SecretView view = client().describeSecret(accessToken.forCall(this), path, name);
            ctx().out().println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(view));
            ctx().out().flush();
            return ExitCodes.OK;
        }
    }

    /**
     * {@code keyless secrets reveal --path P --name N}: the value alone on stdout, exactly (no
     * newline added; a binary value as base64), for {@code $(...)}; {@code --output json} the value with its metadata,
     * {@code env} a {@code NAME='value'} line for {@code eval} or an env file, {@code file} the
     * value into a new 0600 file.
     */
    @Command(
            name = "reveal",
            description = "Print a secret's value, and nothing else.",
            footerHeading = "%nExamples:%n",
            footer = {
                "  PW=$(keyless secrets reveal --path /ci/prod/app --name db-password)",
                "  keyless secrets reveal --path /ci/prod/app --name deploy-key --output file --file \"$RUNNER_TEMP/key\""
            })
    public static final class Reveal extends WorkloadCommand {
        @Mixin
        AccessTokenSource accessToken;

        @Option(names = "--path", required = true, paramLabel = "FOLDER", description = "The secret's folder.")
        String path;

        @Option(names = "--name", required = true, paramLabel = "NAME", description = "The secret's name.")
        String name;

        @Option(names = "--version", paramLabel = "N", description = "A version (default: the latest).")
        Long version;

        @Option(
                names = "--output",
                paramLabel = "FORMAT",
                defaultValue = "raw",
                description = "raw (the value only), json, env or file (default ${DEFAULT-VALUE}).")
        String output;

        @Option(
                names = "--env-name",
                paramLabel = "VAR",
                description = "Variable name for --output env (default: the secret's name, upper case).")
        String envName;

        @Option(names = "--file", paramLabel = "PATH", description = "For --output file: a new file, created 0600.")
        Path file;

        @Override
        public Integer call() throws IOException {
            String format = format(output, "raw", "json", "env", "file");
            if (format.equals("file") && file == null) {
                throw new UsageException("--output file needs --file PATH");
            }
            Context ctx = ctx();
            Revealed revealed = client().revealSecret(accessToken.forCall(this), path, name, version);
            ctx.masker().register(revealed.value());
            byte[] bytes = "base64".equals(revealed.encoding())
                    ? Base64.getDecoder().decode(revealed.value())
                    : revealed.value().getBytes(StandardCharsets.UTF_8);
            try {
                switch (format) {
                    case "json" -> ctx.out().println(Json.mapper().writeValueAsString(revealed));
                    case "env" -> ctx.out().println(envLine(revealed));
                    case "file" -> writeNew(file, bytes);
                        // A binary value stays base64 on stdout (a terminal or $(...) cannot hold bytes).
                    default -> ctx.out().print(revealed.value());
                }
            } finally {
                java.util.Arrays.fill(bytes, (byte) 0);
            }
            ctx.out().flush();
            return ExitCodes.OK;
        }

        private String envLine(Revealed revealed) {
            String var =
                    envName != null ? envName : name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_]", "_");
            if (!var.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new UsageException("--env-name must be a variable name ([A-Za-z_][A-Za-z0-9_]*)");
            }
            if ("base64".equals(revealed.encoding())) {
                throw new UsageException("this secret holds bytes: use --output file or raw");
            }
            // Single quotes keep every character literal in POSIX shells; a quote is closed, escaped, reopened.
            return var + "='" + revealed.value().replace("'", "'\\''") + "'";
        }

        private static void writeNew(Path file, byte[] bytes) throws IOException {
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new UsageException(file + " exists; --output file writes a new file only");
            }
            try (FileChannel channel = FileChannel.open(
                    file,
                    Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
                channel.write(ByteBuffer.wrap(bytes));
            }
        }
    }

    static String format(String value, String... allowed) {
        for (String a : allowed) {
            if (a.equals(value)) {
                return a;
            }
        }
        throw new UsageException("--output must be one of " + String.join(", ", allowed));
    }
}
