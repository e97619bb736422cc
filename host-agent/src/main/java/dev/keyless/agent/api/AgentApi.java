package dev.keyless.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyless.client.http.HttpStack;
import dev.keyless.client.http.RetryPolicy;
import dev.keyless.client.http.RetryingSender;
import dev.keyless.protocol.AgentRequests.Ended;
import dev.keyless.protocol.AgentRequests.Enroll;
import dev.keyless.protocol.AgentRequests.Enrolled;
import dev.keyless.protocol.AgentRequests.EventBatch;
import dev.keyless.protocol.AgentRequests.Failed;
import dev.keyless.protocol.AgentRequests.HostCertificate;
import dev.keyless.protocol.AgentRequests.LiveSessions;
import dev.keyless.protocol.AgentRequests.Login;
import dev.keyless.protocol.AgentRequests.Ready;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The agent's calls to the service (see {@code AgentRequests} for the contract), over {@code
 * client/}'s HTTP stack ({@link HttpStack}: proxies from the environment, a CA bundle, retries).
 * Every call but {@link #enroll} is signed by {@link AgentRequestSigner}, afresh for each attempt.
 * Three calls are sent once, whatever the retry policy: {@link #enroll} (its token is good once),
 * {@link #events} (the loop backs off and polls again itself) and {@link #renewHostCertificate}
 * (the renewal retries in a minute, and runs under the session lock). Thread-safe.
 */
public final class AgentApi {
    /** How long a call may take (on top of a long poll's wait) unless the caller chose otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final String base;
    private final String teamPath;
    private final AgentRequestSigner signer;
    private final RetryingSender sender;
    private final RetryingSender once;
    private final Duration timeout;

    /**
     * With {@code timeout} as the bound of every attempt but the long poll's, which waits {@code
     * timeout} on top of its own wait; {@code sender} from {@link #http(Duration)}. The PAM hook uses
     * a short timeout and no retries: a login waits for it.
     */
    public AgentApi(URI service, String team, AgentRequestSigner signer, Duration timeout, RetryingSender sender) {
        String url = service.toString();
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.teamPath = "/v1/teams/" + encode(team);
        this.signer = signer; // null only for an agent that has yet to enroll
        this.timeout = timeout;
        this.sender = sender;
        this.once = sender.withPolicy(RetryPolicy.NONE);
    }

    /** The agent's HTTP stack for calls bounded by {@code timeout}: connecting takes at most 5 s of it. */
    public static HttpStack http(Duration timeout) {
        return HttpStack.builder().connectTimeout(timeout.compareTo(CONNECT_TIMEOUT) < 0 ? timeout : CONNECT_TIMEOUT);
    }

    /** Unsigned: the enrolment token in the body authenticates the call. */
    public Enrolled enroll(Enroll request) {
        return send(once, "POST", "/agents/enroll", "", request, Enrolled.class, timeout, false);
    }

    /** Long-polls for events after {@code after}, waiting up to {@code wait} on the service. */
    public EventBatch events(long after, Duration wait) {
        String query = "?after=" + after + "&wait_seconds=" + wait.toSeconds();
        return send(once, "GET", "/agents/events", query, null, EventBatch.class, wait.plus(timeout), true);
    }

    /** A new host certificate for the host key this agent enrolled. */
    public HostCertificate renewHostCertificate() {
        return send(once, "POST", "/agents/host-certificate", "", null, HostCertificate.class, timeout, true);
    }

    /** The team's published host CA keys, newest last (unsigned: they are public). */
    public List<String> hostCaKeys() {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + teamPath + "/ca/host"))
                .timeout(timeout)
                .header("Accept", "text/plain")
                .GET()
                .build();
        try {
            HttpResponse<byte[]> response = sender.send(() -> request);
            if (response.statusCode() != 200) {
                throw new AgentApiException(
                        response.statusCode(), null, "GET /ca/host answered " + response.statusCode(), null);
            }
            return new String(response.body(), StandardCharsets.UTF_8)
                    .lines()
                    .map(String::strip)
                    .filter(l -> !l.isEmpty())
                    .toList();
        } catch (IOException e) {
            throw new AgentApiException(0, null, "GET /ca/host: " + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentApiException(0, null, "interrupted", e);
        }
    }

    public LiveSessions liveSessions() {
        return send(sender, "GET", "/agents/sessions", "", null, LiveSessions.class, timeout, true);
    }

    public void ready(String sessionId, Ready body) {
        send(
                sender,
                "POST",
                "/agents/sessions/" + encode(sessionId) + "/ready",
                "",
                body,
                JsonNode.class,
                timeout,
                true);
    }

    public void failed(String sessionId, Failed body) {
        send(
                sender,
                "POST",
                "/agents/sessions/" + encode(sessionId) + "/failed",
                "",
                body,
                JsonNode.class,
                timeout,
                true);
    }

    public void ended(String sessionId, Ended body) {
        send(
                sender,
                "POST",
                "/agents/sessions/" + encode(sessionId) + "/ended",
                "",
                body,
                JsonNode.class,
                timeout,
                true);
    }

    public void login(Login body) {
        send(sender, "POST", "/agents/logins", "", body, JsonNode.class, timeout, true);
    }

    private <T> T send(
            RetryingSender via,
            String method,
            String path,
            String query,
            Object body,
            Class<T> type,
            Duration timeout,
            boolean signed) {
        String target = teamPath + path + query;
        try {
            byte[] bytes = body == null ? new byte[0] : Json.MAPPER.writeValueAsBytes(body);
            HttpResponse<byte[]> response = via.send(() -> {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + target))
                        .timeout(timeout)
                        .header("Accept", "application/json, application/problem+json");
                if (body != null) {
                    request.header("Content-Type", "application/json")
                            .method(method, HttpRequest.BodyPublishers.ofByteArray(bytes));
                } else {
                    request.method(method, HttpRequest.BodyPublishers.noBody());
                }
                if (signed) {
                    // Signed here, once per attempt: the service accepts each header for one request only.
                    request.header("Authorization", signer.authorization(method, target, bytes));
                }
                return request.build();
            });
            if (response.statusCode() >= 300) {
                throw new AgentApiException(
                        response.statusCode(),
                        check(response.body()),
                        method + " " + path + " answered " + response.statusCode(),
                        null);
            }
            if (response.body().length == 0) {
                return null;
            }
            return Json.MAPPER.readValue(response.body(), type);
        } catch (IOException e) {
            throw new AgentApiException(
                    0, null, method + " " + path + ": " + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentApiException(0, null, "interrupted", e);
        }
    }

    private static String check(byte[] body) {
        try {
            JsonNode problem = Json.MAPPER.readTree(body);
            return problem != null && problem.hasNonNull("check")
                    ? problem.get("check").asText()
                    : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
