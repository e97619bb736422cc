package dev.keyless.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyless.cli.ExitCodes;
import dev.keyless.client.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code keyless admin secrets ...}: folders and secrets for resource admins. A value is read from
 * stdin or a file, never from the command line (argv is visible to every user of the machine and
 * lands in shell history); no subcommand prints a value, since the service never returns one to an
 * admin.
 */
@Command(
        name = "secrets",
        description = "Secret folders and secrets (resource admins; values are write-only).",
        footerHeading = "%nExamples:%n",
        footer = {
            "  keyless admin secrets create-folder --path /ci/prod/app",
            "  keyless admin secrets put --path /ci/prod/app --name db-password --from-stdin < pw.txt",
            "  keyless admin secrets list --path /ci/prod"
        })
public final class SecretsAdminCommand {
    /** Values read for {@code put}: 64 KiB is the service's limit; one byte more shows it was exceeded. */
    static final int MAX_VALUE = 64 * 1024 + 1;

    @Command(
            name = "folders",
            description = "List folders.",
            footerHeading = "%nExamples:%n",
            footer = "  keyless admin secrets folders")
    int folders(@Mixin AdminCall call) {
        for (JsonNode f : call.call("GET", "/secret-folders", null).path("folders")) {
            call.ctx().out().println(f.path("path").asText());
        }
        call.ctx().out().flush();
        return ExitCodes.OK;
    }

    @Command(
            name = "create-folder",
            description = "Create a folder (and its missing parents).",
            footerHeading = "%nExamples:%n",
            footer = "  keyless admin secrets create-folder --path /ci/prod/app")
    int createFolder(
            @Mixin AdminCall call, @Option(names = "--path", required = true, paramLabel = "FOLDER") String path) {
        ObjectNode body = Json.mapper().createObjectNode().put("path", path);
        call.show(call.call("POST", "/secret-folders", body));
        return ExitCodes.OK;
    }

    @Command(
            name = "delete-folder",
            description = "Delete an empty folder.",
            footerHeading = "%nExamples:%n",
            footer = "  keyless admin secrets delete-folder --path /ci/prod/app")
    int deleteFolder(
            @Mixin AdminCall call, @Option(names = "--path", required = true, paramLabel = "FOLDER") String path) {
        call.call("DELETE", "/secret-folders?path=" + AdminCall.encode(path), null);
        return ExitCodes.OK;
    }

    /** Where the value of {@code put} comes from: exactly one of stdin or a file. */
    static final class ValueSource {
        @Option(names = "--from-stdin", description = "Read the value from stdin (to its end).")
        boolean stdin;

        @Option(names = "--from-file", paramLabel = "PATH", description = "Read the value from this file.")
        Path file;
    }

    @Command(
            name = "put",
            description = "Write a new version of a secret; the value from stdin or a file.",
            footerHeading = "%nExamples:%n",
            footer = "  keyless admin secrets put --path /ci/prod/app --name deploy-key --from-file id_ed25519")
    int put(
            @Mixin AdminCall call,
            @Option(names = "--path", required = true, paramLabel = "FOLDER") String path,
            @Option(names = "--name", required = true, paramLabel = "NAME") String name,
            @ArgGroup(multiplicity = "1") ValueSource source,
            @Option(names = "--binary", description = "Store the bytes as they are (sent as base64).") boolean binary,
            @Option(names = "--description", paramLabel = "TEXT") String description) {
        byte[] bytes = read(source);
        try {
            ObjectNode body = Json.mapper().createObjectNode().put("path", path).put("name", name);
            if (binary) {
                body.put("value", Base64.getEncoder().encodeToString(bytes)).put("encoding", "base64");
            } else {
                body.put("value", text(bytes)).put("encoding", "text");
            }
            if (description != null) {
                body.put("description", description);
            }
            JsonNode answer = call.call("POST", "/secrets", body);
            call.ctx()
                    .out()
                    .println(path + "/" + name + " version "
                            + answer.path("version").asLong());
            call.ctx().out().flush();
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
        return ExitCodes.OK;
    }

    @Command(
            name = "list",
            description = "Metadata of the secrets in a folder and below (all by default).",
            footerHeading = "%nExamples:%n",
            footer = "  keyless admin secrets list --path /ci/prod --output json")
    int list(@Mixin AdminCall call, @Option(names = "--path", paramLabel = "FOLDER") String path) {
        JsonNode answer =
                call.call("GET", "/secrets/metadata" + (path == null ? "" : "?path=" + AdminCall.encode(path)), null);
        for (JsonNode s : answer.path("secrets")) {
            call.ctx()
                    .out()
                    .println(s.path("path").asText() + "/" + s.path("name").asText() + "  version="
                            + s.path("version").asLong()
                            + (s.hasNonNull("deleted_at")
                                    ? "  deleted_at=" + s.get("deleted_at").asText()
                                    : ""));
        }
        call.ctx().out().flush();
        return ExitCodes.OK;
    }

    @Command(
            name = "versions",
            description = "The versions of a secret (never their values).",
            footerHeading = "%nExamples:%n",
            footer = "  keyless admin secrets versions --path /ci/prod/app --name db-password")
    int versions(
            @Mixin AdminCall call,
            @Option(names = "--path", required = true, paramLabel = "FOLDER") String path,
            @Option(names = "--name", required = true, paramLabel = "NAME") String name) {
        call.show(call.call(
                "GET", "/secrets/versions?path=" + AdminCall.encode(path) + "&name=" + AdminCall.encode(name), null));
        return ExitCodes.OK;
    }

    @Command(
            name = "destroy",
            description = "Erase the values of versions for good (metadata stays).",
            footerHeading = "%nExamples:%n",
            footer = "  keyless admin secrets destroy --path /ci/prod/app --name db-password --version 1,2")
    int destroy(
            @Mixin AdminCall call,
            @Option(names = "--path", required = true, paramLabel = "FOLDER") String path,
            @Option(names = "--name", required = true, paramLabel = "NAME") String name,
            @Option(names = "--version", required = true, paramLabel = "N", split = ",") List<Long> versions) {
        ObjectNode body = Json.mapper().createObjectNode().put("path", path).put("name", name);
        versions.forEach(body.putArray("versions")::add);
        call.show(call.call("POST", "/secrets/versions/destroy", body));
        return ExitCodes.OK;
    }

    @Command(
            name = "delete",
            description = "Soft-delete a secret (undelete within the service's window).",
            footerHeading = "%nExamples:%n",
            footer = "  keyless admin secrets delete --path /ci/prod/app --name db-password")
    int delete(
            @Mixin AdminCall call,
            @Option(names = "--path", required = true, paramLabel = "FOLDER") String path,
            @Option(names = "--name", required = true, paramLabel = "NAME") String name) {
        call.show(call.call("POST", "/secrets/delete", ref(path, name)));
        return ExitCodes.OK;
    }

    @Command(
            name = "undelete",
            description = "Bring back a soft-deleted secret.",
            footerHeading = "%nExamples:%n",
            footer = "  keyless admin secrets undelete --path /ci/prod/app --name db-password")
    int undelete(
            @Mixin AdminCall call,
            @Option(names = "--path", required = true, paramLabel = "FOLDER") String path,
            @Option(names = "--name", required = true, paramLabel = "NAME") String name) {
        call.show(call.call("POST", "/secrets/undelete", ref(path, name)));
        return ExitCodes.OK;
    }

    private static ObjectNode ref(String path, String name) {
        return Json.mapper().createObjectNode().put("path", path).put("name", name);
    }

    private byte[] read(ValueSource source) {
        try (InputStream in = source.file != null ? Files.newInputStream(source.file) : System.in) {
            byte[] bytes = in.readNBytes(MAX_VALUE);
            if (bytes.length >= MAX_VALUE) {
                Arrays.fill(bytes, (byte) 0);
                throw new IllegalArgumentException("the value is longer than 65536 bytes, the service's limit");
            }
            if (bytes.length == 0) {
                throw new IllegalArgumentException("the value is empty");
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read the value (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static String text(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the value is not UTF-8 text: pass --binary to store bytes");
        }
    }
}
