package dev.keyless.service.platformtoken.jwks;

import com.nimbusds.jose.jwk.JWKSet;
import dev.keyless.protocol.ProblemType;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keys fetched over HTTP (optionally after OIDC discovery) and cached.
 *
 * <ul>
 *   <li>Keys are used for {@code refreshInterval}, then fetched again on the next use.
 *   <li>An unknown {@code kid} causes at most one fetch per {@code unknownKidInterval}.
 *   <li>When a fetch fails, the last good keys keep serving for {@code maxStale} after their fetch;
 *       the outage is logged once and shown by {@link #health()}. No new attempt is made within
 *       {@code retryBackoff} of a failure, so a down issuer is not hammered by every token.
 *   <li>With no usable keys, {@link #keys()} throws {@code JWKS_UNAVAILABLE}.
 * </ul>
 *
 * <p>Thread-safe: readers see an immutable snapshot; fetches are serialised by a lock so concurrent
 * tokens trigger one request.
 */
public final class RemoteJwkSetSource implements JwkSetSource {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteJwkSetSource.class);

    private record State(
            JWKSet keys,
            Instant lastSuccess,
            Instant lastAttempt,
            Instant lastFailure,
            String lastError,
            Instant lastUnknownKidFetch) {
        static final State EMPTY = new State(null, null, null, null, null, null);

        boolean failing() {
            return lastFailure != null && (lastSuccess == null || lastFailure.isAfter(lastSuccess));
        }
    }

    private final JwksLocation location;
    private final JwksFetcher fetcher;
    private final Clock clock;
    private final JwksFetchSettings settings;
    private final ReentrantLock lock = new ReentrantLock();
    private final Runnable onSuccess;
    private final Runnable onFailure;
    private volatile State state = State.EMPTY;

    RemoteJwkSetSource(
            JwksLocation location,
            CloseableHttpClient http,
            Clock clock,
            JwksFetchSettings settings,
            Runnable onSuccess,
            Runnable onFailure) {
        this.location = location;
        this.fetcher = new JwksFetcher(http, settings);
        this.clock = clock;
        this.settings = settings;
        this.onSuccess = onSuccess;
        this.onFailure = onFailure;
    }

    RemoteJwkSetSource(JwksLocation location, CloseableHttpClient http, Clock clock, JwksFetchSettings settings) {
        this(location, http, clock, settings, () -> {}, () -> {});
    }

    /** With a private HTTP client (no redirects, the settings' timeouts and address rule). */
    public RemoteJwkSetSource(JwksLocation location, Clock clock, JwksFetchSettings settings) {
        this(location, JwksFetcher.defaultClient(settings), clock, settings);
    }

    @Override
    public JWKSet keys() {
        State s = state;
        Instant now = clock.instant();
        if (s.keys() != null && now.isBefore(s.lastSuccess().plus(settings.refreshInterval()))) {
            return s.keys();
        }
        lock.lock();
        try {
            s = state;
            boolean fresh = s.keys() != null && now.isBefore(s.lastSuccess().plus(settings.refreshInterval()));
            boolean backingOff = s.failing() && now.isBefore(s.lastAttempt().plus(settings.retryBackoff()));
            if (!fresh && !backingOff) {
                fetch(now);
            }
            return usable(now);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public JWKSet keysAfterUnknownKid() {
        lock.lock();
        try {
            Instant now = clock.instant();
            Instant last = state.lastUnknownKidFetch();
            if (last == null || !now.isBefore(last.plus(settings.unknownKidInterval()))) {
                State s = state;
                state = new State(s.keys(), s.lastSuccess(), s.lastAttempt(), s.lastFailure(), s.lastError(), now);
                fetch(now);
            }
            return usable(now);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public JwksHealth health() {
        State s = state;
        int count = s.keys() == null ? 0 : s.keys().getKeys().size();
        boolean expired =
                s.keys() != null && !clock.instant().isBefore(s.lastSuccess().plus(settings.maxStale()));
        return new JwksHealth(
                s.lastSuccess(), s.lastFailure(), s.lastError(), s.failing() && count > 0, expired ? 0 : count);
    }

    /** Must hold the lock. */
    private void fetch(Instant now) {
        State s = state;
        try {
            JWKSet keys = fetcher.fetch(location);
            if (s.failing()) {
                LOG.info(
                        "Key set {} is reachable again; {} keys",
                        location.uri(),
                        keys.getKeys().size());
            }
            state = new State(keys, now, now, s.lastFailure(), s.lastError(), s.lastUnknownKidFetch());
            onSuccess.run();
        } catch (JwksFetcher.FetchException e) {
            if (s.failing()) {
                LOG.debug("Key set {} still failing: {} ({})", location.uri(), e.getMessage(), e.logDetail());
            } else {
                LOG.warn(
                        "Key set {} cannot be fetched, serving cached keys if any: {} ({})",
                        location.uri(),
                        e.getMessage(),
                        e.logDetail());
            }
            state = new State(s.keys(), s.lastSuccess(), now, now, e.getMessage(), s.lastUnknownKidFetch());
            onFailure.run();
        }
    }

    private JWKSet usable(Instant now) {
        State s = state;
        if (s.keys() != null && now.isBefore(s.lastSuccess().plus(settings.maxStale()))) {
            return s.keys();
        }
        throw new TokenVerificationException(
                ProblemType.JWKS_UNAVAILABLE,
                "no usable keys of the issuer" + (s.lastError() == null ? "" : ": " + s.lastError()),
                null);
    }

    @Override
    public String toString() {
        return "RemoteJwkSetSource[" + location.uri() + "]";
    }
}
