package dev.keyless.service.admin;

import dev.keyless.protocol.AdminRole;
import java.time.Instant;

/**
 * What the four-eyes rules need to know about an admin. {@code owner} is the admin whose
 * credential also holds this one: its creator saw its token once, so an admin created by X counts
 * as X (see {@link AdminService#create}).
 */
public record AdminFacts(String name, AdminRole role, String owner, Instant createdAt) {}
