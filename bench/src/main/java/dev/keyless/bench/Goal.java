package dev.keyless.bench;

/** The target: pairs per second on this database, and p99 under 50 ms, at 64 clients. */
record Goal(String db, double pairsPerSecond, double p99Millis, int clients) {
    static Goal of(String db) {
        return switch (db) {
            case "h2" -> new Goal(db, 2000, 50, 64);
            case "mariadb" -> new Goal(db, 1000, 50, 64);
            default -> throw new IllegalArgumentException("--db must be h2 or mariadb");
        };
    }
}
