package dev.keyless.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * An enrolled agent identity that signs agent requests as {@code AgentRequests} specifies (EdDSA
 * JWS over method, path with query, body digest, times and a fresh {@code jti}), with the JDK's
 * Ed25519: the scenarios start the agent jar as a process and keep its libraries off their class
 * path, so this is for load the real agent cannot make (many polls of one agent at once).
 */
final class SignedAgent {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KeyPair key;
    private final URI service;
    private final String team;
    private final String server;
    private final String agentId;
    private final String version;

    private SignedAgent(KeyPair key, URI service, String team, String server, String agentId, String version) {
        this.key = key;
        this.service = service;
        this.team = team;
        this.server = server;
        this.agentId = agentId;
        this.version = version;
    }

    /** Enrols for {@code server} with a one-time token; {@code hostPublicKey} is an OpenSSH line. */
    static SignedAgent enroll(URI service, String team, String server, String token, String hostPublicKey)
            throws Exception {
        return enroll(service, team, server, token, hostPublicKey, null);
    }

    /**
     * Enrols as an agent of {@code version}, which it reports on enrolment and signs into each
     * request as the real agent does; null reports none (an agent older than the claim).
     */
    static SignedAgent enroll(
            URI service, String team, String server, String token, String hostPublicKey, String version)
            throws Exception {
        KeyPair key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Map<String, String> enrolment = new LinkedHashMap<>();
        enrolment.put("server", server);
        enrolment.put("enrollment_token", token);
        enrolment.put("agent_public_key", publicKeyLine(key));
        enrolment.put("host_public_key", hostPublicKey);
        if (version != null) {
            enrolment.put("agent_version", version);
        }
        byte[] body = JSON.writeValueAsBytes(enrolment);
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(service.resolve("/v1/teams/" + team + "/agents/enroll"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("enrolment answered " + r.statusCode() + ": " + r.body());
        }
        return new SignedAgent(
                key,
                service,
                team,
                server,
                JSON.readTree(r.body()).get("agent_id").asText(),
                version);
    }

    /** A signed {@code GET /agents/events} long poll on {@code http}, answered with its status. */
    CompletableFuture<Integer> poll(HttpClient http, long after, int waitSeconds) {
        String target = "/v1/teams/" + team + "/agents/events?after=" + after + "&wait_seconds=" + waitSeconds;
        HttpRequest request = HttpRequest.newBuilder(service.resolve(target))
                .timeout(Duration.ofSeconds(waitSeconds + 30L))
                .header("Authorization", authorization("GET", target, new byte[0]))
                .GET()
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).thenApply(HttpResponse::statusCode);
    }

    private String authorization(String method, String target, byte[] body) {
        try {
            long iat = Instant.now().getEpochSecond();
            Map<String, Object> claims = new LinkedHashMap<>();
            claims.put("iss", agentId);
            claims.put("team", team);
            claims.put("server", server);
            claims.put("htm", method);
            claims.put("htu", target);
            claims.put("body_sha256", b64(MessageDigest.getInstance("SHA-256").digest(body)));
            claims.put("iat", iat);
            claims.put("exp", iat + 30);
            claims.put("jti", UUID.randomUUID().toString());
            if (version != null) {
                claims.put("agent_version", version);
            }
            Map<String, Object> header = Map.of("alg", "EdDSA", "typ", "keyless-agent+jwt", "kid", agentId);
            String input = b64(JSON.writeValueAsBytes(header)) + "." + b64(JSON.writeValueAsBytes(claims));
            Signature ed25519 = Signature.getInstance("Ed25519");
            ed25519.initSign(key.getPrivate());
            ed25519.update(input.getBytes(StandardCharsets.US_ASCII));
            return "KeylessAgent " + input + "." + b64(ed25519.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String publicKeyLine(KeyPair key) {
        byte[] x509 = key.getPublic().getEncoded(); // 12-byte SubjectPublicKeyInfo prefix, then the key
        byte[] raw = Arrays.copyOfRange(x509, x509.length - 32, x509.length);
        byte[] type = "ssh-ed25519".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer blob = ByteBuffer.allocate(4 + type.length + 4 + raw.length);
        blob.putInt(type.length).put(type).putInt(raw.length).put(raw);
        return "ssh-ed25519 " + Base64.getEncoder().encodeToString(blob.array()) + " agent";
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
