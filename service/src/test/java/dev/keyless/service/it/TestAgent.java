package dev.keyless.service.it;

import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyless.testkit.SshKeygen;
import dev.keyless.testkit.service.Api;
import dev.keyless.testkit.service.TeamSetup;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * A stand-in host agent that speaks the agent protocol (signed requests) so the service side can be
 * tested on its own; the real agent is tested against it in host-agent/ and e2e/.
 */
public final class TestAgent {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(new SecureRandom());
    final URI base;
    final String team;
    final String server;
    public String agentId;
    /** The version it reports on enrolment and signs into each request; null sends none (an older agent). */
    public String version = "0.0.0-test";

    TestAgent(URI base, String team, String server) {
        this.base = base;
        this.team = team;
        this.server = server;
    }

    /** Enrols a new agent for {@code server} with a one-time token and checks its host certificate. */
    public static TestAgent enroll(RunningService service, TeamSetup team, String server, Path dir) throws Exception {
        String token = team.api
                .post(T + "/servers/" + server + "/enrollment-tokens", team.devops, null)
                .json()
                .get("token")
                .asText();
        return enroll(service, server, token, dir);
    }

    /** Enrols a new agent for {@code server} with {@code token} (say, one an admin copied from the console). */
    static TestAgent enroll(RunningService service, String server, String token, Path dir) throws Exception {
        TestAgent a = new TestAgent(service.uri(), RunningService.TEAM, server);
        Path hostKey = SshKeygen.generate(dir, "host-" + server, "ed25519", 0, "host");
        Api.Response r = a.call(
                "POST",
                T + "/agents/enroll",
                Map.of(
                        "server",
                        server,
                        "enrollment_token",
                        token,
                        "agent_public_key",
                        a.publicKeyLine(),
                        "host_public_key",
                        Files.readString(Path.of(hostKey + ".pub")).trim(),
                        "agent_version",
                        a.version),
                null);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        a.agentId = r.json().get("agent_id").asText();
        Path cert = Path.of(hostKey + "-cert.pub");
        Files.writeString(cert, r.json().get("host_certificate").asText() + "\n");
        String listing = SshKeygen.listCertificate(cert).stdout();
        assertThat(listing).contains("host certificate").contains(server);
        return a;
    }

    /** The agent's public key as an OpenSSH line. */
    String publicKeyLine() {
        byte[] type = "ssh-ed25519".getBytes(StandardCharsets.US_ASCII);
        byte[] pub = key.generatePublicKey().getEncoded();
        ByteBuffer blob = ByteBuffer.allocate(4 + type.length + 4 + pub.length);
        blob.putInt(type.length).put(type).putInt(pub.length).put(pub);
        return "ssh-ed25519 " + Base64.getEncoder().encodeToString(blob.array()) + " agent";
    }

    /** A signed header for a request without a body; {@code target} may differ from the real one in tests. */
    String header(String method, String target) {
        return header(method, target, new byte[0]);
    }

    /** A signed header for {@code method} on {@code target} (path and query) with {@code body}. */
    String header(String method, String target, byte[] body) {
        return header(method, target, body, Instant.now(), Duration.ofSeconds(30));
    }

    /**
     * A signed header issued at {@code issuedAt} for {@code lifetime}: the claims the real agent
     * signs ({@code AgentRequests}), so tests can shift the times the way an attacker would.
     */
    public String header(String method, String target, byte[] body, Instant issuedAt, Duration lifetime) {
        return sign(claims(method, target, body, issuedAt, lifetime));
    }

    /** A header as {@link #header(String, String, byte[])} but without the claim {@code omitted}. */
    String headerWithout(String omitted, String method, String target, byte[] body) {
        Map<String, Object> claims = claims(method, target, body, Instant.now(), Duration.ofSeconds(30));
        claims.remove(omitted);
        return sign(claims);
    }

    private Map<String, Object> claims(String method, String target, byte[] body, Instant issuedAt, Duration lifetime) {
        long iat = issuedAt.getEpochSecond();
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("iss", agentId);
        p.put("team", team);
        p.put("server", server);
        p.put("htm", method);
        p.put("htu", target);
        p.put("body_sha256", b64(sha256(body)));
        p.put("iat", iat);
        p.put("exp", iat + lifetime.toSeconds());
        p.put("jti", UUID.randomUUID().toString());
        if (version != null) {
            p.put("agent_version", version);
        }
        return p;
    }

    private String sign(Map<String, Object> claims) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("alg", "EdDSA");
        h.put("typ", "keyless-agent+jwt");
        h.put("kid", agentId);
        try {
            String input = b64(JSON.writeValueAsBytes(h)) + "." + b64(JSON.writeValueAsBytes(claims));
            Ed25519Signer signer = new Ed25519Signer();
            signer.init(true, key);
            byte[] bytes = input.getBytes(StandardCharsets.US_ASCII);
            signer.update(bytes, 0, bytes.length);
            return "KeylessAgent " + input + "." + b64(signer.generateSignature());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The bytes a JSON body is sent as; none for {@code null}. */
    static byte[] json(Object body) {
        try {
            return body == null ? new byte[0] : JSON.writeValueAsBytes(body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A request signed for exactly what is sent. */
    Api.Response call(String method, String path, Object body) {
        byte[] bytes = json(body);
        return send(method, path, bytes, header(method, path, bytes));
    }

    Api.Response call(String method, String path, Object body, String authorization) {
        return send(method, path, json(body), authorization);
    }

    /** Sends {@code body} as it is (a JSON body when not empty) with {@code authorization}. */
    Api.Response send(String method, String path, byte[] body, String authorization) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(70));
            if (authorization != null) {
                b.header("Authorization", authorization);
            }
            if (body.length == 0) {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                b.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
            }
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Api.Response(
                    r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
