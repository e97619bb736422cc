package dev.keyless.service.audit;

import static dev.keyless.protocol.AdminRole.AUDITOR;
import static dev.keyless.protocol.AdminRole.SECURITY_ADMIN;

import dev.keyless.protocol.AuditRequests.AuditPage;
import dev.keyless.protocol.AuditRequests.AuditVerification;
import dev.keyless.service.caller.AdminPrincipal;
import dev.keyless.service.problem.KeylessException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import java.time.Instant;
import java.time.format.DateTimeParseException;

@Controller("/v1/teams/{team}/audit")
final class AuditController {
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 1000;
    // Instant.parse takes years to +-999999999; times are stored as epoch milliseconds, which
    // overflow long well before that. Four-digit years are all a filter can usefully name.
    private static final Instant EARLIEST = Instant.parse("0000-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

    private final AuditService audit;

    AuditController(AuditService audit) {
        this.audit = audit;
    }

    @Get
    AuditPage find(
            String team,
            AdminPrincipal admin,
            @Nullable @QueryValue String since,
            @Nullable @QueryValue String until,
            @Nullable @QueryValue String type,
            @Nullable @QueryValue String role,
            @Nullable @QueryValue String server,
            @Nullable @QueryValue String session,
            @Nullable @QueryValue("after_seq") Long afterSeq,
            @Nullable @QueryValue Integer limit,
            @Nullable @QueryValue("token") String tokenId,
            @Nullable @QueryValue("sub") String subject,
            @Nullable @QueryValue("run") String runId,
            @Nullable @QueryValue String repository,
            @Nullable @QueryValue String actor,
            @Nullable @QueryValue String around,
            @Nullable @QueryValue String window) {
        admin.require(SECURITY_ADMIN, AUDITOR);
        int n = limit == null ? DEFAULT_LIMIT : limit;
        if (n < 1 || n > MAX_LIMIT) {
            throw KeylessException.invalid("limit", "must be between 1 and " + MAX_LIMIT);
        }
        AuditQuery.RunSelector run = new AuditQuery.RunSelector(
                AuditFilterValues.text("token", tokenId, AuditFilterColumns.MAX_TOKEN_ID),
                AuditFilterValues.text("sub", subject, AuditFilterColumns.MAX_SUBJECT),
                AuditFilterValues.text("run", runId, AuditFilterColumns.MAX_VALUE),
                AuditFilterValues.text("repository", repository, AuditFilterColumns.MAX_VALUE),
                AuditFilterValues.text("actor", actor, AuditFilterColumns.MAX_VALUE));
        Instant from = instant("since", since);
        Instant to = instant("until", until);
        AuditFilterValues.Window near = AuditFilterValues.around(around, window);
        if (near != null) {
            if (from != null || to != null) {
                throw KeylessException.invalid("around", "cannot be combined with since or until");
            }
            from = near.since();
            to = near.until();
        }
        return new AuditPage(audit.find(
                admin.team(),
                new AuditQuery(
                        from,
                        to,
                        AuditFilterValues.text("type", type, 64),
                        AuditFilterValues.text("role", role, 30),
                        AuditFilterValues.text("server", server, 63),
                        AuditFilterValues.text("session", session, 40),
                        run,
                        afterSeq,
                        n)));
    }

    @Get("/verify")
    AuditVerification verify(String team, AdminPrincipal admin) {
        admin.require(SECURITY_ADMIN, AUDITOR);
        return audit.verify(admin.team());
    }

    private static Instant instant(String field, String value) {
        if (value == null) {
            return null;
        }
        Instant instant;
        try {
            instant = Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw KeylessException.invalid(field, "must be an ISO-8601 instant such as 2026-01-31T12:00:00Z");
        }
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw KeylessException.invalid(field, "must be between years 0000 and 9999");
        }
        return instant;
    }
}
