package dev.keyless.service.ca;

/** A team has a user CA (signs workload certificates) and a host CA (signs server host keys). */
public enum CaKind {
    USER,
    HOST;

    String column() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
