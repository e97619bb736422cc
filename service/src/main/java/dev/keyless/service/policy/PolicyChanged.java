package dev.keyless.service.policy;

/** Published after a team's policies or servers changed, so that live sessions are judged again. */
public record PolicyChanged(String team) {}
