package dev.keyless.agent.core;

import dev.keyless.agent.api.AgentApi;
import dev.keyless.agent.api.AgentApiException;
import dev.keyless.agent.os.AtomicFiles;
import dev.keyless.agent.os.SshdTrust;
import dev.keyless.agent.ssh.OpenSshCertificates;
import dev.keyless.agent.ssh.OpenSshCertificates.Validity;
import dev.keyless.agent.state.AgentState;
import dev.keyless.agent.state.StateStore;
import dev.keyless.protocol.AgentRequests.HostCertificate;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Renews the host certificate before it expires, so that an enrolled server does not silently stop
 * being verifiable: due at two thirds of its lifetime, earlier by up to a tenth of it at random
 * (jitter, so a fleet enrolled together does not renew together). The new certificate replaces the
 * file atomically and sshd is reloaded to serve it. A failed attempt is retried after a twentieth
 * of the lifetime (at most a minute), so a service outage costs retries, not the host.
 */
public final class HostCertificateRenewal {
    private static final System.Logger LOG = System.getLogger(HostCertificateRenewal.class.getName());
    private static final Pattern CERTIFICATE =
            Pattern.compile("[a-z0-9@.-]+-cert-v01@openssh\\.com [A-Za-z0-9+/=]+( [ -~]*)?");
    private static final Duration MAX_RETRY = Duration.ofMinutes(1);

    private final AgentApi api;
    private final SshdTrust trust;
    private final Path certificate;
    private final StateStore store;
    private final AgentState state;
    private final Clock clock;
    /** Where in the jitter window this agent renews: 0 at two thirds, 1 a tenth earlier. */
    private final double jitter = ThreadLocalRandom.current().nextDouble();

    private Instant due;
    /** After a failure, no earlier attempt than this, whatever asks for one. */
    private Instant retryAfter = Instant.MIN;

    public HostCertificateRenewal(
            AgentApi api, SshdTrust trust, Path certificate, StateStore store, AgentState state, Clock clock) {
        this.api = api;
        this.trust = trust;
        this.certificate = certificate;
        this.store = store;
        this.state = state;
        this.clock = clock;
    }

    /** When the installed certificate is due for renewal; now when it cannot be read. */
    public synchronized Instant due() {
        if (due == null) {
            due = installed().map(this::dueFor).orElse(clock.instant());
        }
        return due;
    }

    /**
     * The team's published host CA keys, newest last ({@code GET /ca/host}): when the newest did
     * not sign the installed certificate, a rotation has begun and the certificate is renewed now,
     * so that the old key can be retired without waiting for two thirds of a 90-day lifetime. A
     * forged answer can only cause an early renewal, which the service signs as usual.
     */
    public synchronized void hostCaKeys(List<String> published) {
        if (published == null || published.isEmpty()) {
            return;
        }
        String[] newest = published.get(published.size() - 1).strip().split("\\s+", -1);
        Optional<Validity> validity = installed();
        if (newest.length >= 2
                && validity.isPresent()
                && !newest[1].equals(validity.get().signatureKey())
                && due().isAfter(clock.instant())) {
            LOG.log(Level.INFO, "the host CA rotated; renewing the host certificate now");
            due = clock.instant().isBefore(retryAfter) ? retryAfter : clock.instant();
        }
    }

    /**
     * Renews when due; returns true when a new certificate was installed. Callers hold the
     * session manager's lock: sshd is reloaded here.
     */
    public synchronized boolean renewIfDue() {
        if (certificate == null || clock.instant().isBefore(due())) {
            return false;
        }
        Instant now = clock.instant();
        try {
            HostCertificate renewed = api.renewHostCertificate();
            String line = renewed == null || renewed.hostCertificate() == null
                    ? ""
                    : renewed.hostCertificate().strip();
            Optional<Validity> validity =
                    CERTIFICATE.matcher(line).matches() ? OpenSshCertificates.validity(line) : Optional.empty();
            if (validity.isEmpty() || !validity.get().validBefore().isAfter(now)) {
                throw new IllegalStateException("the service answered without a valid host certificate");
            }
            AtomicFiles.write(certificate, (line + "\n").getBytes(StandardCharsets.US_ASCII), "rw-r--r--");
            trust.reload();
            if (renewed.hostCaPublicKeys() != null
                    && !renewed.hostCaPublicKeys().isEmpty()) {
                state.hostCaKeys = new ArrayList<>(renewed.hostCaPublicKeys());
                store.save(state);
            }
            due = dueFor(validity.get());
            LOG.log(
                    Level.INFO,
                    "host certificate renewed; valid before {0}, next renewal due {1}",
                    validity.get().validBefore(),
                    due);
            return true;
        } catch (RuntimeException e) { // the service, the answer, the file or the reload
            String why = e instanceof AgentApiException || e instanceof IllegalStateException
                    ? e.getMessage()
                    : e.getClass().getSimpleName();
            Duration retry = installed()
                    .map(v -> Duration.between(v.validAfter(), v.validBefore()).dividedBy(20))
                    .filter(d -> d.compareTo(MAX_RETRY) < 0 && !d.isNegative() && !d.isZero())
                    .orElse(MAX_RETRY);
            due = now.plus(retry);
            retryAfter = due;
            LOG.log(Level.WARNING, "host certificate renewal failed ({0}); retrying in {1} s", why, retry.toSeconds());
            return false;
        }
    }

    private Instant dueFor(Validity validity) {
        if (validity.validBefore().equals(Instant.MAX)) {
            return Instant.MAX;
        }
        Duration lifetime = Duration.between(validity.validAfter(), validity.validBefore());
        long earlier = (long) (lifetime.dividedBy(10).toMillis() * jitter);
        return validity.validAfter().plus(lifetime.multipliedBy(2).dividedBy(3)).minusMillis(earlier);
    }

    private Optional<Validity> installed() {
        if (certificate == null) {
            return Optional.empty();
        }
        try {
            return OpenSshCertificates.validity(Files.readString(certificate, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
