package dev.keyless.service.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyless.protocol.AuditEventType;
import dev.keyless.protocol.SessionState;
import dev.keyless.service.audit.AuditEntry;
import dev.keyless.service.ca.Ed25519CertificateAuthority;
import dev.keyless.service.ca.SshPublicKey;
import dev.keyless.service.it.RunningService;
import dev.keyless.service.it.TestDatabase;
import dev.keyless.service.policy.AccessDecision;
import dev.keyless.service.workload.WorkloadPrincipal;
import dev.keyless.testkit.service.TeamSetup;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The certificate is signed inside the transaction that reserves the session: when signing
 * breaks, the reservation and its audit event roll back with it. Signing an Ed25519 certificate
 * cannot fail on its own, so the test hands the transaction a signer that throws.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CertificateSigningFailureIT {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final SshPublicKey KEY =
            Ed25519CertificateAuthority.generate(RANDOM).publicKey();
    private static final Ed25519CertificateAuthority CA = Ed25519CertificateAuthority.generate(RANDOM);

    RunningService service;
    TeamSetup team;
    CertificateService certificates;

    @BeforeAll
    void start() throws Exception {
        service = RunningService.start(TestDatabase.H2);
        team = new TeamSetup(service.uri(), service.bootstrapToken()).standard();
        certificates = service.context().getBean(CertificateService.class);
    }

    @AfterAll
    void stop() throws Exception {
        if (team != null) {
            team.close();
        }
        if (service != null) {
            service.close();
        }
    }

    @Test
    void aSigningFailureLeavesNeitherTheSessionNorItsAuditEvent() throws Exception {
        SessionStart start = SessionStart.draw(RANDOM, Clock.systemUTC());
        CertificateOptions options = CertificateOptions.decide(principal(), decision(), start);

        assertThatThrownBy(() -> certificates.reserveSignAndAudit(
                        session(start, options),
                        100, // takes the role lock and counts, as a limited policy does
                        () -> {
                            throw new IllegalStateException("signing broke");
                        },
                        event(start)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("signing broke");

        assertThat(count("SELECT COUNT(*) FROM ssh_session WHERE id = ?", start.id()))
                .isZero();
        assertThat(count("SELECT COUNT(*) FROM audit_event WHERE session_id = ?", start.id()))
                .isZero();
    }

    @Test
    void aSignedSessionCommitsWithItsAuditEvent() throws Exception {
        SessionStart start = SessionStart.draw(RANDOM, Clock.systemUTC());
        CertificateOptions options = CertificateOptions.decide(principal(), decision(), start);

        CertificateService.Started started = certificates.reserveSignAndAudit(
                session(start, options),
                null,
                () -> options.certificate(KEY, RANDOM).sign(CA),
                event(start));

        assertThat(started.session().state()).isEqualTo(SessionState.READY);
        assertThat(started.certificate().certificate().serial()).isEqualTo(start.serial());
        assertThat(count("SELECT COUNT(*) FROM ssh_session WHERE id = ?", start.id()))
                .isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM audit_event WHERE session_id = ?", start.id()))
                .isEqualTo(1);
    }

    private static SshSession.Builder session(SessionStart start, CertificateOptions options) {
        return SshSession.builder()
                .id(start.id())
                .team(RunningService.TEAM)
                .connection("github")
                .role("deployer")
                .server("web-01")
                .subject("repo:acme-corp/deploy-svc")
                .accessTokenId("tok-" + start.id())
                .certificate(options)
                .createdAt(start.at());
    }

    private static AuditEntry event(SessionStart start) {
        return AuditEntry.of(RunningService.TEAM, AuditEventType.SSH_CERTIFICATE_ISSUE)
                .role("deployer")
                .server("web-01")
                .session(start.id());
    }

    private static WorkloadPrincipal principal() {
        return new WorkloadPrincipal(
                RunningService.TEAM,
                "github",
                "deployer",
                "repo:acme-corp/deploy-svc",
                "tok",
                null,
                Instant.now().plusSeconds(300),
                1);
    }

    private static AccessDecision decision() {
        return new AccessDecision(
                true,
                List.of("deploy"),
                List.of(),
                Duration.ofMinutes(10),
                Duration.ofMinutes(5),
                1,
                List.of("permit-pty"),
                List.of());
    }

    private long count(String sql, String id) throws Exception {
        try (Connection c = service.jdbc();
                PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
