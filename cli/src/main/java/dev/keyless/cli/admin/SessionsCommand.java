package dev.keyless.cli.admin;

import dev.keyless.cli.ExitCodes;
import java.util.List;
import java.util.StringJoiner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code keyless admin sessions list|revoke|revoke-role}: the team's live sessions. */
@Command(
        name = "sessions",
        description = "Live sessions of the team: list them per role or server, revoke them.",
        footerHeading = "%nExamples:%n",
        footer = {"  keyless admin sessions list --server web-01", "  keyless admin sessions revoke-role deployer"})
public final class SessionsCommand {
    static final List<String> COLUMNS = List.of("session_id", "state", "role", "server", "principal", "valid_before");

    @Command(
            name = "list",
            description = "List live (PENDING, READY) sessions.",
            footerHeading = "%nExamples:%n",
            footer = "  keyless admin sessions list --role deployer --output json")
    int list(
            @Mixin AdminCall call,
            @Option(names = "--role", paramLabel = "ROLE", description = "Only this role's.") String role,
            @Option(names = "--server", paramLabel = "NAME", description = "Only this server's.") String server) {
        StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");
        if (role != null) {
            q.add("role=" + AdminCall.encode(role));
        }
        if (server != null) {
            q.add("server=" + AdminCall.encode(server));
        }
        call.show(call.call("GET", "/sessions" + q, null), COLUMNS);
        return ExitCodes.OK;
    }

    @Command(
            name = "revoke",
            description = "Revoke sessions (security admin): certificate to the KRL, the agent ends it.",
            footerHeading = "%nExamples:%n",
            footer = "  keyless admin sessions revoke 3f0c...")
    int revoke(
            @Mixin AdminCall call,
            @Parameters(arity = "1..*", paramLabel = "ID", description = "Session ids.") List<String> ids) {
        for (String id : ids) {
            call.show(call.call("POST", "/sessions/" + AdminCall.encode(id) + "/revoke", null));
        }
        return ExitCodes.OK;
    }

    @Command(
            name = "revoke-role",
            description = "Revoke every live session of a role (security admin).",
            footerHeading = "%nExamples:%n",
            footer = "  keyless admin sessions revoke-role deployer")
    int revokeRole(@Mixin AdminCall call, @Parameters(paramLabel = "ROLE", description = "The role.") String role) {
        call.show(call.call("POST", "/roles/" + AdminCall.encode(role) + "/revoke-sessions", null));
        return ExitCodes.OK;
    }
}
