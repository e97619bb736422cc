package dev.keyless.service.it;

import static dev.keyless.service.it.AuditStreamIT.await;
import static dev.keyless.service.it.AuditStreamIT.events;
import static dev.keyless.service.it.AuditStreamIT.fast;
import static dev.keyless.service.it.AuditStreamIT.syslogRecords;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.keyless.testkit.TestPki;
import dev.keyless.testkit.audit.Rsyslogd;
import dev.keyless.testkit.audit.StreamOrder;
import dev.keyless.testkit.service.TeamSetup;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The RELP sink over TLS against Debian's rsyslogd with imrelp (rsyslog-relp 8.2302, librelp
 * 1.11), each way imrelp can be run: mutual TLS with librelp's default GnuTLS and each {@code
 * tls.authMode} — {@code name} (only the client certificate's CN is let in), {@code certvalid}
 * (meant to be any client certificate the CA signed; with librelp 1.11's GnuTLS any certificate at all) and {@code fingerprint} (only the listed certificate,
 * by its SHA-256 fingerprint; another one gets nothing, the sink logs its failures and ships no
 * batch, and once the receiver lists the right fingerprint every event arrives, in order) — and
 * server-only TLS, which only librelp's OpenSSL backend allows ({@code tls.tlslib="openssl"}
 * without an auth mode; GnuTLS fails the handshake of a client without a certificate whatever the
 * mode). A receiver whose certificate does not carry the expected name gets nothing, and the
 * cursor stays.
 */
class AuditRelpTlsIT {
    @TempDir
    Path dir;

    private static final String CLIENT_NAME = "keyless-audit";

    TestPki pki;
    TestPki.ClientCertificate client;

    @BeforeEach
    void pki() throws Exception {
        assumeTrue(Rsyslogd.relpInstalled(), "rsyslog-relp is installed by .ci/run");
        pki = TestPki.create(Files.createDirectories(dir.resolve("pki")));
        client = pki.issueClient(CLIENT_NAME);
    }

    private Map<String, Object> sink(Rsyslogd rsyslog, boolean clientCertificate, String serverName) {
        Map<String, Object> props = new HashMap<>(Map.of(
                "keyless.audit.stream.relp.host", "127.0.0.1",
                "keyless.audit.stream.relp.port", rsyslog.port(),
                "keyless.audit.stream.relp.timeout", "2s",
                "keyless.audit.stream.relp.tls", "true",
                "keyless.audit.stream.relp.ca-file", pki.ca().toString()));
        if (clientCertificate) {
            props.put(
                    "keyless.audit.stream.relp.cert-file", client.certificate().toString());
            props.put("keyless.audit.stream.relp.key-file", client.key().toString());
        }
        if (serverName != null) {
            props.put("keyless.audit.stream.relp.server-name", serverName);
        }
        return fast(props);
    }

    @Test
    void mutualTlsWithGnuTlsDeliversEveryEventInOrderAcrossAReceiverRestart() throws Exception {
        try (Rsyslogd rsyslog = Rsyslogd.startRelpTls(
                        dir.resolve("relp"), new Rsyslogd.RelpTls("gnutls", pki, "name", CLIENT_NAME));
                RunningService service = RunningService.start(TestDatabase.H2, sink(rsyslog, true, null));
                TeamSetup team = new TeamSetup(service.uri(), service.bootstrapToken())) {
            long first = events(service, team, "tls-a-", 10);
            await("rsyslog to hold the first events over mutual TLS", () -> StreamOrder.check(
                            syslogRecords(rsyslog), RunningService.TEAM, first)
                    .isEmpty());
            rsyslog.kill();
            events(service, team, "tls-b-", 10);
            Thread.sleep(1_000);
            rsyslog.restart();
            long head = events(service, team, "tls-c-", 5);
            await("rsyslog to hold every event after its restart", () -> StreamOrder.check(
                            syslogRecords(rsyslog), RunningService.TEAM, head)
                    .isEmpty());
            System.out.printf(
                    "audit RELP over mutual TLS (gnutls, authMode name): head %d, %d records%n",
                    head, rsyslog.lines().size());
        }
    }

    /**
     * {@code certvalid} delivers. librelp 1.11's GnuTLS backend checks no chain in this mode (its
     * verify callback checks only fingerprint and name modes; upstream fixed it after 1.11, "Fix
     * GnuTLS certvalid verification"), so a certificate of another CA is let in as well. That is
     * the receiver's behaviour, not ours, and a security update may fix it under the build: the
     * test tells which it found and, while strangers get in, that the README warns about it; a fixed
     * receiver passes too.
     */
    @Test
    void certValidModeDeliversAndTheReadmeWarnsWhileGnuTlsLetsInACertificateOfAnotherCa() throws Exception {
        TestPki.ClientCertificate stranger =
                TestPki.create(Files.createDirectories(dir.resolve("other-ca"))).issueClient(CLIENT_NAME);
        try (Rsyslogd rsyslog =
                Rsyslogd.startRelpTls(dir.resolve("relp"), new Rsyslogd.RelpTls("gnutls", pki, "certvalid", null))) {
            Map<String, Object> strangers = sink(rsyslog, true, null);
            strangers.put(
                    "keyless.audit.stream.relp.cert-file",
                    stranger.certificate().toString());
            strangers.put("keyless.audit.stream.relp.key-file", stranger.key().toString());
            try (RunningService service = RunningService.start(TestDatabase.H2, strangers);
                    TeamSetup team = new TeamSetup(service.uri(), service.bootstrapToken())) {
                long head = events(service, team, "tls-x-", 3);
                boolean letIn = false;
                for (Instant until = Instant.now().plusSeconds(20);
                        !letIn && Instant.now().isBefore(until); ) {
                    letIn = StreamOrder.check(syslogRecords(rsyslog), RunningService.TEAM, head)
                            .isEmpty();
                    Thread.sleep(200);
                }
                System.out.printf(
                        "imrelp (GnuTLS, certvalid) and a client certificate of another CA: %s%n",
                        letIn ? "let in (librelp without the upstream fix)" : "refused");
                if (letIn) {
                    assertThat(Files.readString(Path.of("README.md")))
                            .as("the production guide warns about certvalid with GnuTLS")
                            .contains("librelp 1.11's GnuTLS backend checks no chain in this mode");
                }
            }
            rsyslog.kill();
            Files.delete(dir.resolve("relp/received.log"));
            rsyslog.restart();
            try (RunningService service = RunningService.start(TestDatabase.H2, sink(rsyslog, true, null));
                    TeamSetup team = new TeamSetup(service.uri(), service.bootstrapToken())) {
                long head = events(service, team, "tls-v-", 8);
                await("rsyslog to hold the events in certvalid mode", () -> StreamOrder.check(
                                syslogRecords(rsyslog), RunningService.TEAM, head)
                        .isEmpty());
            }
        }
    }

    @Test
    void fingerprintModeLetsInOnlyTheListedCertificateAndLosesNothingOnceItIsListed() throws Exception {
        String ours = Rsyslogd.RelpTls.fingerprint(client.certificate());
        String another =
                Rsyslogd.RelpTls.fingerprint(pki.issueClient("another-sender").certificate());
        Logger workerLog = (Logger) LoggerFactory.getLogger("dev.keyless.service.audit.stream.SinkWorker");
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        workerLog.addAppender(log);
        try (Rsyslogd rsyslog = Rsyslogd.startRelpTls(
                        dir.resolve("relp"), new Rsyslogd.RelpTls("gnutls", pki, "fingerprint", another));
                RunningService service = RunningService.start(TestDatabase.H2, sink(rsyslog, true, null));
                TeamSetup team = new TeamSetup(service.uri(), service.bootstrapToken())) {
            events(service, team, "tls-f-a-", 6);
            await("the sink to report its failures", () -> failures(log) >= 2);
            assertThat(rsyslog.lines()).as("another fingerprint is not let in").isEmpty();
            assertThat(relpBatches(service)).as("no batch acknowledged").isZero();
            assertThat(Files.readString(dir.resolve("relp/rsyslogd.out")))
                    .as("imrelp names the refused certificate by its fingerprint")
                    .contains(ours);

            rsyslog.kill();
            rsyslog.reconfigureRelpTls(new Rsyslogd.RelpTls("gnutls", pki, "fingerprint", ours));
            rsyslog.restart();
            long head = events(service, team, "tls-f-b-", 4);
            await("rsyslog to hold every event, those refused before included", () -> StreamOrder.check(
                            syslogRecords(rsyslog), RunningService.TEAM, head)
                    .isEmpty());
            assertThat(relpBatches(service)).isPositive();
            System.out.printf(
                    "audit RELP over TLS (gnutls, authMode fingerprint %s…): %d failures logged while refused,"
                            + " head %d delivered after the fix%n",
                    ours.substring(0, 14), failures(log), head);
        } finally {
            workerLog.detachAppender(log);
        }
    }

    private static long failures(ListAppender<ILoggingEvent> log) {
        // AppenderBase.doAppend holds the appender's lock while it adds to the list
        synchronized (log) {
            return log.list.stream()
                    .filter(e -> e.getFormattedMessage().startsWith("audit sink 'relp' failed"))
                    .count();
        }
    }

    private static double relpBatches(RunningService service) {
        Counter batches = service.context()
                .getBean(MeterRegistry.class)
                .find("keyless.audit.stream.batches")
                .tag("sink", "relp")
                .counter();
        return batches == null ? 0 : batches.count();
    }

    @Test
    void serverOnlyTlsWithOpenSslNeedsNoClientCertificate() throws Exception {
        try (Rsyslogd rsyslog =
                        Rsyslogd.startRelpTls(dir.resolve("relp"), new Rsyslogd.RelpTls("openssl", pki, null, null));
                RunningService service = RunningService.start(TestDatabase.H2, sink(rsyslog, false, "localhost"));
                TeamSetup team = new TeamSetup(service.uri(), service.bootstrapToken())) {
            long head = events(service, team, "tls-s-", 8);
            await("rsyslog to hold the events over server-only TLS", () -> StreamOrder.check(
                            syslogRecords(rsyslog), RunningService.TEAM, head)
                    .isEmpty());
        }
    }

    @Test
    void aReceiverWithoutTheExpectedNameGetsNothing() throws Exception {
        try (Rsyslogd rsyslog = Rsyslogd.startRelpTls(
                        dir.resolve("relp"), new Rsyslogd.RelpTls("gnutls", pki, "certvalid", null));
                RunningService service =
                        RunningService.start(TestDatabase.H2, sink(rsyslog, true, "loghost.example.com"));
                TeamSetup team = new TeamSetup(service.uri(), service.bootstrapToken())) {
            events(service, team, "tls-n-", 5);
            Thread.sleep(3_000);
            assertThat(rsyslog.lines())
                    .as("the certificate names 127.0.0.1 and localhost, not loghost.example.com")
                    .isEmpty();
            assertThat(Files.readString(dir.resolve("relp/rsyslogd.out")))
                    .as("the sink gave up in the handshake, before any RELP command")
                    .doesNotContain("rsp");
        }
    }
}
