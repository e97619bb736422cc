package dev.keyless.service.policy;

import java.util.Map;

/** What policy evaluation knows about a target server: its name and labels. */
public record ServerFacts(String name, Map<String, String> labels) {
    public ServerFacts {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
}
