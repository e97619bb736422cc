package dev.keyless.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyless.testkit.TestClock;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.api.Test;

class AgentRequestSignerTest {
    private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));

    @Test
    void signsMethodPathQueryAndBodyWithTheAgentKey() throws Exception {
        AgentKey key = AgentKey.generate();
        AgentRequestSigner signer = new AgentRequestSigner(key, "agent-1", "team-a", "web-01", clock);
        String header = signer.authorization(
                "POST", "/v1/teams/team-a/agents/logins?x=1", "{\"type\":\"login\"}".getBytes(StandardCharsets.UTF_8));

        assertThat(header).startsWith("KeylessAgent ");
        String[] parts = header.substring("KeylessAgent ".length()).split("\\.");
        assertThat(parts).hasSize(3);
        JsonNode jose = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(parts[0]));
        JsonNode claims = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertThat(jose.toString()).isEqualTo("{\"alg\":\"EdDSA\",\"typ\":\"keyless-agent+jwt\",\"kid\":\"agent-1\"}");
        assertThat(claims.get("iss").asText()).isEqualTo("agent-1");
        assertThat(claims.get("team").asText()).isEqualTo("team-a");
        assertThat(claims.get("server").asText()).isEqualTo("web-01");
        assertThat(claims.get("htm").asText()).isEqualTo("POST");
        assertThat(claims.get("htu").asText()).isEqualTo("/v1/teams/team-a/agents/logins?x=1");
        // printf '{"type":"login"}' | openssl dgst -sha256 -binary | basenc --base64url (unpadded)
        assertThat(claims.get("body_sha256").asText()).isEqualTo("r3LxzN6wL12ZMfeMJ3DGRRCShHVWGXqrz6xOp7CJIdE");
        assertThat(claims.get("iat").asLong()).isEqualTo(1_767_225_600L);
        assertThat(claims.get("exp").asLong()).isEqualTo(1_767_225_630L);
        assertThat(claims.get("jti").asText()).hasSizeGreaterThan(20);

        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, new Ed25519PublicKeyParameters(publicKeyBytes(key.publicKeyLine()), 0));
        byte[] input = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        verifier.update(input, 0, input.length);
        assertThat(verifier.verifySignature(Base64.getUrlDecoder().decode(parts[2])))
                .isTrue();
    }

    @Test
    void aRequestWithoutABodySignsTheDigestOfNoBytes() throws Exception {
        AgentRequestSigner signer = new AgentRequestSigner(AgentKey.generate(), "a", "t", "s", clock);
        String jws = signer.authorization("GET", "/x", new byte[0]).substring("KeylessAgent ".length());
        JsonNode claims = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(jws.split("\\.", -1)[1]));
        assertThat(claims.get("body_sha256").asText()).isEqualTo("47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
    }

    @Test
    void everyRequestGetsAFreshJti() {
        AgentRequestSigner signer = new AgentRequestSigner(AgentKey.generate(), "a", "t", "s", clock);
        assertThat(signer.authorization("POST", "/x", new byte[0]))
                .isNotEqualTo(signer.authorization("POST", "/x", new byte[0]));
    }

    private static byte[] publicKeyBytes(String line) {
        ByteBuffer blob = ByteBuffer.wrap(Base64.getDecoder().decode(line.split(" ", -1)[1]));
        byte[] type = new byte[blob.getInt()];
        blob.get(type);
        assertThat(new String(type, StandardCharsets.US_ASCII)).isEqualTo("ssh-ed25519");
        byte[] key = new byte[blob.getInt()];
        blob.get(key);
        return Arrays.copyOf(key, 32);
    }
}
