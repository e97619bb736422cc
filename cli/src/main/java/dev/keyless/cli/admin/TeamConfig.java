package dev.keyless.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyless.client.Json;
import dev.keyless.protocol.ConnectionRequests.ConnectionSpec;
import dev.keyless.protocol.PolicyRequests.PolicySpec;
import dev.keyless.protocol.RoleRequests.RoleSpec;
import dev.keyless.protocol.ServerRequests.ServerSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The team file of {@code apply} and {@code export}: one list per kind, each item the request body
 * of that kind's API (its spec record's fields, snake_case), plus a connection's {@code state}.
 * Pure: projection of the service's views, comparison, and the plan; no I/O.
 */
final class TeamConfig {
    /** The kinds a team file manages, in the order they are created. */
    enum Kind {
        CONNECTIONS("connection", ConnectionSpec.class),
        ROLES("role", RoleSpec.class),
        SERVERS("server", ServerSpec.class),
        POLICIES("policy", PolicySpec.class);

        final String singular;

        @SuppressWarnings("ImmutableEnumChecker") // Set.copyOf: unmodifiable
        final Set<String> fields;

        Kind(String singular, Class<? extends Record> spec) {
            this.singular = singular;
            List<String> names = new ArrayList<>();
            Arrays.stream(spec.getRecordComponents())
                    .map(c -> new PropertyNamingStrategies.SnakeCaseStrategy().translate(c.getName()))
                    .forEach(names::add);
            if ("connection".equals(singular)) {
                names.add(STATE);
            }
            this.fields = Set.copyOf(names);
        }

        String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        String path() {
            return "/" + key();
        }
    }

    static final String STATE = "state";

    /** One step of a plan; {@code body} is what is sent, null for deletions and state changes. */
    record Step(Action action, Kind kind, String name, List<String> diff, JsonNode body) {
        String describe() {
            String head = action.symbol + " " + kind.singular + " " + name;
            return diff.isEmpty() ? head : head + ": " + String.join("; ", diff);
        }
    }

    enum Action {
        CREATE("+"),
        UPDATE("~"),
        ACTIVATE("~"),
        DEACTIVATE("~"),
        PENDING("="),
        DELETE("-");

        final String symbol;

        Action(String symbol) {
            this.symbol = symbol;
        }
    }

    private TeamConfig() {}

    /** A view as the service shows it, cut to its kind's spec fields, without nulls. */
    static ObjectNode project(Kind kind, JsonNode view) {
        ObjectNode spec = Json.mapper().createObjectNode();
        view.properties().forEach(f -> {
            if (kind.fields.contains(f.getKey()) && !f.getValue().isNull()) {
                spec.set(f.getKey(), withoutNulls(f.getValue()));
            }
        });
        return spec;
    }

    static JsonNode withoutNulls(JsonNode node) {
        if (node.isObject()) {
            ObjectNode copy = Json.mapper().createObjectNode();
            node.properties().forEach(f -> {
                if (!f.getValue().isNull()) {
                    copy.set(f.getKey(), withoutNulls(f.getValue()));
                }
            });
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = Json.mapper().createArrayNode();
            node.forEach(e -> copy.add(withoutNulls(e)));
            return copy;
        }
        return node;
    }

    /** The items of one kind in a file or a state, by name; fails on an item without a name or a duplicate. */
    static Map<String, ObjectNode> byName(Kind kind, JsonNode items) {
        Map<String, ObjectNode> named = new TreeMap<>();
        if (items == null || items.isNull()) {
            return named;
        }
        if (!items.isArray()) {
            throw new IllegalArgumentException(kind.key() + " must be a list");
        }
        for (JsonNode item : items) {
            String name = item.path("name").asText("");
            if (!item.isObject() || name.isEmpty()) {
                throw new IllegalArgumentException("every item of " + kind.key() + " needs a name");
            }
            for (var it = item.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                if (!kind.fields.contains(field)) {
                    throw new IllegalArgumentException(kind.singular + " " + name + ": unknown field '" + field
                            + "' (known: " + new java.util.TreeSet<>(kind.fields) + ")");
                }
            }
            if (named.put(name, (ObjectNode) withoutNulls(item)) != null) {
                throw new IllegalArgumentException(kind.singular + " " + name + " appears twice");
            }
        }
        return named;
    }

    /**
     * The steps that make {@code current} match {@code desired}, for the kinds the file has a list
     * of (a kind the file leaves out is not managed). A field the file leaves out keeps its value.
     * {@code pending} holds, per ACTIVE connection, the fields its pending change proposes.
     */
    static List<Step> plan(
            JsonNode desired, Map<Kind, Map<String, ObjectNode>> current, Map<String, JsonNode> pending) {
        List<Step> creates = new ArrayList<>();
        List<Step> deletes = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            if (!desired.has(kind.key())) {
                continue;
            }
            Map<String, ObjectNode> want = byName(kind, desired.get(kind.key()));
            Map<String, ObjectNode> have = current.getOrDefault(kind, Map.of());
            want.forEach((name, spec) -> creates.addAll(steps(kind, name, spec, have.get(name), pending.get(name))));
            have.keySet().stream()
                    .filter(name -> !want.containsKey(name))
                    .forEach(name -> deletes.add(new Step(Action.DELETE, kind, name, List.of(), null)));
        }
        // Deletions last and in reverse order: a policy goes before the roles and servers it names,
        // a role before its connection.
        deletes.sort((a, b) -> b.kind().compareTo(a.kind()));
        creates.addAll(deletes);
        return creates;
    }

    private static List<Step> steps(Kind kind, String name, ObjectNode want, ObjectNode have, JsonNode pending) {
        ObjectNode body = want.deepCopy();
        JsonNode state = body.remove(STATE);
        List<Step> steps = new ArrayList<>();
        if (have == null) {
            steps.add(new Step(Action.CREATE, kind, name, List.of(), body));
            if (state != null && !"DRAFT".equals(state.asText())) {
                steps.add(stateStep(kind, name, state.asText(), "DRAFT"));
            }
            return steps;
        }
        List<String> diff = new ArrayList<>();
        Map<String, JsonNode> changed = new LinkedHashMap<>();
        body.properties().forEach(f -> {
            JsonNode old = have.get(f.getKey());
            if (old == null || !same(f.getValue(), old)) {
                diff.add(f.getKey() + ": " + (old == null ? "(unset)" : old.toString()) + " -> " + f.getValue());
                changed.put(f.getKey(), f.getValue());
            }
        });
        if (!diff.isEmpty()) {
            ObjectNode merged = have.deepCopy();
            merged.remove(STATE);
            merged.setAll(body);
            String liveState = have.path(STATE).asText("");
            boolean alreadyProposed = pending != null
                    && changed.entrySet().stream()
                            .allMatch(c -> pending.has(c.getKey()) && same(c.getValue(), pending.get(c.getKey())));
            if (alreadyProposed) {
                steps.add(new Step(Action.PENDING, kind, name, List.of("already proposed, waits for approval"), null));
            } else {
                if ("ACTIVE".equals(liveState)) {
                    diff.add("ACTIVE: becomes a pending change for a second security admin to approve");
                }
                steps.add(new Step(Action.UPDATE, kind, name, List.copyOf(diff), merged));
            }
        }
        if (state != null && !state.asText().equals(have.path(STATE).asText())) {
            steps.add(stateStep(kind, name, state.asText(), have.path(STATE).asText()));
        }
        return steps;
    }

    private static Step stateStep(Kind kind, String name, String want, String from) {
        return switch (want) {
            case "ACTIVE" -> new Step(Action.ACTIVATE, kind, name, List.of("state: " + from + " -> ACTIVE"), null);
            case "INACTIVE" -> new Step(
                    Action.DEACTIVATE, kind, name, List.of("state: " + from + " -> INACTIVE"), null);
            default -> throw new IllegalArgumentException(kind.singular + " " + name
                    + ": state must be ACTIVE or INACTIVE (a connection cannot return to " + want + ")");
        };
    }

    /** Equal as settings: numbers by value, lists in any order, objects field by field. */
    static boolean same(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            List<JsonNode> rest = new ArrayList<>();
            b.forEach(rest::add);
            for (JsonNode x : a) {
                int i = indexOf(rest, x);
                if (i < 0) {
                    return false;
                }
                rest.remove(i);
            }
            return true;
        }
        if (a.isObject() && b.isObject()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (var f : a.properties()) {
                JsonNode other = b.get(f.getKey());
                if (other == null || !same(f.getValue(), other)) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    private static int indexOf(List<JsonNode> list, JsonNode x) {
        for (int i = 0; i < list.size(); i++) {
            if (same(x, list.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
