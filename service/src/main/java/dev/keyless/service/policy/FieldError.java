package dev.keyless.service.policy;

/** One rejected request field, e.g. {@code roles[1]}, and the rule it broke (never its value). */
public record FieldError(String field, String message) {}
