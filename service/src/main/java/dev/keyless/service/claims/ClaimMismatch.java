package dev.keyless.service.claims;

/**
 * One failed condition: the configured claim name and the configured pattern. Never carries the
 * value the token presented, so it is safe to put in problem responses and audit events.
 */
public record ClaimMismatch(String claim, String expected) {}
