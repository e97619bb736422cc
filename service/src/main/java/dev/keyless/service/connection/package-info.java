/**
 * Workload connections: which issuer, keys, audiences, algorithms and claims a platform token must
 * have, the DRAFT/ACTIVE/INACTIVE governance around them, and four eyes on their trust settings:
 * pending changes, approvals and the rules an approver must pass.
 */
package dev.keyless.service.connection;
