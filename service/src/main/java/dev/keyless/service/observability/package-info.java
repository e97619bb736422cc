/**
 * What operators see of each request: its request id (in the log's MDC, the {@code X-Request-Id}
 * response header and 5xx problems) and the client address behind trusted proxies.
 */
package dev.keyless.service.observability;
