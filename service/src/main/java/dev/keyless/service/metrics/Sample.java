package dev.keyless.service.metrics;

import java.util.Map;

/** One value of a gauge: {@code keyless.sessions{team=acme,state=READY} 3}. */
public record Sample(String name, Map<String, String> tags, double value) {}
