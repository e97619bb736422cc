package dev.keyless.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyless.cli.Context;
import dev.keyless.cli.ExitCodes;
import dev.keyless.cli.KeylessCli;
import dev.keyless.cli.ServiceOptions;
import dev.keyless.client.Json;
import dev.keyless.client.KeylessClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code list}, {@code get NAME}, {@code create --file F} and {@code delete NAME} for one admin
 * resource under {@code /v1/teams/{team}/<resource>}. {@code list} prints one line per item; the
 * others print the JSON answer.
 */
abstract class ResourceCommand {
    @Mixin
    ServiceOptions service;

    @Mixin
    AdminOptions admin;

    @Spec
    CommandSpec spec;

    /** The path segment, e.g. {@code connections}. */
    abstract String resource();

    /** The fields shown after the name in {@code list}. */
    abstract String[] listFields();

    @Command(name = "list", description = "List all.")
    int list() {
        JsonNode items = call("GET", "/" + resource(), null);
        Context ctx = ctx();
        if (items != null && items.isArray()) {
            for (JsonNode item : items) {
                StringBuilder line = new StringBuilder(item.path("name").asText("?"));
                for (String field : listFields()) {
                    if (item.has(field)) {
                        line.append("  ")
                                .append(field)
                                .append('=')
                                .append(
                                        item.get(field).isValueNode()
                                                ? item.get(field).asText()
                                                : item.get(field).toString());
                    }
                }
                ctx.out().println(ctx.masker().mask(line.toString()));
            }
        } else {
            print(items);
        }
        ctx.out().flush();
        return ExitCodes.OK;
    }

    @Command(name = "get", description = "Show one.")
    int get(@Parameters(paramLabel = "NAME") String name) {
        print(call("GET", "/" + resource() + "/" + encode(name), null));
        return ExitCodes.OK;
    }

    @Command(name = "create", description = "Create from a JSON file (the request body of the HTTP API).")
    int create(@Option(names = "--file", required = true, paramLabel = "JSON") Path file) {
        JsonNode body;
        try {
            body = Json.mapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "cannot read " + file + " as JSON: " + e.getClass().getSimpleName(), e);
        }
        print(call("POST", "/" + resource(), body));
        return ExitCodes.OK;
    }

    @Command(name = "delete", description = "Delete one.")
    int delete(@Parameters(paramLabel = "NAME") String name) {
        call("DELETE", "/" + resource() + "/" + encode(name), null);
        return ExitCodes.OK;
    }

    Context ctx() {
        return KeylessCli.context(spec);
    }

    JsonNode call(String method, String path, JsonNode body) {
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

    void print(JsonNode node) {
        Context ctx = ctx();
        if (node != null) {
            try {
                ctx.out()
                        .println(ctx.masker()
                                .mask(Json.mapper()
                                        .writerWithDefaultPrettyPrinter()
                                        .writeValueAsString(node)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        ctx.out().flush();
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
