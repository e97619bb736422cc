package dev.keyless.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyless.cli.ExitCodes;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code keyless admin audit events [filters] [--follow]} and {@code keyless admin audit verify [--checkpoints FILE]}. */
@Command(
        name = "audit",
        description = "Query, follow and verify the team's hash-chained audit trail (security admin, auditor).",
        footerHeading = "%nExamples:%n",
        footer = {
            "  keyless admin audit events --type workload.authenticate --since 2026-01-01T00:00:00Z",
            "  keyless admin audit events --follow",
            "  keyless admin audit events --run 13245678901   # everything that pipeline run did",
            "  keyless admin audit verify"
        })
public final class AuditCommand {
    static final List<String> COLUMNS =
            List.of("seq", "time", "type", "outcome", "actor_id", "role", "server", "session_id", "reason");

    /** The filters of {@code GET /audit}. */
    static final class Filters {
        @Option(names = "--since", paramLabel = "INSTANT", description = "From this time, e.g. 2026-01-31T12:00:00Z.")
        String since;

        @Option(names = "--until", paramLabel = "INSTANT", description = "Before this time.")
        String until;

        @Option(names = "--type", paramLabel = "TYPE", description = "Event type, e.g. session.revoke.")
        String type;

        @Option(names = "--role", paramLabel = "ROLE", description = "Only this role's events.")
        String role;

        @Option(names = "--server", paramLabel = "NAME", description = "Only this server's events.")
        String server;

        @Option(names = "--session", paramLabel = "ID", description = "Only this session's events.")
        String session;

        @Option(names = "--token", paramLabel = "ID", description = "Only events of this access token (its jti).")
        String token;

        @Option(names = "--sub", paramLabel = "SUBJECT", description = "Only events of this platform subject.")
        String sub;

        @Option(names = "--run", paramLabel = "RUN_ID", description = "Only events of this pipeline run.")
        String run;

        @Option(names = "--repository", paramLabel = "REPO", description = "Only events of this repository.")
        String repository;

        @Option(names = "--actor", paramLabel = "ACTOR", description = "Only events of this actor (admin or workload).")
        String actor;

        @Option(
                names = "--around",
                paramLabel = "IAT",
                description = "A window around a token's iat (epoch seconds or an ISO instant); see --window.")
        String around;

        @Option(
                names = "--window",
                paramLabel = "DURATION",
                description = "Either side of --around, an ISO duration (service default PT1H, at most P7D).")
        String window;

        @Option(
                names = "--limit",
                paramLabel = "N",
                defaultValue = "100",
                description = "At most this many events per page (1-1000; default ${DEFAULT-VALUE}).")
        int limit;

        String query(Long afterSeq) {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("since", since);
            query.put("until", until);
            query.put("type", type);
            query.put("role", role);
            query.put("server", server);
            query.put("session", session);
            query.put("token", token);
            query.put("sub", sub);
            query.put("run", run);
            query.put("repository", repository);
            query.put("actor", actor);
            query.put("around", around);
            query.put("window", window);
            query.put("limit", Integer.toString(limit));
            query.put("after_seq", afterSeq == null ? null : Long.toString(afterSeq));
            StringJoiner q = new StringJoiner("&", "?", "");
            query.forEach((k, v) -> {
                if (v != null) {
                    q.add(k + "=" + AdminCall.encode(v));
                }
            });
            return q.toString();
        }
    }

    @Command(
            name = "events",
            aliases = "query",
            description = "Events matching the filters, oldest first; --follow keeps printing new ones.",
            footerHeading = "%nExamples:%n",
            footer = {
                "  keyless admin audit events --role deployer --since 2026-01-31T00:00:00Z",
                "  keyless admin audit events --type session.revoke --follow --output json"
            })
    int events(
            @Mixin AdminCall call,
            @Mixin Filters filters,
            @Option(names = "--follow", description = "Keep polling for new events until interrupted.") boolean follow,
            @Option(
                            names = "--interval",
                            paramLabel = "SECONDS",
                            defaultValue = "2",
                            description = "Poll interval of --follow (default ${DEFAULT-VALUE}).")
                    int interval)
            throws InterruptedException {
        Long after = null;
        boolean header = true;
        do {
            JsonNode events =
                    call.call("GET", "/audit" + filters.query(after), null).path("events");
            if (!events.isEmpty() || (header && !follow)) {
                print(call, events, header);
                header = false;
                after = events.isEmpty()
                        ? after
                        : events.get(events.size() - 1).path("seq").asLong();
            }
            if (follow && events.size() < filters.limit) {
                Thread.sleep(Math.max(1, interval) * 1000L);
            }
        } while (follow && !Thread.currentThread().isInterrupted());
        return ExitCodes.OK;
    }

    private static void print(AdminCall call, JsonNode events, boolean header) {
        if (call.json()) {
            events.forEach(call::printJson);
        } else {
            String table = Table.render(events, COLUMNS);
            call.line(header ? table : table.substring(table.indexOf('\n') + 1));
        }
    }

    @Command(
            name = "verify",
            description = "Check the hash chain end to end, and against signed checkpoints kept outside the"
                    + " database; exit 3 if it is broken or the history disagrees.",
            footerHeading = "%nExamples:%n",
            footer = {
                "  keyless admin audit verify --output json",
                "  keyless admin audit verify --checkpoints audit-checkpoints.jsonl"
            })
    int verify(
            @Mixin AdminCall call,
            @Option(
                            names = "--checkpoints",
                            paramLabel = "FILE",
                            description = "A checkpoint file or the stream's JSON lines: the history must match"
                                    + " every signed checkpoint of the team in it.")
                    Path checkpoints) {
        if (checkpoints == null) {
            JsonNode result = call.call("GET", "/audit/verify", null);
            call.show(result);
            return result.path("valid").asBoolean() ? ExitCodes.OK : ExitCodes.REFUSED;
        }
        List<ArrayNode> chunks = CheckpointFile.chunks(checkpoints, call.team());
        if (chunks.isEmpty()) {
            throw new IllegalArgumentException("no checkpoint of team " + call.team() + " in " + checkpoints);
        }
        JsonNode result = null;
        for (ArrayNode chunk : chunks) {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.set("checkpoints", chunk);
            result = call.call("POST", "/audit/verify", body);
            if (!result.path("valid").asBoolean()) {
                break;
            }
        }
        call.show(result);
        return result.path("valid").asBoolean() ? ExitCodes.OK : ExitCodes.REFUSED;
    }
}
