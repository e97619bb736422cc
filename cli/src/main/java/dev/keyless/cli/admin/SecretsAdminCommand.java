package dev.keyless.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyless.cli.Context;
import dev.keyless.cli.ExitCodes;
import dev.keyless.cli.KeylessCli;
import dev.keyless.cli.ServiceOptions;
import dev.keyless.client.Json;
import dev.keyless.client.KeylessClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
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
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code keyless admin secrets ...}: folders and secrets for resource admins. A value is read from
 * stdin or a file, never from the command line (argv is visible to every user of the machine and
 * lands in shell history); no subcommand prints a value, since the service never returns one to an
 * admin.
 */
@Command(name = "secrets", description = "Secret folders and secrets (resource admins; values are write-only).")
public final class SecretsAdminCommand {
    /** Values read for {@code put}: 64 KiB is the service's limit; one byte more shows it was exceeded. */
    static final int MAX_VALUE = 64 * 1024 + 1;

    @Mixin
    ServiceOptions service;

    @Mixin
    AdminOptions admin;

    @Spec
    CommandSpec spec;

    @Command(name = "folders", description = "List folders.")
    int folders() {
        for (JsonNode f : call("GET", "/secret-folders", null).path("folders")) {
            ctx().out().println(f.path("path").asText());
        }
        ctx().out().flush();
        return ExitCodes.OK;
    }

    @Command(name = "create-folder", description = "Create a folder (and its missing parents).")
    int createFolder(@Option(names = "--path", required = true, paramLabel = "FOLDER") String path) {
        ObjectNode body = Json.mapper().createObjectNode().put("path", path);
        print(call("POST", "/secret-folders", body));
        return ExitCodes.OK;
    }

    @Command(name = "delete-folder", description = "Delete an empty folder.")
    int deleteFolder(@Option(names = "--path", required = true, paramLabel = "FOLDER") String path) {
        call("DELETE", "/secret-folders?path=" + encode(path), null);
        return ExitCodes.OK;
    }

    /** Where the value of {@code put} comes from: exactly one of stdin or a file. */
    static final class ValueSource {
        @Option(names = "--from-stdin", description = "Read the value from stdin (to its end).")
        boolean stdin;

        @Option(names = "--from-file", paramLabel = "PATH", description = "Read the value from this file.")
        Path file;
    }

    @Command(name = "put", description = "Write a new version of a secret; the value from stdin or a file.")
    int put(
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
            JsonNode answer = call("POST", "/secrets", body);
            ctx().out()
                    .println(path + "/" + name + " version "
                            + answer.path("version").asLong());
            ctx().out().flush();
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
        return ExitCodes.OK;
    }

    @Command(name = "list", description = "Metadata of the secrets in a folder and below (all by default).")
    int list(@Option(names = "--path", paramLabel = "FOLDER") String path) {
        JsonNode answer = call("GET", "/secrets/metadata" + (path == null ? "" : "?path=" + encode(path)), null);
        for (JsonNode s : answer.path("secrets")) {
            ctx().out()
                    .println(s.path("path").asText() + "/" + s.path("name").asText() + "  version="
                            + s.path("version").asLong()
                            + (s.hasNonNull("deleted_at")
                                    ? "  deleted_at=" + s.get("deleted_at").asText()
                                    : ""));
        }
        ctx().out().flush();
        return ExitCodes.OK;
    }

    @Command(name = "versions", description = "The versions of a secret (never their values).")
    int versions(
            @Option(names = "--path", required = true, paramLabel = "FOLDER") String path,
            @Option(names = "--name", required = true, paramLabel = "NAME") String name) {
        print(call("GET", "/secrets/versions?path=" + encode(path) + "&name=" + encode(name), null));
        return ExitCodes.OK;
    }

    @Command(name = "destroy", description = "Erase the values of versions for good (metadata stays).")
    int destroy(
            @Option(names = "--path", required = true, paramLabel = "FOLDER") String path,
            @Option(names = "--name", required = true, paramLabel = "NAME") String name,
            @Option(names = "--version", required = true, paramLabel = "N", split = ",") List<Long> versions) {
        ObjectNode body = Json.mapper().createObjectNode().put("path", path).put("name", name);
        versions.forEach(body.putArray("versions")::add);
        print(call("POST", "/secrets/versions/destroy", body));
        return ExitCodes.OK;
    }

    @Command(name = "delete", description = "Soft-delete a secret (undelete within the service's window).")
    int delete(
            @Option(names = "--path", required = true, paramLabel = "FOLDER") String path,
            @Option(names = "--name", required = true, paramLabel = "NAME") String name) {
        print(call("POST", "/secrets/delete", ref(path, name)));
        return ExitCodes.OK;
    }

    @Command(name = "undelete", description = "Bring back a soft-deleted secret.")
    int undelete(
            @Option(names = "--path", required = true, paramLabel = "FOLDER") String path,
            @Option(names = "--name", required = true, paramLabel = "NAME") String name) {
        print(call("POST", "/secrets/undelete", ref(path, name)));
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

    private Context ctx() {
        return KeylessCli.context(spec);
    }

    private JsonNode call(String method, String path, JsonNode body) {
        Context ctx = ctx();
        String token = ctx.env().get(admin.adminTokenEnv);
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("no admin token in $" + admin.adminTokenEnv + " (--admin-token-env)");
        }
        ctx.masker().register(token);
        KeylessClient client = KeylessClient.builder(service.uri(), service.team())
                .env(ctx.env())
                .caBundle(service.caBundle())
                .build();
        return client.admin(token, method, path, body);
    }

    private void print(JsonNode node) {
        if (node != null) {
            try {
                ctx().out()
                        .println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(node));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        ctx().out().flush();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
