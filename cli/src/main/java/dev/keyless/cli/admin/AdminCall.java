package dev.keyless.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyless.cli.Context;
import dev.keyless.cli.KeylessCli;
import dev.keyless.cli.ServiceOptions;
import dev.keyless.client.Json;
import dev.keyless.client.KeylessClient;
import dev.keyless.client.KeylessClient.AdminAnswer;
import dev.keyless.client.KeylessProblemException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every {@code keyless admin} command shares: where the service is, the variable holding the
 * admin token (the token itself never goes on the command line), the output format, and the call
 * and print helpers. A mixin, so each leaf command takes its own options.
 */
public final class AdminCall {
    /** {@code --output}: a readable table, or JSON for scripts. */
    public enum Output {
        TABLE,
        JSON
    }

    @Mixin
    ServiceOptions service;

    @Option(
            names = "--admin-token-env",
            paramLabel = "VAR",
            defaultValue = "KEYLESS_ADMIN_TOKEN",
            description = "Variable holding the admin token (default ${DEFAULT-VALUE}).")
    String adminTokenEnv;

    @Option(
            names = "--output",
            paramLabel = "FORMAT",
            defaultValue = "table",
            description = "table or json (env KEYLESS_OUTPUT; default ${DEFAULT-VALUE}).")
    Output output;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    public Context ctx() {
        return KeylessCli.context(mixee);
    }

    public String team() {
        return service.team();
    }

    public boolean json() {
        return output == Output.JSON;
    }

    /** A call under {@code /v1/teams/{team}}; the answer's body, null when empty. */
    public JsonNode call(String method, String path, JsonNode body) {
        return sendTeam(method, path, body).body();
    }

    /** A call under {@code /v1/teams/{team}}, with the status (202: proposed, not applied). */
    public AdminAnswer sendTeam(String method, String path, JsonNode body) {
        teamScoped = true;
        return send(method, client().teamPath(path), body);
    }

    /** Whether a call under {@code /v1/teams/{team}} was made: only then is a refusal about the team. */
    private boolean teamScoped;

    /**
     * Why the service refused the admin token, as far as its holder may know, or null to keep the
     * general hint: the team the token belongs to ({@code GET /v1/whoami} answers about the token
     * only), and the service's teams when the token may list them (the operator's, or a security
     * admin's of the bootstrap team). Never whether a team the token cannot see exists.
     */
    public String wrongTeamHint() {
        if (!teamScoped) {
            return null;
        }
        String teams = visibleTeams();
        String list = teams == null ? "" : "; the service's teams: " + teams;
        try {
            JsonNode me = send("GET", "/v1/whoami", null).body();
            String own = me.path("team").asText();
            if (own.equals(team())) {
                return null;
            }
            return "this admin token belongs to team '" + own + "' (admin "
                    + me.path("name").asText() + ", "
                    + me.path("role").asText() + "), not '" + team() + "': pass --team " + own
                    + " or set KEYLESS_TEAM=" + own + list;
        } catch (KeylessProblemException notAnAdminToken) {
            if (teams != null) {
                return "this is the operator token: it creates and lists teams, and a team's settings need one of"
                        + " that team's admin tokens ('keyless admin teams create' prints the first)" + list;
            }
            return "$" + adminTokenEnv + " holds no admin token of any team on this service (mistyped, from"
                    + " another service, or not an admin token): check --admin-token-env and --service-url";
        } catch (RuntimeException unreachable) {
            return null;
        }
    }

    /** The service's teams, when this token may list them; null otherwise. */
    private String visibleTeams() {
        try {
            JsonNode teams = send("GET", "/v1/teams", null).body();
            List<String> names = new java.util.ArrayList<>();
            teams.forEach(t -> names.add(t.path("name").asText()));
            return String.join(", ", names);
        } catch (RuntimeException mayNotList) {
            return null;
        }
    }

    /** A call to an absolute path, with the status. */
    public AdminAnswer send(String method, String absolutePath, JsonNode body) {
        return client().adminCall(token(), method, absolutePath, body);
    }

    private KeylessClient client() {
        return KeylessClient.builder(service.uri(), service.team())
                .env(ctx().env())
                .caBundle(service.caBundle())
                .build();
    }

    private String token() {
        String token = ctx().env().get(adminTokenEnv);
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("no admin token in $" + adminTokenEnv + " (--admin-token-env)");
        }
        return ctx().masker().register(token.strip());
    }

    /** Rows as a table of {@code columns}, or the JSON as is with {@code --output json}. */
    public void show(JsonNode node, List<String> columns) {
        if (json()) {
            printJson(node);
        } else if (node != null && node.isArray()) {
            line(Table.render(node, columns));
        } else {
            line(Table.fields(node));
        }
    }

    /** One object: {@code field: value} lines, or JSON. */
    public void show(JsonNode node) {
        if (json()) {
            printJson(node);
        } else {
            line(Table.fields(node));
        }
    }

    public void printJson(JsonNode node) {
        if (node == null) {
            return;
        }
        try {
            line(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(node));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Text on stdout, masked: a token the CLI knows never reaches it. */
    public void line(String text) {
        Context ctx = ctx();
        if (!text.isEmpty()) {
            ctx.out().println(ctx.masker().mask(text.stripTrailing()));
        }
        ctx.out().flush();
    }

    public static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
