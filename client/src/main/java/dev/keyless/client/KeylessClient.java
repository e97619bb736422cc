package dev.keyless.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyless.client.http.HttpStack;
import dev.keyless.client.http.RetryPolicy;
import dev.keyless.client.http.RetryingSender;
import dev.keyless.protocol.ConnectionRequests.TestToken;
import dev.keyless.protocol.ConnectionRequests.ValidationReport;
import dev.keyless.protocol.Problem;
import dev.keyless.protocol.SecretRequests.Reveal;
import dev.keyless.protocol.SecretRequests.Revealed;
import dev.keyless.protocol.SecretRequests.SecretList;
import dev.keyless.protocol.SecretRequests.SecretView;
import dev.keyless.protocol.SessionState;
import dev.keyless.protocol.WorkloadQueries.ExplainReport;
import dev.keyless.protocol.WorkloadQueries.ExplainRequest;
import dev.keyless.protocol.WorkloadQueries.ReachableServer;
import dev.keyless.protocol.WorkloadRequests.AccessToken;
import dev.keyless.protocol.WorkloadRequests.Authenticate;
import dev.keyless.protocol.WorkloadRequests.CertificateRequest;
import dev.keyless.protocol.WorkloadRequests.CertificateResponse;
import dev.keyless.protocol.WorkloadRequests.SessionView;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The workload and admin sides of the Keyless HTTP contract: token exchange, certificates,
 * sessions, connection tests and admin resources.
 *
 * <p>Every call is retried by the client's {@link RetryPolicy} on network errors, 429 and 5xx
 * (never on another 4xx). Refusals surface as {@link KeylessProblemException}; an unreachable or
 * persistently failing service as {@link KeylessTransportException}. Tokens passed in or returned
 * are never logged or put in exception messages. Thread-safe; one instance can serve many
 * concurrent calls.
 */
public final class KeylessClient {
    private static final ObjectMapper JSON = Json.mapper();
    private static final Duration POLL_MIN = Duration.ofMillis(200);
    private static final Duration LONG_POLL = Duration.ofSeconds(20);

    private final URI base;
    private final String team;
    private final RetryingSender sender;
    private final Duration timeout;

    /**
     * @param serviceUrl the service's base URL, e.g. {@code https://keyless.example.com}
     * @param team the team every call is made in
     */
    public KeylessClient(URI serviceUrl, String team, HttpClient http, Duration timeout) {
        this(serviceUrl, team, new RetryingSender(http, RetryPolicy.DEFAULT), timeout);
    }

    private KeylessClient(URI serviceUrl, String team, RetryingSender sender, Duration timeout) {
        String url = serviceUrl.toString();
        this.base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        this.team = team;
        this.sender = sender;
        this.timeout = timeout;
    }

    /** A client without proxy or custom CA, with the default retry policy. */
    public static KeylessClient create(URI serviceUrl, String team) {
        return builder(serviceUrl, team).build();
    }

    public static Builder builder(URI serviceUrl, String team) {
        return new Builder(serviceUrl, team);
    }

    /** Options for a client; every setter is optional. Not thread-safe. */
    public static final class Builder {
        private final URI serviceUrl;
        private final String team;
        private Map<String, String> env = Map.of();
        private Path caBundle;
        private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(30);

        private Builder(URI serviceUrl, String team) {
            this.serviceUrl = serviceUrl;
            this.team = team;
        }

        /** The environment to read {@code HTTPS_PROXY}/{@code NO_PROXY} from. */
        public Builder env(Map<String, String> value) {
            this.env = Map.copyOf(value);
            return this;
        }

        /** A PEM bundle that replaces the JDK trust store for the service's TLS; null for none. */
        public Builder caBundle(Path value) {
            this.caBundle = value;
            return this;
        }

        public Builder retryPolicy(RetryPolicy value) {
            this.retryPolicy = value;
            return this;
        }

        public Builder connectTimeout(Duration value) {
            this.connectTimeout = value;
            return this;
        }

        /** Per attempt, not per call; long polls add their wait on top. */
        public Builder requestTimeout(Duration value) {
            this.requestTimeout = value;
            return this;
        }

        public KeylessClient build() {
            RetryingSender sender = HttpStack.builder()
                    .env(env)
                    .caBundle(caBundle)
                    .connectTimeout(connectTimeout)
                    .retryPolicy(retryPolicy)
                    .build();
            return new KeylessClient(serviceUrl, team, sender, requestTimeout);
        }
    }

    /** This client with another retry policy (e.g. a short one for cleanup under a deadline). */
    public KeylessClient withRetryPolicy(RetryPolicy policy) {
        return new KeylessClient(base, team, sender.withPolicy(policy), timeout);
    }

    public URI serviceUrl() {
        return base;
    }

    public String team() {
        return team;
    }

    /**
     * Exchanges a platform OIDC token for an access token; {@code roleHint} may be null. The token
     * supplier is asked again for every attempt, because the service refuses a token (its {@code
     * jti}) it has already seen: a retry after a lost answer needs a fresh one.
     */
    public AccessToken authenticate(String connection, Supplier<String> platformToken, String roleHint) {
        return send(
                        "POST",
                        teamPath("/workload/authenticate"),
                        null,
                        Duration.ZERO,
                        () -> new Authenticate(connection, platformToken.get(), roleHint))
                .as(AccessToken.class);
    }

    /** As {@link #authenticate(String, Supplier, String)} with one token for every attempt. */
    public AccessToken authenticate(String connection, String platformToken, String roleHint) {
        return authenticate(connection, () -> platformToken, roleHint);
    }

    /** Asks for a one-session certificate for {@code publicKey} (an OpenSSH public key line). */
    public CertificateResponse requestCertificate(String accessToken, String server, String publicKey) {
        return send(
                        "POST",
                        teamPath("/ssh/certificates"),
                        accessToken,
                        Duration.ZERO,
                        () -> new CertificateRequest(server, publicKey))
                .as(CertificateResponse.class);
    }

    public SessionView session(String accessToken, String sessionId) {
        return session(accessToken, sessionId, Duration.ZERO);
    }

    /** The session, long-polling up to {@code wait} while it is {@code PENDING}. */
    public SessionView session(String accessToken, String sessionId, Duration wait) {
        String path = teamPath("/sessions/" + encode(sessionId));
        if (!wait.isZero()) {
            path += "?wait_seconds=" + Math.max(1, wait.toSeconds());
        }
        return send("GET", path, accessToken, wait, null).as(SessionView.class);
    }

    /**
     * Waits until the session is {@code READY} (the server's agent has created the account and
     * trusts the certificate), long-polling the service.
     *
     * @throws SessionNotReadyException the session ended, or was still {@code PENDING} at the limit
     */
    public SessionView awaitReady(String accessToken, String sessionId, Duration limit) throws InterruptedException {
        Instant deadline = Instant.now().plus(limit);
        Duration pause = POLL_MIN;
        while (true) {
            Duration left = Duration.between(Instant.now(), deadline);
            Duration wait = left.compareTo(LONG_POLL) > 0 ? LONG_POLL : left;
            Instant asked = Instant.now();
            SessionView view = session(accessToken, sessionId, wait.isNegative() ? Duration.ZERO : wait);
            if (view.state() == SessionState.READY) {
                return view;
            }
            if (view.state() != null && view.state().isFinal()) {
                throw new SessionNotReadyException(
                        sessionId,
                        view.state(),
                        "session " + sessionId + " ended as " + view.state()
                                + (view.reason() != null ? " (" + view.reason() + ")" : "") + " before it was ready");
            }
            if (!Instant.now().isBefore(deadline)) {
                throw new SessionNotReadyException(
                        sessionId,
                        view.state(),
                        "session " + sessionId + " still " + view.state() + " after " + limit.toSeconds()
                                + " s: is the Keyless host agent running on server " + view.server() + "?");
            }
            // A service without long polling answers at once: back off instead of hammering it.
            if (Duration.between(asked, Instant.now()).compareTo(POLL_MIN) < 0) {
                Thread.sleep(pause.toMillis());
                pause = pause.multipliedBy(2).compareTo(Duration.ofSeconds(2)) > 0
                        ? Duration.ofSeconds(2)
                        : pause.multipliedBy(2);
            }
        }
    }

    /** Closes the session; idempotent. */
    public SessionView closeSession(String accessToken, String sessionId) {
        return send("POST", teamPath("/sessions/" + encode(sessionId) + "/close"), accessToken, Duration.ZERO, null)
                .as(SessionView.class);
    }

    /**
     * {@code GET .../secrets}: the metadata (never values) of the secrets the role may list in
     * {@code path} or below it; every listable secret when {@code path} is null.
     */
    public SecretList listSecrets(String accessToken, String path) {
        String query = path == null ? "" : "?path=" + encode(path);
        return send("GET", teamPath("/secrets" + query), accessToken, Duration.ZERO, null)
                .as(SecretList.class);
    }

    /** {@code GET .../secrets/describe}: one secret's metadata, never its value. */
    public SecretView describeSecret(String accessToken, String path, String name) {
        return send(
                        "GET",
                        teamPath("/secrets/describe?path=" + encode(path) + "&name=" + encode(name)),
                        accessToken,
                        Duration.ZERO,
                        null)
                .as(SecretView.class);
    }

    /**
     * {@code POST .../secrets/reveal}: the value of the latest version, or of {@code version} when
     * not null. The caller registers the value with its masker before anything is printed.
     */
    public Revealed revealSecret(String accessToken, String path, String name, Long version) {
        return send(
                        "POST",
                        teamPath("/secrets/reveal"),
                        accessToken,
                        Duration.ZERO,
                        () -> new Reveal(path, name, version))
                .as(Revealed.class);
    }

    /** Validates a platform token against a connection and its roles; issues nothing. */
    public ValidationReport testConnection(String adminToken, String connection, String platformToken) {
        return send(
                        "POST",
                        teamPath("/connections/" + encode(connection) + "/test"),
                        adminToken,
                        Duration.ZERO,
                        () -> new TestToken(platformToken))
                .as(ValidationReport.class);
    }

    /** The servers the access token's role may reach, with their labels. */
    public List<ReachableServer> reachableServers(String accessToken) {
        return List.of(send("GET", teamPath("/workload/servers"), accessToken, Duration.ZERO, null)
                .as(ReachableServer[].class));
    }

    /**
     * Which of the token's own checks pass at {@code connection} (and for {@code roleHint}, if
     * given), from the service; no admin token needed, nothing issued, the token not consumed.
     */
    public ExplainReport explain(String connection, String platformToken, String roleHint) {
        return send(
                        "POST",
                        teamPath("/workload/explain"),
                        null,
                        Duration.ZERO,
                        () -> new ExplainRequest(connection, platformToken, roleHint))
                .as(ExplainReport.class);
    }

    /**
     * An admin call under {@code /v1/teams/{team}}: {@code path} such as {@code /connections} or
     * {@code /roles/deployer}; {@code body} may be null. Returns the JSON answer (null when empty).
     */
    public JsonNode admin(String adminToken, String method, String path, JsonNode body) {
        return send(method, teamPath(path), adminToken, Duration.ZERO, body == null ? null : () -> body)
                .json();
    }

    /** An admin answer with its status: {@code 202} tells a proposed change from an applied one. */
    public record AdminAnswer(int status, JsonNode body) {}

    /**
     * An admin call to {@code path} as given (not under the team), e.g. {@code POST /v1/teams};
     * {@code body} may be null. A problem answer throws {@link KeylessProblemException}.
     */
    public AdminAnswer adminCall(String adminToken, String method, String path, JsonNode body) {
        Answer answer = send(method, path, adminToken, Duration.ZERO, body == null ? null : () -> body);
        return new AdminAnswer(answer.response().statusCode(), answer.json());
    }

    /** The path of {@code path} under this client's team, e.g. {@code /v1/teams/acme/roles}. */
    public String teamPath(String path) {
        return "/v1/teams/" + encode(team) + path;
    }

    /** The service's clock from the {@code Date} header of {@code GET /health}, for skew checks. */
    public Optional<Instant> serviceTime() {
        Answer answer = send("GET", "/health", null, Duration.ZERO, null);
        return answer.date();
    }

    private Answer send(String method, String path, String bearer, Duration extraWait, Supplier<Object> body) {
        URI uri = URI.create(base + path);
        Supplier<HttpRequest> request = () -> {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                    .timeout(timeout.plus(extraWait))
                    .header("Accept", "application/json, application/problem+json");
            if (bearer != null) {
                b.header("Authorization", "Bearer " + bearer);
            }
            if (body == null) {
                return b.method(method, HttpRequest.BodyPublishers.noBody()).build();
            }
            try {
                return b.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body.get())))
                        .build();
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("the request body could not be written as JSON", e);
            }
        };
        HttpResponse<byte[]> response;
        try {
            response = sender.send(request);
        } catch (IOException e) {
            throw new KeylessTransportException(
                    "the service at " + base + " could not be reached ("
                            + e.getClass().getSimpleName() + ")",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeylessTransportException("interrupted while calling the service at " + base, e);
        }
        if (response.statusCode() >= 400) {
            throw new KeylessProblemException(problem(response));
        }
        return new Answer(response);
    }

    private record Answer(HttpResponse<byte[]> response) {
        <T> T as(Class<T> type) {
            try {
                return JSON.readValue(response.body(), type);
            } catch (IOException e) {
                throw new KeylessTransportException("the service's answer could not be read as JSON", e);
            }
        }

        JsonNode json() {
            return response.body().length == 0 ? null : as(JsonNode.class);
        }

        Optional<Instant> date() {
            return response.headers().firstValue("Date").map(d -> ZonedDateTime.parse(
                            d, DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant());
        }
    }

    private static Problem problem(HttpResponse<byte[]> response) {
        try {
            Problem p = JSON.readValue(response.body(), Problem.class);
            if (p.status() == 0) {
                return new Problem(
                        p.type(),
                        p.title(),
                        response.statusCode(),
                        p.detail(),
                        p.check(),
                        p.claim(),
                        p.expected(),
                        p.state(),
                        p.errors(),
                        p.requestId());
            }
            return p;
        } catch (IOException e) {
            return new Problem(
                    "about:blank",
                    "HTTP " + response.statusCode(),
                    response.statusCode(),
                    "The service answered without a problem document",
                    null,
                    null,
                    null,
                    null,
                    null,
                    null);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
