package dev.keyless.service.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyless.service.name.InvalidNameException;
import dev.keyless.service.name.SecretNames;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The secret grant patterns and their evaluation, table by table. */
class SecretPolicyEngineTest {

    static Stream<Arguments> matches() {
        return Stream.of(
                row("exact", "/ci/prod/app/db", "/ci/prod/app", "db", true),
                row("exact, other name", "/ci/prod/app/db", "/ci/prod/app", "db2", false),
                row("exact, case matters", "/ci/prod/app/db", "/ci/prod/app", "DB", false),
                row("star: any name in the folder", "/ci/prod/app/*", "/ci/prod/app", "anything", true),
                row("star: not in a subfolder", "/ci/prod/app/*", "/ci/prod/app/sub", "x", false),
                row("star: not the folder's sibling", "/ci/prod/app/*", "/ci/prod/app-evil", "x", false),
                row("star: not the parent's secret named like the folder", "/ci/prod/app/*", "/ci/prod", "app", false),
                row("star in a segment", "/ci/prod/app/db-*", "/ci/prod/app", "db-password", true),
                row("star in a segment, prefix mismatch", "/ci/prod/app/db-*", "/ci/prod/app", "api-db-x", false),
                row("star in a folder segment", "/ci/*/app/*", "/ci/staging/app", "x", true),
                row("star in a folder segment, one only", "/ci/*/app/*", "/ci/a/b/app", "x", false),
                row("prefix glob stays in its segment", "/ci/prod*/x", "/ci/prod/evil", "x", false),
                row("prefix glob matches its segment", "/ci/prod*/x", "/ci/prod-eu", "x", true),
                row("double star: direct child", "/ci/shared/**", "/ci/shared", "x", true),
                row("double star: deep", "/ci/shared/**", "/ci/shared/a/b/c", "x", true),
                row("double star: not a sibling folder", "/ci/shared/**", "/ci/shared-evil", "x", false),
                row("double star: not the parent", "/ci/shared/**", "/ci", "shared", false),
                row("double star in the middle", "/ci/**/db", "/ci/a/b", "db", true),
                row("double star in the middle, none", "/ci/**/db", "/ci", "db", true),
                row("double star in the middle, name differs", "/ci/**/db", "/ci/a", "db2", false),
                row("everything", "/**", "/any/where", "x", true));
    }

    private static Arguments row(String name, String pattern, String folder, String secret, boolean expected) {
        return Arguments.of(Named.of(name, pattern), folder, secret, expected);
    }

    @ParameterizedTest
    @MethodSource
    void matches(String pattern, String folder, String name, boolean expected) {
        SecretPathPattern p = SecretPathPattern.parse("path", pattern);
        assertThat(p.matches(SecretNames.segments("f", folder), name)).isEqualTo(expected);
    }

    static Stream<Arguments> mayListWithin() {
        return Stream.of(
                Arguments.of(Named.of("the grant's own folder", "/ci/prod/app/*"), "/ci/prod/app", true),
                Arguments.of(Named.of("an ancestor of the grant", "/ci/prod/app/*"), "/ci", true),
                Arguments.of(Named.of("below a single star", "/ci/prod/app/*"), "/ci/prod/app/sub", false),
                Arguments.of(Named.of("a sibling", "/ci/prod/app/*"), "/ci/prod/other", false),
                Arguments.of(Named.of("deep below a double star", "/ci/shared/**"), "/ci/shared/a/b", true),
                Arguments.of(Named.of("a sibling of a double star", "/ci/shared/**"), "/ci/sharedx", false),
                Arguments.of(Named.of("an exact secret's folder", "/ci/prod/app/db"), "/ci/prod/app", true),
                Arguments.of(
                        Named.of("an exact secret's name as folder", "/ci/prod/app/db"), "/ci/prod/app/db", false));
    }

    @ParameterizedTest
    @MethodSource
    void mayListWithin(String pattern, String folder, boolean expected) {
        SecretPathPattern p = SecretPathPattern.parse("path", pattern);
        assertThat(p.mayMatchWithin(SecretNames.segments("f", folder))).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "ci/prod",
                "/ci/../prod/*",
                "/ci/./x",
                "/ci//x",
                "/ci/x/",
                "/ci/***",
                "/ci/a**",
                "/ci/\u0430",
                "/ci/a b",
                "/ci/a\\b",
                "/ci/%2e%2e",
                "/ci/.",
                "/ci/..",
                "/a/b/c/d/e/f/g/h/i/j/k/l"
            })
    void refusesPatternsThatCouldEscapeOrAreNotInTheGrammar(String pattern) {
        assertThatThrownBy(() -> SecretPathPattern.parse("secrets[0].path", pattern))
                .isInstanceOfSatisfying(InvalidNameException.class, e -> {
                    assertThat(e.field()).isEqualTo("secrets[0].path");
                    assertThat(e.getMessage()).doesNotContain(pattern.isEmpty() ? "\u0001" : pattern);
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"/ci/prod/app/..", "/ci/./app", "//ci", "/ci/", "ci", "/ci/\u202eprod", "/ci/pr\u043ed"})
    void folderGrammarRefusesTraversalAndLookAlikes(String folder) {
        assertThatThrownBy(() -> SecretNames.folder("path", folder)).isInstanceOf(InvalidNameException.class);
    }

    @ParameterizedTest
    @MethodSource
    void decides(String role, SecretAction action, String folder, String name, boolean expected) {
        List<PolicyRules> policies = List.of(
                policy("a", List.of("deploy"), grant("/ci/prod/app/*", SecretAction.LIST, SecretAction.REVEAL)),
                policy("b", List.of("deploy", "ops"), grant("/ci/shared/**", SecretAction.LIST)),
                policy("c", List.of("ops"), grant("/ops/key", SecretAction.REVEAL)));
        assertThat(SecretPolicyEngine.allows(role, action, SecretNames.segments("f", folder), name, policies))
                .isEqualTo(expected);
    }

    static Stream<Arguments> decides() {
        return Stream.of(
                Arguments.of(Named.of("granted reveal", "deploy"), SecretAction.REVEAL, "/ci/prod/app", "db", true),
                Arguments.of(Named.of("list-only grant", "deploy"), SecretAction.REVEAL, "/ci/shared", "x", false),
                Arguments.of(Named.of("list grant", "ops"), SecretAction.LIST, "/ci/shared/a", "x", true),
                Arguments.of(Named.of("another role's grant", "ops"), SecretAction.REVEAL, "/ci/prod/app", "db", false),
                Arguments.of(Named.of("exact grant", "ops"), SecretAction.REVEAL, "/ops", "key", true),
                Arguments.of(Named.of("no policy", "nobody"), SecretAction.LIST, "/ci/shared", "x", false));
    }

    private static SecretGrantRule grant(String path, SecretAction... actions) {
        return new SecretGrantRule(SecretPathPattern.parse("path", path), Set.of(actions));
    }

    private static PolicyRules policy(String name, List<String> roles, SecretGrantRule grant) {
        return new PolicyRules(
                name,
                roles,
                List.of(),
                Map.of(),
                List.of(),
                Duration.ofMinutes(15),
                Duration.ofMinutes(5),
                null,
                List.of(),
                List.of(),
                List.of(grant));
    }
}
