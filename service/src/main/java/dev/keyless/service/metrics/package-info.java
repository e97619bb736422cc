/**
 * The service's Prometheus metrics: what features report ({@link KeylessMetrics}), the gauges read
 * from the database and the key sources every 15 s, and the {@code /metrics} scrape endpoint.
 * Labels are only values an admin created (team, connection names) or fixed sets (check slugs,
 * states), never a subject, token id or anything a client sent that did not match a known name.
 */
package dev.keyless.service.metrics;
