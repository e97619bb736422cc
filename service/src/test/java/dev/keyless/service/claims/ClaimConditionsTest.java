package dev.keyless.service.claims;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyless.testkit.TestTokens;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClaimConditionsTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                // name, fixture, claim, condition, expected match
                Arguments.of("exact string", "github-actions", "repository", "acme-corp/deploy-svc", true),
                Arguments.of("exact string differs", "github-actions", "repository", "acme-corp/other", false),
                Arguments.of(
                        "glob star crosses slashes",
                        "github-actions",
                        "workflow_ref",
                        "acme-corp/*@refs/heads/main",
                        true),
                Arguments.of("glob question mark is one code point", "github-actions", "ref", "refs/heads/mai?", true),
                Arguments.of("glob anchored at both ends", "github-actions", "ref", "heads/*", false),
                Arguments.of("escaped star is literal", "github-actions", "ref", "refs/heads/\\*", false),
                Arguments.of(
                        "escaped star without glob is exact", "github-actions", "ref", "refs/heads/main\\*", false),
                Arguments.of(
                        "subject with %3A is compared literally",
                        "github-actions", "sub", "repo:acme-corp/deploy-svc:environment:production", true),
                Arguments.of(
                        "immutable subject form by glob",
                        "immutable-github",
                        "sub",
                        "repo:acme-corp@91234567/deploy-svc@812345678:ref:refs/heads/*",
                        true),
                Arguments.of(
                        "immutable subject needs the owner id",
                        "immutable-github",
                        "sub",
                        "repo:acme-corp/deploy-svc:*",
                        false),
                Arguments.of(
                        "list condition matches any entry",
                        "github-actions",
                        "environment",
                        List.of("staging", "production"),
                        true),
                Arguments.of(
                        "list condition with no matching entry",
                        "github-actions",
                        "environment",
                        List.of("staging", "dev"),
                        false),
                Arguments.of("number condition matches numeric claim", "gitlab", "runner_id", 12, true),
                Arguments.of("string condition matches numeric claim by text", "gitlab", "runner_id", "12", true),
                Arguments.of("glob matches numeric claim text", "gitlab", "runner_id", "1?", true),
                Arguments.of("number condition does not match string claim", "gitlab", "project_id", 1337, false),
                Arguments.of("number condition compares by value", "gitlab", "runner_id", 12.0, true),
                Arguments.of(
                        "list claim matches when an element matches",
                        "circleci",
                        "oidc.circleci.com/context-ids",
                        "c1d2e3f4-0000-1111-2222-333344445555",
                        true),
                Arguments.of(
                        "list claim with no matching element",
                        "circleci",
                        "oidc.circleci.com/context-ids",
                        "other",
                        false),
                Arguments.of(
                        "dotted slash name is one literal claim",
                        "circleci",
                        "oidc.circleci.com/vcs-ref",
                        "refs/heads/main",
                        true),
                Arguments.of(
                        "boolean condition matches boolean claim",
                        "circleci",
                        "oidc.circleci.com/ssh-rerun",
                        false,
                        true),
                Arguments.of(
                        "boolean condition does not match the other value",
                        "circleci",
                        "oidc.circleci.com/ssh-rerun",
                        true,
                        false),
                Arguments.of(
                        "string condition matches boolean claim text",
                        "circleci",
                        "oidc.circleci.com/ssh-rerun",
                        "false",
                        true),
                Arguments.of(
                        "boolean condition does not match string claim",
                        "github-actions",
                        "ref_protected",
                        true,
                        false),
                Arguments.of(
                        "json pointer into nested claims", "kubernetes", "/kubernetes.io/namespace", "deploy", true),
                Arguments.of(
                        "json pointer two levels deep",
                        "kubernetes",
                        "/kubernetes.io/serviceaccount/name",
                        "ansible-*",
                        true),
                Arguments.of("json pointer to an object never matches", "kubernetes", "/kubernetes.io/pod", "*", false),
                Arguments.of(
                        "literal name with a dot is not a path",
                        "kubernetes",
                        "kubernetes.io/namespace",
                        "deploy",
                        false),
                Arguments.of(
                        "json pointer into a list by index",
                        "kubernetes",
                        "/aud/0",
                        "https://keyless.example.com",
                        true),
                Arguments.of("missing claim never matches", "jenkins", "environment", "*", false),
                Arguments.of(
                        "cyrillic look-alike does not match",
                        "github-actions",
                        "repository",
                        "\u0430cme-corp/deploy-svc",
                        false),
                Arguments.of("star matches the empty string", "github-actions", "head_ref", "*", true),
                Arguments.of(
                        "nested gcp number by pointer",
                        "gcp",
                        "/google/compute_engine/project_number",
                        123456789012L,
                        true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesPerTheDesignRules(String name, String fixture, String claim, Object condition, boolean expected) {
        ClaimConditions conditions = ClaimConditions.parse(Map.of(claim, condition));
        List<ClaimMismatch> mismatches = conditions.mismatches(claims(fixture));
        assertThat(mismatches.isEmpty()).isEqualTo(expected);
        if (!expected) {
            assertThat(mismatches)
                    .singleElement()
                    .extracting(ClaimMismatch::claim)
                    .isEqualTo(claim);
        }
    }

    @Test
    void mismatchReportsConfiguredPatternNeverThePresentedValue() {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("repository", "acme-corp/other-*");
        raw.put("environment", List.of("staging", 42, true));
        List<ClaimMismatch> mismatches = ClaimConditions.parse(raw).mismatches(claims("github-actions"));
        assertThat(mismatches)
                .containsExactly(
                        new ClaimMismatch("repository", "acme-corp/other-*"),
                        new ClaimMismatch("environment", "[\"staging\",42,true]"));
    }

    @Test
    void lookAlikeInTheClaimDoesNotMatchAsciiCondition() {
        Map<String, Object> claims = claims("github-actions");
        claims.put("repository", "\u0430cme-corp/deploy-svc");
        assertThat(ClaimConditions.parse(Map.of("repository", "acme-corp/deploy-svc"))
                        .matches(claims))
                .isFalse();
        assertThat(ClaimConditions.parse(Map.of("repository", "?cme-corp/deploy-svc"))
                        .matches(claims))
                .isTrue();
    }

    @Test
    void globOnLongHostileInputFinishesQuickly() {
        String value = "a".repeat(16_000);
        String pattern = "*a".repeat(200) + "b";
        long start = System.nanoTime();
        boolean matched = ClaimConditions.parse(Map.of("x", pattern)).matches(Map.of("x", value));
        assertThat(matched).isFalse();
        assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("empty name", "", "x"),
                Arguments.of("name too long", "n".repeat(257), "x"),
                Arguments.of("control character in name", "re\npo", "x"),
                Arguments.of("object as condition", "repo", Map.of("a", "b")),
                Arguments.of("empty list", "repo", List.of()),
                Arguments.of("list too long", "repo", java.util.Collections.nCopies(101, "x")),
                Arguments.of("nested list", "repo", List.of(List.of("x"))),
                Arguments.of("string too long", "repo", "x".repeat(1025)),
                Arguments.of("control character in value", "repo", "main\u0000"),
                Arguments.of("bad pointer escape", "/kubernetes.io~2x", "x"),
                Arguments.of("pointer ending in tilde", "/a~", "x"),
                Arguments.of("non-finite number", "n", Double.NaN));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void rejectsInvalidConditionsAtWriteTime(String name, String claim, Object condition) {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put(claim, condition);
        assertThatThrownBy(() -> ClaimConditions.parse(raw)).isInstanceOf(InvalidConditionException.class);
    }

    @Test
    void nullConditionIsRejected() {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("repo", null);
        assertThatThrownBy(() -> ClaimConditions.parse(raw))
                .isInstanceOfSatisfying(InvalidConditionException.class, e -> assertThat(e.field())
                        .isEqualTo("repo"));
    }

    @Test
    void pointerEscapesDecodePerRfc6901() {
        Map<String, Object> claims = Map.of("a/b", Map.of("c~d", "v"));
        assertThat(ClaimConditions.parse(Map.of("/a~1b/c~0d", "v")).matches(claims))
                .isTrue();
    }

    private static Map<String, Object> claims(String fixture) {
        if (fixture.equals("immutable-github")) {
            Map<String, Object> c = TestTokens.fixture("github-actions");
            c.put("sub", "repo:acme-corp@91234567/deploy-svc@812345678:ref:refs/heads/main");
            return c;
        }
        return TestTokens.fixture(fixture);
    }
}
