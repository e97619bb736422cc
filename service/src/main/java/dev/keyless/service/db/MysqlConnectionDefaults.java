package dev.keyless.service.db;

import io.micronaut.configuration.jdbc.hikari.DatasourceConfiguration;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Connection settings every MySQL/MariaDB data source gets unless its URL sets them: utf8mb4 on
 * the wire, timeouts short enough that a dead or hung database node answers 503 in seconds
 * instead of holding requests, and fewer round trips per transaction (the driver's defaults wait forever for a socket read and 50 s for a
 * row lock). A setting in {@code KEYLESS_DB_URL} wins; session variables the URL sets (a Galera
 * cluster's {@code wsrep_sync_wait=1}) are merged with the default lock wait instead of dropping it.
 */
@Singleton
final class MysqlConnectionDefaults implements BeanCreatedEventListener<DatasourceConfiguration> {
    private static final String LOCK_WAIT = "innodb_lock_wait_timeout=5";
    static final Duration STARTUP_WAIT = Duration.ofSeconds(30);
    static final Map<String, String> DEFAULTS = Map.of(
            "characterEncoding", "UTF-8",
            "connectTimeout", "1000",
            "socketTimeout", "15000",
            "sessionVariables", LOCK_WAIT,
            // Round trips: the driver skips a SET that would not change the session's state, and
            // sends a batch (the audit chainer's links) as one multi-statement packet.
            "useLocalSessionState", "true",
            "rewriteBatchedStatements", "true",
            // A load-balanced URL (a Galera cluster's failover host): when every host is blocklisted
            // or refuses, the driver sleeps 250 ms and tries them all again, by default 120 times, in
            // the request's thread and holding its pooled connection (a 30 s hang). Twice, then the
            // request answers 503 within its budget and the pool tries again.
            "retriesAllDown", "2");
    private static final Pattern SESSION_VARIABLES = Pattern.compile("(?i)([?&]sessionVariables=)([^&]*)");

    @Override
    public DatasourceConfiguration onCreated(BeanCreatedEvent<DatasourceConfiguration> event) {
        DatasourceConfiguration config = event.getBean();
        String url = config.getUrl();
        if (url != null && url.startsWith("jdbc:mysql:")) {
            url = withLockWait(url);
            config.setUrl(url);
            // Every statement runs in a transaction of Db's. With the pool's connections in manual
            // commit mode the transaction manager has nothing to switch: a transaction costs its
            // statements and COMMIT, not SET autocommit=0 and =1 around them (two round trips of
            // five in a one-statement transaction). The pool rolls back what a borrower left open.
            config.setAutoCommit(false);
            if (config.getInitializationFailTimeout() == 1) { // the pool's default: one attempt
                // The timeouts above are for a node that stops answering; a service starting on a
                // busy machine may need more than one try of the first connection (a cold JVM's
                // handshake took over a second here), and a database starting alongside longer.
                config.setInitializationFailTimeout(STARTUP_WAIT.toMillis());
            }
            String lower = url.toLowerCase(Locale.ROOT);
            DEFAULTS.forEach((key, value) -> {
                if (!lower.contains(key.toLowerCase(Locale.ROOT) + "=")) {
                    config.addDataSourceProperty(key, value);
                }
            });
        }
        return config;
    }

    /** The URL with the default lock wait added to session variables it sets without one. */
    static String withLockWait(String url) {
        Matcher m = SESSION_VARIABLES.matcher(url);
        if (!m.find() || m.group(2).toLowerCase(Locale.ROOT).contains("innodb_lock_wait_timeout")) {
            return url;
        }
        String merged = m.group(2).isEmpty() ? LOCK_WAIT : m.group(2) + "," + LOCK_WAIT;
        return url.substring(0, m.start(2)) + merged + url.substring(m.end(2));
    }
}
