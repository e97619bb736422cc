package dev.keyless.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyless.cli.ExitCodes;
import dev.keyless.client.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code keyless admin connections ...}: the resource commands plus the governance ones — test a
 * token, request activation of a draft, activate, deactivate, and the four-eyes review of a
 * pending change (its diff, approve, reject).
 */
@Command(
        name = "connections",
        description = "Workload connections: which issuer's tokens a team trusts, and their governance.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  keyless admin connections create -f github.yaml",
            "  keyless admin connections test github --jwt-env MY_JWT",
            "  keyless admin connections request-activation github   # a devops admin: ready for review",
            "  keyless admin connections pending github   # what an approval would change"
        })
public final class ConnectionsCommand extends ResourceCommand {
    static final List<String> COLUMNS = List.of("name", "provider", "state", "issuer", "audiences");

    @Override
    String singular() {
        return "connection";
    }

    @Override
    String resource() {
        return "connections";
    }

    @Override
    List<String> columns() {
        return COLUMNS;
    }

    /** Where the token to test comes from; never the command line. */
    static final class TokenFrom {
        @Option(names = "--jwt-env", paramLabel = "VAR", description = "Variable holding the token.")
        String env;

        @Option(names = "--jwt-file", paramLabel = "PATH", description = "File holding the token.")
        Path file;
    }

    @Command(
            name = "test",
            description = "Validate a token against the connection and its roles; issues nothing, does not consume it.",
            footerHeading = "%nExamples:%n",
            footer = "  keyless admin connections test github --jwt-file token.jwt")
    int test(
            @Mixin AdminCall call,
            @Parameters(paramLabel = "NAME", description = "The connection.") String name,
            @ArgGroup(multiplicity = "1") TokenFrom from)
            throws IOException {
        String token = from.env != null
                ? call.ctx().env().get(from.env)
                : Files.readString(from.file, StandardCharsets.UTF_8).strip();
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("no token in $" + from.env);
        }
        call.ctx().masker().register(token);
        ObjectNode body = Json.mapper().createObjectNode().put("token", token);
        JsonNode report = call.call("POST", "/connections/" + AdminCall.encode(name) + "/test", body);
        if (call.json()) {
            call.printJson(report);
        } else {
            StringBuilder out = new StringBuilder("connection " + name + ": "
                    + (report.path("valid").asBoolean() ? "token accepted" : "token REFUSED") + "\n");
            for (JsonNode c : report.path("checks")) {
                out.append(String.format(
                        "  %-4s %-32s %s%n",
                        c.path("passed").asBoolean() ? "ok" : "FAIL",
                        c.path("check").asText(),
                        c.path("detail").asText("")));
            }
            out.append("matching roles: ")
                    .append(
                            report.path("matching_roles").isEmpty()
                                    ? "none"
                                    : Table.cell(report.path("matching_roles")));
            call.line(out.toString());
        }
        return report.path("valid").asBoolean() ? ExitCodes.OK : ExitCodes.REFUSED;
    }

    @Command(
            name = "request-activation",
            description = "Ask a second security admin to activate a Draft, bound to its current settings"
                    + " (any edit of the draft drops the request).",
            footerHeading = "%nExamples:%n",
            footer = "  keyless admin connections request-activation github")
    int requestActivation(
            @Mixin AdminCall call, @Parameters(paramLabel = "NAME", description = "The connection.") String name) {
        String path = "/connections/" + AdminCall.encode(name);
        JsonNode draft = call.call("GET", path, null);
        ObjectNode body = Json.mapper()
                .createObjectNode()
                .put("content_hash", draft.path("content_hash").asText());
        call.show(call.call("POST", path + "/request-activation", body));
        return ExitCodes.OK;
    }

    @Command(
            name = "activate",
            description = "Make a connection ACTIVE (security admin; four eyes: not its author).",
            footerHeading = "%nExamples:%n",
            footer = "  keyless admin connections activate github")
    int activate(@Mixin AdminCall call, @Parameters(paramLabel = "NAME", description = "The connection.") String name) {
        call.show(call.call("POST", "/connections/" + AdminCall.encode(name) + "/activate", null));
        return ExitCodes.OK;
    }

    @Command(
            name = "deactivate",
            description = "Make a connection INACTIVE: it issues nothing, its live sessions are revoked.",
            footerHeading = "%nExamples:%n",
            footer = "  keyless admin connections deactivate github")
    int deactivate(
            @Mixin AdminCall call, @Parameters(paramLabel = "NAME", description = "The connection.") String name) {
        call.show(call.call("POST", "/connections/" + AdminCall.encode(name) + "/deactivate", null));
        return ExitCodes.OK;
    }

    @Command(
            name = "pending",
            description = "Show the change waiting for approval: each field, its live and its proposed value.",
            footerHeading = "%nExamples:%n",
            footer = "  keyless admin connections pending github")
    int pending(@Mixin AdminCall call, @Parameters(paramLabel = "NAME", description = "The connection.") String name) {
        JsonNode change = call.call("GET", "/connections/" + AdminCall.encode(name) + "/pending-change", null);
        if (call.json()) {
            call.printJson(change);
        } else {
            call.line(diff(change));
        }
        return ExitCodes.OK;
    }

    @Command(
            name = "approve",
            description = "Approve the pending change shown by 'pending' (bound to its content hash, so a change"
                    + " swapped in since is not approved).",
            footerHeading = "%nExamples:%n",
            footer = "  keyless admin connections approve github")
    int approve(@Mixin AdminCall call, @Parameters(paramLabel = "NAME", description = "The connection.") String name) {
        String path = "/connections/" + AdminCall.encode(name);
        JsonNode change = call.call("GET", path + "/pending-change", null);
        if (!call.json()) {
            call.line(diff(change));
        }
        ObjectNode body = Json.mapper()
                .createObjectNode()
                .put("content_hash", change.path("content_hash").asText());
        call.show(call.call("POST", path + "/approve", body));
        return ExitCodes.OK;
    }

    @Command(
            name = "reject",
            description = "Reject the pending change (the live settings stay), or a Draft's activation request.",
            footerHeading = "%nExamples:%n",
            footer = "  keyless admin connections reject github")
    int reject(@Mixin AdminCall call, @Parameters(paramLabel = "NAME", description = "The connection.") String name) {
        call.show(call.call("POST", "/connections/" + AdminCall.encode(name) + "/reject", null));
        return ExitCodes.OK;
    }

    /** {@code field: live -> proposed} per changed field, with who proposed it. */
    static String diff(JsonNode change) {
        StringBuilder out =
                new StringBuilder("proposed by " + change.path("proposed_by").asText("?") + " at "
                        + change.path("proposed_at").asText("?") + "\n");
        for (JsonNode f : change.path("changes")) {
            out.append("  ~ ")
                    .append(f.path("field").asText())
                    .append(": ")
                    .append(
                            f.path("from").isMissingNode() || f.path("from").isNull()
                                    ? "(none)"
                                    : f.path("from").toString())
                    .append(" -> ")
                    .append(
                            f.path("to").isMissingNode() || f.path("to").isNull()
                                    ? "(none)"
                                    : f.path("to").toString())
                    .append('\n');
        }
        return out.toString();
    }
}
