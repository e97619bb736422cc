package dev.keyless.service.metrics;

import java.util.List;

/**
 * A feature's current state for the gauges (sessions, replay-guard rows, audit backlog, key sets),
 * read every 15 s by {@link GaugeSampler}, never on a scrape or request thread. Features implement
 * it so that this package needs none of them. Each sample's name is a gauge of {@link
 * GaugeSampler#DESCRIPTIONS}.
 */
public interface Sampled {
    List<Sample> sample();
}
