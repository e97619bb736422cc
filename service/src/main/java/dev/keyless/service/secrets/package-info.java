/**
 * Secrets by policy: folders, secrets and versions written by resource admins, sealed by envelope
 * encryption (a data key per version, sealed under the master key), and the workload calls that
 * list, describe and reveal what the role's policies grant, each reveal and refusal audited.
 */
package dev.keyless.service.secrets;
