package dev.keyless.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import picocli.CommandLine.Command;

/**
 * {@code keyless admin servers list|get|create|update|delete}, {@code create-bulk} and {@code
 * enrolment-tokens}.
 * Deleting a server revokes its live sessions (its agent removes their accounts).
 */
@Command(
        name = "servers",
        description = "Target servers: address, port and the labels policies select on.",
        subcommands = {CreateBulkCommand.class, EnrolmentTokensCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {
            "  keyless admin servers list   # with each host agent's status, last call and version",
            "  keyless admin servers create -f web-01.yaml",
            "  keyless admin servers create-bulk -f servers.csv   # a fleet, 1000 per call",
            "  keyless admin servers enrolment-tokens web-01   # one-time token for its host agent"
        })
public final class ServersCommand extends ResourceCommand {
    @Override
    String singular() {
        return "server";
    }

    @Override
    String deleteConsequence() {
        return ", which revokes its live sessions";
    }

    @Override
    String resource() {
        return "servers";
    }

    @Override
    List<String> columns() {
        return List.of("name", "address", "port", "labels", "agent", "last_seen", "agent_version");
    }

    /**
     * The host agent's status as three columns: {@code enrolled} or {@code not enrolled}, when it
     * last called (to the minute: the service records that once a minute), and the version it
     * reported ({@code -} from an agent too old to report one).
     */
    @Override
    JsonNode tableRows(JsonNode answer) {
        if (!answer.isArray()) {
            return answer;
        }
        ArrayNode rows = answer.deepCopy();
        for (JsonNode row : rows) {
            JsonNode agent = row.path("agent");
            boolean enrolled = agent.path("enrolled").asBoolean(false);
            ObjectNode r = (ObjectNode) row;
            r.put("agent", enrolled ? "enrolled" : "not enrolled");
            JsonNode seen = agent.path("last_seen_at");
            r.put("last_seen", seen.isTextual() ? seen.asText() : enrolled ? "never" : "-");
            r.set("agent_version", agent.path("version").isTextual() ? agent.get("version") : null);
        }
        return rows;
    }
}
