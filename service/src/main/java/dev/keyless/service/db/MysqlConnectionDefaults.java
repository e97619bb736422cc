package dev.keyless.service.db;

import io.micronaut.configuration.jdbc.hikari.DatasourceConfiguration;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import jakarta.inject.Singleton;
import java.util.Locale;
import java.util.Map;

/**
 * Connection settings every MySQL/MariaDB data source gets unless its URL sets them: utf8mb4 on
 * the wire, and timeouts short enough that a dead or hung database node answers 503 in seconds
 * instead of holding requests (the driver's defaults wait forever for a socket read and 50 s for a
 * row lock). A setting in {@code KEYLESS_DB_URL} wins.
 */
@Singleton
final class MysqlConnectionDefaults implements BeanCreatedEventListener<DatasourceConfiguration> {
    static final Map<String, String> DEFAULTS = Map.of(
            "characterEncoding", "UTF-8",
            "connectTimeout", "1000",
            "socketTimeout", "15000",
            "sessionVariables", "innodb_lock_wait_timeout=5");

    @Override
    public DatasourceConfiguration onCreated(BeanCreatedEvent<DatasourceConfiguration> event) {
        DatasourceConfiguration config = event.getBean();
        String url = config.getUrl();
        if (url != null && url.startsWith("jdbc:mysql:")) {
            String lower = url.toLowerCase(Locale.ROOT);
            DEFAULTS.forEach((key, value) -> {
                if (!lower.contains(key.toLowerCase(Locale.ROOT) + "=")) {
                    config.addDataSourceProperty(key, value);
                }
            });
        }
        return config;
    }
}
