package dev.keyless.service.accesstoken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import dev.keyless.protocol.ProblemType;
import dev.keyless.service.accesstoken.AgentRequestVerifier.AgentRequest;
import dev.keyless.service.accesstoken.AgentRequestVerifier.Received;
import dev.keyless.testkit.TestClock;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every check of a signed agent request header, one named case each, with the exact problem. */
class AgentRequestVerifierTest {
    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    static final String TARGET = "/v1/teams/acme/agents/logins";
    static final byte[] BODY = "{\"type\":\"login\"}".getBytes(StandardCharsets.UTF_8);
    static final Ed25519PrivateKeyParameters KEY = new Ed25519PrivateKeyParameters(new SecureRandom());
    static final Ed25519PrivateKeyParameters OTHER_KEY = new Ed25519PrivateKeyParameters(new SecureRandom());

    final AgentRequestVerifier verifier = new AgentRequestVerifier(new TestClock(NOW));

    @Test
    void acceptsARequestSignedForExactlyThis() {
        AgentRequest r = verify(sign(claims(c -> {}), KEY), BODY);
        assertThat(r.agentId()).isEqualTo("agent-1");
        assertThat(r.team()).isEqualTo("acme");
        assertThat(r.server()).isEqualTo("web-01");
        assertThat(r.jti()).isEqualTo("jti-0123456789abcdef");
        assertThat(r.keepUntil()).as("exp + 5 s skew").isEqualTo(NOW.plusSeconds(35));
    }

    static Stream<Arguments> refused() {
        long now = NOW.getEpochSecond();
        return Stream.of(
                refusal("expired 50 s ago", c -> times(c, now - 80, now - 50), ProblemType.AGENT_REQUEST_EXPIRED),
                refusal(
                        "expired beyond the 5 s skew",
                        c -> times(c, now - 35, now - 5),
                        ProblemType.AGENT_REQUEST_EXPIRED),
                refusal(
                        "iat 55 s ahead, 120 s lifetime",
                        c -> times(c, now + 55, now + 175),
                        ProblemType.AGENT_REQUEST_EXPIRED),
                refusal("iat 6 s ahead", c -> times(c, now + 6, now + 36), ProblemType.AGENT_REQUEST_EXPIRED),
                refusal("lifetime 31 s", c -> times(c, now, now + 31), ProblemType.AGENT_REQUEST_EXPIRED),
                refusal("exp before iat", c -> times(c, now, now - 1), ProblemType.AGENT_REQUEST_EXPIRED),
                refusal("no exp", c -> c.remove("exp"), ProblemType.AGENT_REQUEST_EXPIRED),
                refusal("no body digest", c -> c.remove("body_sha256"), ProblemType.AGENT_REQUEST_MISMATCH),
                refusal(
                        "digest of another body",
                        c -> c.put("body_sha256", AgentRequestVerifier.bodyDigest(new byte[0])),
                        ProblemType.AGENT_REQUEST_MISMATCH),
                refusal("another method", c -> c.put("htm", "GET"), ProblemType.AGENT_REQUEST_MISMATCH),
                refusal(
                        "another path",
                        c -> c.put("htu", "/v1/teams/acme/agents/sessions"),
                        ProblemType.AGENT_REQUEST_MISMATCH),
                refusal(
                        "a query that was not sent",
                        c -> c.put("htu", TARGET + "?x=1"),
                        ProblemType.AGENT_REQUEST_MISMATCH),
                refusal("no jti", c -> c.remove("jti"), ProblemType.AGENT_UNAUTHENTICATED),
                refusal("short jti", c -> c.put("jti", "abc"), ProblemType.AGENT_UNAUTHENTICATED),
                refusal("jti with a quote", c -> c.put("jti", "0123456789abcdef'"), ProblemType.AGENT_UNAUTHENTICATED),
                refusal("iss is not the kid", c -> c.put("iss", "agent-2"), ProblemType.AGENT_UNAUTHENTICATED),
                refusal("no server", c -> c.remove("server"), ProblemType.AGENT_UNAUTHENTICATED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void refused(Consumer<Map<String, Object>> change, ProblemType expected) {
        String jws = sign(claims(change), KEY);
        assertThatThrownBy(() -> verify(jws, BODY))
                .isInstanceOfSatisfying(AgentRequestVerifier.Rejected.class, e -> assertThat(e.type())
                        .isEqualTo(expected));
    }

    @Test
    void refusesAnotherKeysSignatureAndAnotherType() throws Exception {
        assertThatThrownBy(() -> verify(sign(claims(c -> {}), OTHER_KEY), BODY))
                .isInstanceOfSatisfying(AgentRequestVerifier.Rejected.class, e -> assertThat(e.type())
                        .isEqualTo(ProblemType.AGENT_UNAUTHENTICATED));
        JWSObject jwt = new JWSObject(
                new JWSHeader.Builder(JWSAlgorithm.EdDSA)
                        .type(JOSEObjectType.JWT)
                        .keyID("agent-1")
                        .build(),
                new Payload(claims(c -> {})));
        jwt.sign(BouncyCastleEdDsa.signer(KEY));
        assertThatThrownBy(() -> verify(jwt.serialize(), BODY))
                .isInstanceOfSatisfying(AgentRequestVerifier.Rejected.class, e -> assertThat(e.type())
                        .isEqualTo(ProblemType.AGENT_UNAUTHENTICATED));
    }

    private AgentRequest verify(String jws, byte[] body) {
        return verifier.verify(jws, KEY.generatePublicKey().getEncoded(), new Received("POST", TARGET, body));
    }

    private static Arguments refusal(String name, Consumer<Map<String, Object>> change, ProblemType expected) {
        return Arguments.of(Named.of(name, change), expected);
    }

    private static void times(Map<String, Object> claims, long iat, long exp) {
        claims.put("iat", iat);
        claims.put("exp", exp);
    }

    private static Map<String, Object> claims(Consumer<Map<String, Object>> change) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("iss", "agent-1");
        c.put("team", "acme");
        c.put("server", "web-01");
        c.put("htm", "POST");
        c.put("htu", TARGET);
        c.put("body_sha256", AgentRequestVerifier.bodyDigest(BODY));
        c.put("iat", NOW.getEpochSecond());
        c.put("exp", NOW.getEpochSecond() + 30);
        c.put("jti", "jti-0123456789abcdef");
        change.accept(c);
        return c;
    }

    private static String sign(Map<String, Object> claims, Ed25519PrivateKeyParameters key) {
        try {
            JWSObject jws = new JWSObject(
                    new JWSHeader.Builder(JWSAlgorithm.EdDSA)
                            .type(AgentRequestVerifier.TYPE)
                            .keyID("agent-1")
                            .build(),
                    new Payload(claims));
            jws.sign(BouncyCastleEdDsa.signer(key));
            return jws.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
