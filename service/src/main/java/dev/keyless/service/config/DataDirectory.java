package dev.keyless.service.config;

import io.micronaut.configuration.jdbc.hikari.DatasourceConfiguration;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the embedded database private: its directory is created with mode 0700 before H2 opens it,
 * and its files are set to 0600 once the service has started. H2 creates files with the process
 * umask (usually 0644), and {@code keyless.mv.db} holds admin token hashes, sessions and the sealed
 * CA keys. The trace file, which would copy failing SQL with its values, is not written at all
 * ({@code TRACE_LEVEL_FILE=0} in the default URL).
 *
 * <p>A directory that exists with wider access is tightened when it is the service's data dir, and
 * only warned about otherwise: an H2 URL may name a shared directory the service does not own.
 */
@Singleton
final class DataDirectory implements BeanCreatedEventListener<DatasourceConfiguration> {
    private static final Logger LOG = LoggerFactory.getLogger(DataDirectory.class);
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private final KeylessSettings settings;
    private volatile Path database;

    DataDirectory(KeylessSettings settings) {
        this.settings = settings;
    }

    @Override
    public DatasourceConfiguration onCreated(BeanCreatedEvent<DatasourceConfiguration> event) {
        h2FileDatabase(event.getBean().getUrl()).ifPresent(db -> {
            database = db;
            prepare(db.toAbsolutePath().getParent());
        });
        return event.getBean();
    }

    @EventListener
    void onStartup(StartupEvent event) {
        Path db = database;
        if (db == null) {
            return;
        }
        Path dir = db.toAbsolutePath().getParent();
        String prefix = db.getFileName().toString() + ".";
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (f.getFileName().toString().startsWith(prefix)
                        && Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    Files.setPosixFilePermissions(f, OWNER_ONLY_FILE);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the database files in " + dir + " private", e);
        }
    }

    private void prepare(Path dir) {
        try {
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
                return;
            }
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir);
            if (OWNER_ONLY_DIR.containsAll(mode)) {
                return;
            }
            if (Files.exists(settings.dataDir()) && Files.isSameFile(dir, settings.dataDir())) {
                Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR);
                LOG.info("Data directory {} was accessible to group or others; it is now mode 0700", dir);
            } else {
                LOG.warn("The H2 database directory {} is accessible to group or others (chmod 700 it)", dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create or protect the data directory " + dir, e);
        }
    }

    /** The database path of an embedded H2 file URL ({@code jdbc:h2:[file:]PATH[;...]}), if it is one. */
    static Optional<Path> h2FileDatabase(String url) {
        if (url == null || !url.startsWith("jdbc:h2:")) {
            return Optional.empty();
        }
        String rest = url.substring("jdbc:h2:".length());
        int semicolon = rest.indexOf(';');
        if (semicolon >= 0) {
            rest = rest.substring(0, semicolon);
        }
        if (rest.startsWith("file:")) {
            rest = rest.substring("file:".length());
        } else if (rest.startsWith("mem:")
                || rest.startsWith("tcp:")
                || rest.startsWith("ssl:")
                || (rest.contains(":") && !rest.matches("[A-Za-z]:.*"))) {
            return Optional.empty();
        }
        if (rest.startsWith("~")) {
            rest = System.getProperty("user.home") + rest.substring(1);
        }
        return rest.isEmpty() ? Optional.empty() : Optional.of(Path.of(rest));
    }
}
