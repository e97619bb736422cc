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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code keyless admin servers enrollment-tokens --selector env=prod}: one one-time enrolment token
 * per server the labels select ({@code POST /v1/teams/{team}/servers/enrollment-tokens}), for
 * enrolling a fleet. Prints {@code server TAB token TAB expires_at} lines, or the JSON list.
 */
@Command(
        name = "enrollment-tokens",
        aliases = "enrolment-tokens",
        description = "Mint a one-time enrolment token for every server whose labels match (valid one hour).")
public final class ServerEnrollmentTokensCommand implements Callable<Integer> {
    @Mixin
    ServiceOptions service;

    @Mixin
    AdminOptions admin;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--selector",
            required = true,
            split = ",",
            paramLabel = "KEY=VALUE",
            description = "label the servers must carry; repeat or separate with commas (all must match)")
    List<String> selector;

    @Option(
            names = "--output",
            defaultValue = "tsv",
            paramLabel = "FORMAT",
            description = "tsv (server, token, expires_at per line) or json (default ${DEFAULT-VALUE})")
    String output;

    @Override
    public Integer call() {
        if (!output.equals("tsv") && !output.equals("json")) {
            throw new ParameterException(spec.commandLine(), "--output must be tsv or json");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        for (String label : selector) {
            int equals = label.indexOf('=');
            if (equals <= 0) {
                throw new ParameterException(spec.commandLine(), "--selector takes KEY=VALUE");
            }
            labels.put(label.substring(0, equals), label.substring(equals + 1));
        }
        Context ctx = KeylessCli.context(spec);
        String token = ctx.env().get(admin.adminTokenEnv);
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("no admin token in $" + admin.adminTokenEnv + " (--admin-token-env)");
        }
        ctx.masker().register(token);
        KeylessClient client = KeylessClient.builder(service.uri(), service.team())
                .env(ctx.env())
                .caBundle(service.caBundle())
                .build();
        JsonNode tokens = client.admin(
                token,
                "POST",
                "/servers/enrollment-tokens",
                Json.mapper().valueToTree(Map.of("selector", Map.of("labels", labels))));
        // The enrolment tokens are the output the admin asked for, so they are printed as they are.
        if (output.equals("json")) {
            try {
                ctx.out().println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(tokens));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            for (JsonNode t : tokens) {
                ctx.out()
                        .println(t.path("server").asText() + "\t"
                                + t.path("token").asText() + "\t"
                                + t.path("expires_at").asText());
            }
        }
        ctx.out().flush();
        if (tokens.isEmpty()) {
            ctx.error("keyless: no server matches the selector");
        }
        return ExitCodes.OK;
    }
}
