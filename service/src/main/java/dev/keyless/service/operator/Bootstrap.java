package dev.keyless.service.operator;

import dev.keyless.protocol.AuditEventType;
import dev.keyless.service.admin.AdminTokens;
import dev.keyless.service.audit.AuditEntry;
import dev.keyless.service.config.KeylessSettings;
import dev.keyless.service.db.Db;
import dev.keyless.service.name.Names;
import dev.keyless.service.operator.TeamFounding.Founder;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import java.io.PrintStream;
import java.security.SecureRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First start: creates the bootstrap team, its security admin, its user and host CAs and the
 * service's signing key. Later starts find them and change nothing. A generated admin token is
 * printed once to the console, never to the log.
 */
@Singleton
final class Bootstrap {
    private static final Logger LOG = LoggerFactory.getLogger(Bootstrap.class);

    static final String ADMIN_NAME = "bootstrap";
    private static final int MIN_TOKEN_LENGTH = 32;

    private final KeylessSettings settings;
    private final Db db;
    private final TeamFounding founding;
    private final SecureRandom random;
    private final PrintStream console;

    Bootstrap(KeylessSettings settings, Db db, TeamFounding founding, SecureRandom random) {
        this.settings = settings;
        this.db = db;
        this.founding = founding;
        this.random = random;
        this.console = System.out;
    }

    @EventListener
    void onStartup(StartupEvent event) {
        String team = Names.team("KEYLESS_BOOTSTRAP_TEAM", settings.bootstrapTeam());
        String given = settings.bootstrapToken();
        if (given != null && given.length() < MIN_TOKEN_LENGTH) {
            throw new IllegalStateException(
                    "KEYLESS_BOOTSTRAP_TOKEN must be at least " + MIN_TOKEN_LENGTH + " characters of random data");
        }
        String token = given != null ? given : AdminTokens.generate(random);
        Founder founder = new Founder(
                ADMIN_NAME,
                AdminTokens.hash(token),
                AuditEntry.of(team, AuditEventType.TEAM_BOOTSTRAP)
                        .actor("system", "bootstrap")
                        .detail("admin", ADMIN_NAME));
        boolean created = db.write(c -> founding.found(c, team, founder));
        // Log lines, not console lines, so KEYLESS_LOG_FORMAT=json keeps stdout JSON; only the
        // one-time admin token below bypasses the log, because it must never be in one.
        LOG.info(
                "Keyless: data directory {} (KEYLESS_DATA_DIR sets another)",
                settings.dataDir().toAbsolutePath());
        if (!created) {
            if (given != null) {
                // Said plainly: a walkthrough that sets a token on a used data dir otherwise just fails later.
                LOG.warn(
                        "Keyless: KEYLESS_BOOTSTRAP_TOKEN is ignored: team '{}' already exists in this database, with"
                                + " its own admins; start with an empty KEYLESS_DATA_DIR (or another"
                                + " KEYLESS_BOOTSTRAP_TEAM) for a new team",
                        team);
            }
            return;
        }
        if (given == null) {
            console.println("Keyless: created team '" + team + "' with security admin '" + ADMIN_NAME + "'.");
            console.println("Keyless: its admin token is shown only now; store it in your secret manager:");
            console.println(token);
        }
    }
}
