package dev.keyless.service.it;

import static dev.keyless.testkit.service.TeamSetup.AUDIENCE;
import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.keyless.protocol.AdminRole;
import dev.keyless.service.admin.AdminService;
import dev.keyless.service.admin.AdminTokens;
import dev.keyless.service.ca.CaKind;
import dev.keyless.service.ca.CaService;
import dev.keyless.service.db.Db;
import dev.keyless.service.team.TeamService;
import dev.keyless.testkit.JwksServer;
import dev.keyless.testkit.TestKeys;
import dev.keyless.testkit.TestTokens;
import dev.keyless.testkit.service.Api;
import dev.keyless.testkit.service.TeamSetup;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One token, one exchange, over real HTTP, run once per database by the subclasses: the other
 * spellings of a token exchanged once and the high-S twin of an ES256 signature are refused, and
 * a token exchanged in one team is {@code token-replayed} in another. Tokens without {@code jti}
 * (Jenkins' shape) are the ones whose replay key is what was signed; they are signed here with
 * nimbus's own {@link SignedJWT} and re-spelled by hand, independently of the service's parser.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ReplayGuardTests {
    static final String BETA = "beta";
    static final String B = "/v1/teams/" + BETA;

    RunningService service;
    TeamSetup team;
    Api api;
    ECKey ecKey = TestKeys.ec("ec-1");
    JwksServer ecJwks;
    String betaSecurity;

    abstract TestDatabase database();

    @BeforeAll
    void start() throws Exception {
        service = RunningService.start(database());
        team = new TeamSetup(service.uri(), service.bootstrapToken()).standard();
        api = team.api;
        team.activeJenkinsConnection("jenkins");
        team.role("builder", "jenkins", Map.of("sub", "https://jenkins.example.com/job/*"));
        team.policy("build", List.of("builder"), Map.of("names", List.of("web-01")), List.of());

        ecJwks = new JwksServer("/oidc/jwks", ecKey.toPublicJWK());
        team.activeConnection(Map.of(
                "name",
                "jenkins-ec",
                "provider",
                "jenkins",
                "issuer",
                ecJwks.issuer() + "/oidc",
                "audiences",
                List.of(AUDIENCE),
                "algorithms",
                List.of("ES256")));
        team.role("ec-builder", "jenkins-ec", Map.of("sub", "https://jenkins.example.com/job/*"));
        team.policy("ec-build", List.of("ec-builder"), Map.of("names", List.of("web-01")), List.of());

        betaTeam();
    }

    @AfterAll
    void stop() throws Exception {
        if (ecJwks != null) {
            ecJwks.close();
        }
        if (team != null) {
            team.close();
        }
        if (service != null) {
            service.close();
        }
    }

    /**
     * A second team trusting the same Jenkins and GitHub issuers with the same keys. The service
     * has no team-creation call yet, so the team is made the way bootstrap makes one, inside the
     * running service; everything after that is plain HTTP.
     */
    void betaTeam() {
        betaSecurity = "kla_beta_security_" + UUID.randomUUID();
        String betaSecurityTwo = "kla_beta_security_two_" + UUID.randomUUID();
        String betaDevops = "kla_beta_devops_" + UUID.randomUUID();
        var context = service.context();
        AdminService admins = context.getBean(AdminService.class);
        CaService cas = context.getBean(CaService.class);
        context.getBean(Db.class).write(c -> {
            context.getBean(TeamService.class).createIfAbsent(c, BETA);
            admins.insert(
                    c, BETA, "sec-one", AdminRole.SECURITY_ADMIN, AdminTokens.hash(betaSecurity), AdminService.SYSTEM);
            admins.insert(c, BETA, "sec-two", AdminRole.SECURITY_ADMIN, AdminTokens.hash(betaSecurityTwo), "sec-one");
            admins.insert(c, BETA, "ops", AdminRole.DEVOPS_ADMIN, AdminTokens.hash(betaDevops), "sec-one");
            cas.ensure(c, BETA, CaKind.USER);
            cas.ensure(c, BETA, CaKind.HOST);
            return null;
        });
        Map<String, Object> jenkins = Map.of(
                "name",
                "jenkins",
                "provider",
                "jenkins",
                "issuer",
                team.jenkinsOidcIssuer(),
                "audiences",
                List.of(AUDIENCE));
        for (Map<String, Object> spec : List.of(jenkins, team.connectionSpec("github"))) {
            ok(api.post(B + "/connections", betaDevops, spec), 201);
            ok(api.post(B + "/connections/" + spec.get("name") + "/activate", betaSecurityTwo, null), 200);
        }
        ok(
                api.post(
                        B + "/roles", betaSecurity, role("builder", "jenkins", "sub", "https://jenkins.example.com/*")),
                201);
        ok(api.post(B + "/roles", betaSecurity, role("deployer", "github", "repository", "acme-corp/*")), 201);
        ok(
                api.post(
                        B + "/servers",
                        betaDevops,
                        Map.of("name", "web-01", "address", "127.0.0.1", "port", 22, "labels", Map.of())),
                201);
        ok(
                api.post(
                        B + "/policies",
                        betaSecurity,
                        Map.of(
                                "name", "all",
                                "roles", List.of("builder", "deployer"),
                                "servers", Map.of("names", List.of("web-01")),
                                "sudo", List.of(),
                                "session_ttl_seconds", 600)),
                201);
    }

    static Map<String, Object> role(String name, String connection, String claim, String pattern) {
        return Map.of("name", name, "connection", connection, "claims", Map.of(claim, pattern));
    }

    static void ok(Api.Response r, int status) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
    }

    Api.Response exchange(String teamPath, String connection, String token) {
        return api.post(teamPath + "/workload/authenticate", null, Map.of("connection", connection, "token", token));
    }

    /** Jenkins' claims (no jti) for {@code issuer}, signed by nimbus itself. */
    static String jenkinsToken(String issuer, JWK key, JWSAlgorithm alg) throws Exception {
        Map<String, Object> claims = TestTokens.claims("jenkins", issuer, AUDIENCE, Instant.now());
        TestTokens.times(claims, Instant.now().minusSeconds(5), Duration.ofMinutes(5));
        claims.put("build_number", ThreadLocalRandom.current().nextInt(1, 1_000_000));
        SignedJWT jwt =
                new SignedJWT(new JWSHeader.Builder(alg).keyID(key.getKeyID()).build(), JWTClaimsSet.parse(claims));
        jwt.sign(key instanceof RSAKey rsa ? new RSASSASigner(rsa) : new ECDSASigner((ECKey) key));
        return jwt.serialize();
    }

    /** The other spellings of the signature's last character: the same bits a decoder reads. */
    static List<String> respellings(String token) {
        int dot = token.lastIndexOf('.');
        String signature = token.substring(dot + 1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int unused = signature.length() % 4 == 2 ? 4 : signature.length() % 4 == 3 ? 2 : 0;
        int last = alphabet.indexOf(signature.charAt(signature.length() - 1));
        return java.util.stream.IntStream.range(0, 1 << unused)
                .map(low -> (last & ~((1 << unused) - 1)) | low)
                .filter(index -> index != last)
                .mapToObj(index -> token.substring(0, token.length() - 1) + alphabet.charAt(index))
                .toList();
    }

    @Test
    void everyOtherSpellingOfAnExchangedRs256TokenIsRefused() throws Exception {
        String token = jenkinsToken(team.jenkinsOidcIssuer(), team.jenkinsKey, JWSAlgorithm.RS256);
        List<String> others = respellings(token);
        assertThat(others).hasSize(15).allSatisfy(s -> assertThat(
                        new Base64URL(s.substring(s.lastIndexOf('.') + 1)).decode())
                .isEqualTo(new Base64URL(token.substring(token.lastIndexOf('.') + 1)).decode()));

        ok(exchange(T, "jenkins", token), 200);
        for (String other : others) {
            Api.Response r = exchange(T, "jenkins", other);
            assertThat(r.slug()).as(r.body()).isEqualTo("token-malformed");
            assertThat(r.json().path("detail").asText()).contains("not canonical base64url");
            assertThat(r.body()).doesNotContain(other.substring(other.length() - 40));
        }
        assertThat(exchange(T, "jenkins", token).slug()).isEqualTo("token-replayed");
    }

    @Test
    void aFreshTokenInAnotherSpellingIsRefusedBeforeItCanBeUsed() throws Exception {
        String token = jenkinsToken(team.jenkinsOidcIssuer(), team.jenkinsKey, JWSAlgorithm.RS256);
        assertThat(exchange(T, "jenkins", respellings(token).get(0)).slug()).isEqualTo("token-malformed");
        ok(exchange(T, "jenkins", token), 200);
    }

    @Test
    void theHighSTwinOfAnEs256TokenIsRefusedBeforeAndAfterTheTokenIsUsed() throws Exception {
        String signed = jenkinsToken(ecJwks.issuer() + "/oidc", ecKey, JWSAlgorithm.ES256);
        // nimbus leaves S as the JCA made it: low or high, half the time each.
        String twin = TestTokens.ecdsaTwin(signed);
        boolean signedIsLow = s(signed).compareTo(s(twin)) < 0;
        String low = signedIsLow ? signed : twin;
        String high = signedIsLow ? twin : signed;
        BigInteger halfOrder = Curve.P_256.toECParameterSpec().getOrder().shiftRight(1);
        assertThat(s(high)).isGreaterThan(halfOrder);

        Api.Response fresh = exchange(T, "jenkins-ec", high);
        assertThat(fresh.slug()).as(fresh.body()).isEqualTo("token-signature-invalid");
        assertThat(fresh.json().path("detail").asText()).contains("high-S");
        ok(exchange(T, "jenkins-ec", low), 200);
        assertThat(exchange(T, "jenkins-ec", high).slug()).isEqualTo("token-signature-invalid");
        assertThat(exchange(T, "jenkins-ec", low).slug()).isEqualTo("token-replayed");
    }

    static BigInteger s(String token) {
        byte[] signature = new Base64URL(token.substring(token.lastIndexOf('.') + 1)).decode();
        return new BigInteger(1, Arrays.copyOfRange(signature, signature.length / 2, signature.length));
    }

    @Test
    void aTokenWithoutJtiExchangedInOneTeamIsReplayedInAnother() throws Exception {
        String token = jenkinsToken(team.jenkinsOidcIssuer(), team.jenkinsKey, JWSAlgorithm.RS256);
        ok(exchange(T, "jenkins", token), 200);
        Api.Response again = exchange(B, "jenkins", token);
        assertThat(again.slug()).as(again.body()).isEqualTo("token-replayed");

        String other = jenkinsToken(team.jenkinsOidcIssuer(), team.jenkinsKey, JWSAlgorithm.RS256);
        ok(exchange(B, "jenkins", other), 200);
        assertThat(exchange(T, "jenkins", other).slug()).isEqualTo("token-replayed");
    }

    @Test
    void aJtiTokenExchangedInOneTeamIsReplayedInAnother() {
        String token = team.githubToken();
        ok(exchange(B, "github", token), 200);
        Api.Response again = exchange(T, "github", token);
        assertThat(again.slug()).as(again.body()).isEqualTo("token-replayed");
    }

    @Test
    void theGuardHoldsOneRowPerTokenWhicheverTeamUsedIt() throws Exception {
        String token = jenkinsToken(team.jenkinsOidcIssuer(), team.jenkinsKey, JWSAlgorithm.RS256);
        long before = usedTokens();
        ok(exchange(B, "jenkins", token), 200);
        assertThat(exchange(T, "jenkins", token).slug()).isEqualTo("token-replayed");
        assertThat(exchange(B, "jenkins", token).slug()).isEqualTo("token-replayed");
        assertThat(usedTokens()).isEqualTo(before + 1);
    }

    @Test
    void theGuardRemembersATokenUntilTheMostTolerantConnectionWouldRefuseIt() throws Exception {
        // Beta's Jenkins connection may tolerate up to 300 s of skew, acme's tolerates 60 s: the key
        // must outlive exp + 300 s, or beta would take the token again once acme's row is purged.
        Instant exp = Instant.now().plus(Duration.ofHours(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Map<String, Object> claims = TestTokens.claims("jenkins", team.jenkinsOidcIssuer(), AUDIENCE, Instant.now());
        claims.put("iat", Instant.now().minusSeconds(5).getEpochSecond());
        claims.put("exp", exp.getEpochSecond());
        claims.put("build_number", ThreadLocalRandom.current().nextInt(1, 1_000_000));
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID(team.jenkinsKey.getKeyID())
                        .build(),
                JWTClaimsSet.parse(claims));
        jwt.sign(new RSASSASigner(team.jenkinsKey));

        ok(exchange(T, "jenkins", jwt.serialize()), 200);
        try (java.sql.Connection c = service.jdbc();
                java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT MAX(expires_at) FROM used_token")) {
            rs.next();
            assertThat(Instant.ofEpochMilli(rs.getLong(1))).isEqualTo(exp.plusSeconds(60 + 300));
        }
    }

    private long usedTokens() throws Exception {
        try (java.sql.Connection c = service.jdbc();
                java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM used_token")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
