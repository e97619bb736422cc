package dev.keyless.service.db;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Readiness on a Galera cluster: a node that is joining, donating or cut off from the cluster's
 * primary component accepts connections but refuses (or would answer stale) queries, so {@code
 * /health} reports DOWN unless the node this replica's pool uses is {@code Synced} and {@code
 * wsrep_ready}. A load balancer then sends traffic to the other replicas. On a database without
 * wsrep (H2, a single MySQL/MariaDB server) it reports nothing beyond UP.
 *
 * <p>It also shows whether this replica reads its own writes ({@code wsrep_sync_wait}): without
 * it a read on one node can miss a commit made through another node an instant before.
 */
@Singleton
final class ClusterNodeHealthIndicator extends AbstractHealthIndicator<Map<String, Object>> {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterNodeHealthIndicator.class);
    private static final int QUERY_TIMEOUT_SECONDS = 2;

    private final Db db;
    private volatile boolean warnedSyncWait;

    ClusterNodeHealthIndicator(Db db) {
        this.db = db;
    }

    @Override
    protected Map<String, Object> getHealthInformation() {
        try {
            return db.read(this::inspect);
        } catch (RuntimeException e) {
            // No answer within the pool's, the retries' and the query's bounds: not ready either.
            healthStatus = HealthStatus.DOWN;
            return Map.of("error", SqlFailures.describe(e));
        }
    }

    private Map<String, Object> inspect(Connection c) throws SQLException {
        Map<String, Object> details = new TreeMap<>();
        String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        if (!product.contains("mysql") && !product.contains("mariadb")) {
            healthStatus = HealthStatus.UP;
            return details;
        }
        // A node that is not Synced may hold a read back (wsrep_sync_wait) or refuse it: bounded.
        try (Statement s = c.createStatement()) {
            s.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            // SHOW ... LIKE answers no row on a server without wsrep instead of failing.
            Map<String, String> vars = rows(s, "SHOW VARIABLES LIKE 'wsrep\\_%'");
            if (!"ON".equalsIgnoreCase(vars.get("wsrep_on"))) {
                healthStatus = HealthStatus.UP;
                return details;
            }
            Map<String, String> status = rows(s, "SHOW STATUS LIKE 'wsrep\\_%'");
            String state = status.getOrDefault("wsrep_local_state_comment", "unknown");
            boolean ready = "ON".equalsIgnoreCase(status.get("wsrep_ready"));
            boolean primary = "Primary".equalsIgnoreCase(status.get("wsrep_cluster_status"));
            details.put("node", vars.getOrDefault("wsrep_node_name", ""));
            details.put("state", state);
            details.put("ready", ready);
            details.put("cluster_status", status.getOrDefault("wsrep_cluster_status", "unknown"));
            details.put("cluster_size", status.getOrDefault("wsrep_cluster_size", "unknown"));
            String syncWait = vars.getOrDefault("wsrep_sync_wait", "0");
            details.put("sync_wait", syncWait);
            if ("0".equals(syncWait) && !warnedSyncWait) {
                warnedSyncWait = true;
                LOG.warn("Galera node without wsrep_sync_wait: reads may miss writes made through another node;"
                        + " add sessionVariables=wsrep_sync_wait=1 to KEYLESS_DB_URL (see the production guide)");
            }
            healthStatus = ready && primary && "Synced".equalsIgnoreCase(state) ? HealthStatus.UP : HealthStatus.DOWN;
        }
        return details;
    }

    private static Map<String, String> rows(Statement s, String sql) throws SQLException {
        Map<String, String> values = new TreeMap<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.put(rs.getString(1).toLowerCase(Locale.ROOT), rs.getString(2));
            }
        }
        return values;
    }

    @Override
    protected String getName() {
        return "database-node";
    }
}
