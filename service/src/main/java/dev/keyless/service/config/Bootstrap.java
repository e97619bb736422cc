package dev.keyless.service.config;

import dev.keyless.protocol.AdminRole;
import dev.keyless.protocol.AuditEventType;
import dev.keyless.service.admin.AdminService;
import dev.keyless.service.admin.AdminTokens;
import dev.keyless.service.audit.AuditEntry;
import dev.keyless.service.audit.AuditService;
import dev.keyless.service.ca.CaKind;
import dev.keyless.service.ca.CaService;
import dev.keyless.service.db.Db;
import dev.keyless.service.policy.Names;
import dev.keyless.service.team.TeamService;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * First start: creates the bootstrap team, its security admin, its user and host CAs and the
 * service's signing key. Later starts find them and change nothing. A generated admin token is
 * printed once to the console, never to the log.
 */
@Singleton
final class Bootstrap {
    static final String ADMIN_NAME = "bootstrap";
    private static final int MIN_TOKEN_LENGTH = 32;

    private final KeylessSettings settings;
    private final Db db;
    private final TeamService teams;
    private final AdminService admins;
    private final CaService cas;
    private final AuditService audit;
    private final SecureRandom random;
    private final PrintStream console;

    Bootstrap(
            KeylessSettings settings,
            Db db,
            TeamService teams,
            AdminService admins,
            CaService cas,
            AuditService audit,
            SecureRandom random) {
        this.settings = settings;
        this.db = db;
        this.teams = teams;
        this.admins = admins;
        this.cas = cas;
        this.audit = audit;
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
        String token = given != null ? given : generated();
        boolean created = db.write(c -> {
            boolean fresh = teams.createIfAbsent(c, team);
            if (fresh) {
                admins.insert(
                        c, team, ADMIN_NAME, AdminRole.SECURITY_ADMIN, AdminTokens.hash(token), AdminService.SYSTEM);
            }
            cas.ensure(c, team, CaKind.USER);
            cas.ensure(c, team, CaKind.HOST);
            if (fresh) {
                audit.record(AuditEntry.of(team, AuditEventType.TEAM_BOOTSTRAP)
                        .actor("system", "bootstrap")
                        .detail("admin", ADMIN_NAME));
            }
            return fresh;
        });
        console.println(
                "Keyless: data directory " + settings.dataDir().toAbsolutePath() + " (KEYLESS_DATA_DIR sets another)");
        if (!created) {
            if (given != null) {
                // Said plainly: a walkthrough that sets a token on a used data dir otherwise just fails later.
                console.println("Keyless: KEYLESS_BOOTSTRAP_TOKEN is ignored: team '" + team
                        + "' already exists in this database, with its own admins; start with an empty"
                        + " KEYLESS_DATA_DIR (or another KEYLESS_BOOTSTRAP_TEAM) for a new team");
            }
            return;
        }
        if (given == null) {
            console.println("Keyless: created team '" + team + "' with security admin '" + ADMIN_NAME + "'.");
            console.println("Keyless: its admin token is shown only now; store it in your secret manager:");
            console.println(token);
        }
    }

    private String generated() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return "kla_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
