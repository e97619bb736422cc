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
    void signsMethodAndPathWithTheAgentKey() throws Exception {
        AgentKey key = AgentKey.generate();
        AgentRequestSigner signer = new AgentRequestSigner(key, "agent-1", "team-a", "web-01", clock);
        String header = signer.authorization("GET", "/v1/teams/team-a/agents/events");

        assertThat(header).startsWith("KeylessAgent ");
        String[] parts = header.substring("KeylessAgent ".length()).split("\\.");
        assertThat(parts).hasSize(3);
        JsonNode jose = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(parts[0]));
        JsonNode claims = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertThat(jose.toString()).isEqualTo("{\"alg\":\"EdDSA\",\"typ\":\"keyless-agent+jwt\",\"kid\":\"agent-1\"}");
        assertThat(claims.get("iss").asText()).isEqualTo("agent-1");
        assertThat(claims.get("team").asText()).isEqualTo("team-a");
        assertThat(claims.get("server").asText()).isEqualTo("web-01");
        assertThat(claims.get("htm").asText()).isEqualTo("GET");
        assertThat(claims.get("htu").asText()).isEqualTo("/v1/teams/team-a/agents/events");
        assertThat(claims.get("iat").asLong()).isEqualTo(1_767_225_600L);
        assertThat(claims.get("exp").asLong()).isEqualTo(1_767_225_660L);
        assertThat(claims.get("jti").asText()).hasSizeGreaterThan(20);

        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, new Ed25519PublicKeyParameters(publicKeyBytes(key.publicKeyLine()), 0));
        byte[] input = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        verifier.update(input, 0, input.length);
        assertThat(verifier.verifySignature(Base64.getUrlDecoder().decode(parts[2])))
                .isTrue();
    }

    @Test
    void everyRequestGetsAFreshJti() {
        AgentRequestSigner signer = new AgentRequestSigner(AgentKey.generate(), "a", "t", "s", clock);
        assertThat(signer.authorization("POST", "/x")).isNotEqualTo(signer.authorization("POST", "/x"));
    }

    private static byte[] publicKeyBytes(String line) {
        ByteBuffer blob = ByteBuffer.wrap(Base64.getDecoder().decode(line.split(" ")[1]));
        byte[] type = new byte[blob.getInt()];
        blob.get(type);
        assertThat(new String(type, StandardCharsets.US_ASCII)).isEqualTo("ssh-ed25519");
        byte[] key = new byte[blob.getInt()];
        blob.get(key);
        return Arrays.copyOf(key, 32);
    }
}
