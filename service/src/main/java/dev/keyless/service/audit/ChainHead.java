package dev.keyless.service.audit;

/** Where a team's audit chain ends: the last sequence number and its hash. */
public record ChainHead(long seq, String hash) {}
