/**
 * The service hands out its own clients: the CLI jar, the agent jar and the agent's Debian package
 * of the service's version, with their SHA-256, so that CI templates and install scripts fetch a
 * version-matched, checksum-verified client from the service they already trust.
 */
package dev.keyless.service.downloads;
