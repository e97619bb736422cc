package dev.keyless.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyless.cli.admin.TeamConfig.Kind;
import dev.keyless.client.Json;
import dev.keyless.client.KeylessProblemException;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** A team's connections, roles, servers and policies as the service has them, projected to specs. */
record TeamState(Map<Kind, Map<String, ObjectNode>> items, Map<String, JsonNode> pending) {

    static TeamState fetch(AdminCall call) {
        Map<Kind, Map<String, ObjectNode>> items = new EnumMap<>(Kind.class);
        Map<String, JsonNode> pending = new HashMap<>();
        for (Kind kind : Kind.values()) {
            Map<String, ObjectNode> named = new TreeMap<>();
            for (JsonNode view : call.call("GET", kind.path(), null)) {
                named.put(view.path("name").asText(), TeamConfig.project(kind, view));
                if (kind == Kind.CONNECTIONS
                        && !"DRAFT".equals(view.path("state").asText())) {
                    proposed(call, view.path("name").asText())
                            .ifPresent(p -> pending.put(view.path("name").asText(), p));
                }
            }
            items.put(kind, named);
        }
        return new TeamState(items, pending);
    }

    /** The fields a connection's pending change proposes, with their proposed values. */
    private static java.util.Optional<JsonNode> proposed(AdminCall call, String connection) {
        try {
            JsonNode change =
                    call.call("GET", "/connections/" + AdminCall.encode(connection) + "/pending-change", null);
            ObjectNode fields = Json.mapper().createObjectNode();
            for (JsonNode f : change.path("changes")) {
                fields.set(f.path("field").asText(), f.path("to"));
            }
            return java.util.Optional.of(fields);
        } catch (KeylessProblemException e) {
            if (e.status() == 404) {
                return java.util.Optional.empty();
            }
            throw e;
        }
    }

    /** The state as a team file: {@code team}, then one list per kind. */
    ObjectNode toFile(String team) {
        ObjectNode file = Json.mapper().createObjectNode().put("team", team);
        for (Kind kind : Kind.values()) {
            ArrayNode list = file.putArray(kind.key());
            items.get(kind).values().forEach(list::add);
        }
        return file;
    }
}
