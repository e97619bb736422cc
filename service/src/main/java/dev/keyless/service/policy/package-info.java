/**
 * Sudo rules, policy validation and pure policy evaluation, and the
 * per-session sudoers rendering. Framework-free: no HTTP, storage or clock.
 */
package dev.keyless.service.policy;
