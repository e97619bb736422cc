package dev.keyless.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyless.cli.Context;
import dev.keyless.cli.ExitCodes;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code keyless admin audit list [filters]} and {@code keyless admin audit verify [--checkpoints FILE]}. */
@Command(name = "audit", description = "Read and verify the audit trail.")
public final class AuditCommand extends ResourceCommand {
    @Override
    String resource() {
        return "audit";
    }

    @Override
    String[] listFields() {
        return new String[0];
    }

    @Command(name = "events", description = "Events, filtered; one line each.")
    int events(
            @Option(names = "--since", paramLabel = "INSTANT") String since,
            @Option(names = "--until", paramLabel = "INSTANT") String until,
            @Option(names = "--type", paramLabel = "TYPE") String type,
            @Option(names = "--role", paramLabel = "ROLE") String role,
            @Option(names = "--server", paramLabel = "NAME") String server,
            @Option(names = "--session", paramLabel = "ID") String session) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("since", since);
        query.put("until", until);
        query.put("type", type);
        query.put("role", role);
        query.put("server", server);
        query.put("session", session);
        StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");
        query.forEach((k, v) -> {
            if (v != null) {
                q.add(k + "=" + encode(v));
            }
        });
        JsonNode page = call("GET", "/audit" + q, null);
        Context ctx = ctx();
        for (JsonNode e : page.path("events")) {
            StringBuilder line = new StringBuilder();
            e.properties().forEach(f -> {
                if (f.getValue().isValueNode() && !f.getValue().isNull()) {
                    line.append(line.length() == 0 ? "" : "  ")
                            .append(f.getKey())
                            .append('=')
                            .append(f.getValue().asText());
                }
            });
            ctx.out().println(ctx.masker().mask(line.toString()));
        }
        ctx.out().flush();
        return ExitCodes.OK;
    }

    @Command(
            name = "verify",
            description = "Check the hash chain, and against signed checkpoints kept outside the database.")
    int verify(
            @Option(
                            names = "--checkpoints",
                            paramLabel = "FILE",
                            description = "checkpoint file or stream JSON lines; exit 3 if the history disagrees")
                    Path checkpoints) {
        if (checkpoints == null) {
            print(call("GET", "/audit/verify", null));
            return ExitCodes.OK;
        }
        List<ArrayNode> chunks = CheckpointFile.chunks(checkpoints, service.team());
        if (chunks.isEmpty()) {
            throw new IllegalArgumentException("no checkpoint of team " + service.team() + " in " + checkpoints);
        }
        JsonNode result = null;
        for (ArrayNode chunk : chunks) {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.set("checkpoints", chunk);
            result = call("POST", "/audit/verify", body);
            if (!result.path("valid").asBoolean()) {
                print(result);
                return ExitCodes.REFUSED;
            }
        }
        print(result);
        return ExitCodes.OK;
    }
}
