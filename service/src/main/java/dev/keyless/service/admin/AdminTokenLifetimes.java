package dev.keyless.service.admin;

import dev.keyless.protocol.AdminRequests.AdminTokenPolicy;
import java.time.Duration;

/** How long a new admin token lives when its creator names nothing, and at most. */
record AdminTokenLifetimes(Duration defaultTtl, Duration maxTtl) {
    AdminTokenPolicy view() {
        return new AdminTokenPolicy(defaultTtl.toSeconds(), maxTtl.toSeconds());
    }
}
