/**
 * Abuse limits on the unauthenticated exchange: per connection and per client address, per team,
 * per replica (token buckets in memory). A refusal is {@code 429 rate-limited} with {@code
 * Retry-After}, counted in {@code keyless_rate_limited_total}.
 */
package dev.keyless.service.ratelimit;
