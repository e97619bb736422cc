package dev.keyless.protocol;

/** Lifecycle of a workload connection: {@code DRAFT -> ACTIVE <-> INACTIVE}. */
public enum ConnectionState {
    DRAFT,
    ACTIVE,
    INACTIVE
}
