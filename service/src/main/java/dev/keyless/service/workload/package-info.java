/**
 * The workload side: exchanging a platform token for an access token, and authenticating the
 * access token on later calls.
 */
package dev.keyless.service.workload;
