/**
 * HTTP plumbing shared by the client and the token sources: retries with backoff, proxies from the
 * environment, and a custom CA bundle.
 */
package dev.keyless.client.http;
