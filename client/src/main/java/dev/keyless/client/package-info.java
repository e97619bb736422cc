/** Plain-Java client of the Keyless service, shared by the CLI and the CI integrations. */
package dev.keyless.client;
