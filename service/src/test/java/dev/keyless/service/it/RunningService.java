package dev.keyless.service.it;

import dev.keyless.testkit.service.TeamSetup;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/** The real service on a random loopback port, with its own data dir and database. */
public final class RunningService implements AutoCloseable {
    public static final String TEAM = TeamSetup.TEAM;

    private final Path dataDir;
    private final TestDatabase.Prepared database;
    private EmbeddedServer server;
    private final String bootstrapToken;
    private final Map<String, Object> props;

    private RunningService(
            Path dataDir,
            TestDatabase.Prepared database,
            EmbeddedServer server,
            String bootstrapToken,
            Map<String, Object> props) {
        this.dataDir = dataDir;
        this.database = database;
        this.server = server;
        this.bootstrapToken = bootstrapToken;
        this.props = props;
    }

    public static RunningService start(TestDatabase kind) throws IOException, SQLException {
        return start(kind, Map.of());
    }

    public static RunningService start(TestDatabase kind, Map<String, Object> extra) throws IOException, SQLException {
        return start(kind, 3306, extra);
    }

    /** A service that reaches MariaDB on {@code mariadbPort}, e.g. through a proxy that can cut it off. */
    public static RunningService start(TestDatabase kind, int mariadbPort, Map<String, Object> extra)
            throws IOException, SQLException {
        Path dataDir = Files.createTempDirectory("keyless-it");
        TestDatabase.Prepared database = kind.prepare(dataDir, mariadbPort);
        SecureRandom random = new SecureRandom();
        byte[] master = new byte[32];
        random.nextBytes(master);
        byte[] token = new byte[32];
        random.nextBytes(token);
        String bootstrapToken = "kla_" + Base64.getUrlEncoder().withoutPadding().encodeToString(token);
        Map<String, Object> props = new HashMap<>(database.properties());
        props.put("micronaut.server.host", "127.0.0.1");
        props.put("micronaut.server.port", -1);
        props.put("keyless.data-dir", dataDir.toString());
        props.put("keyless.bootstrap-team", TEAM);
        props.put("keyless.bootstrap-token", bootstrapToken);
        props.put("keyless.master-key", Base64.getEncoder().encodeToString(master));
        // The WireMock issuers of the tests listen on 127.0.0.1, which the service refuses by default.
        props.put("keyless.jwks.allow-private-addresses", true);
        props.putAll(extra);
        EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, props);
        return new RunningService(dataDir, database, server, bootstrapToken, Map.copyOf(props));
    }

    /**
     * A second replica with the same settings on the same database, on a port of its own, as behind
     * a load balancer. Close it before this service, which drops the database.
     */
    public EmbeddedServer replica() {
        return ApplicationContext.run(EmbeddedServer.class, props);
    }

    /**
     * Stops the service, keeping its data dir and database, runs {@code whileDown} (an attacker with
     * the database to itself), and starts it again with the same settings on a new port.
     */
    public void restart(SqlAction whileDown) throws Exception {
        server.getApplicationContext().close();
        whileDown.run();
        server = ApplicationContext.run(EmbeddedServer.class, props);
    }

    /** Something done to the database while the service is down. */
    @FunctionalInterface
    public interface SqlAction {
        void run() throws Exception;
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getPort());
    }

    public Path dataDir() {
        return dataDir;
    }

    public String bootstrapToken() {
        return bootstrapToken;
    }

    public ApplicationContext context() {
        return server.getApplicationContext();
    }

    public Connection jdbc() throws SQLException {
        return database.connect(dataDir);
    }

    public TestDatabase database() {
        return database.kind();
    }

    @Override
    public void close() throws java.io.IOException, java.sql.SQLException {
        try {
            server.getApplicationContext().close();
        } finally {
            database.close();
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
