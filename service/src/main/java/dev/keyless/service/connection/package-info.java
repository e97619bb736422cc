/**
 * Workload connections: which issuer, keys, audiences, algorithms and claims a platform token must
 * have, and the DRAFT/ACTIVE/INACTIVE governance around them.
 */
package dev.keyless.service.connection;
