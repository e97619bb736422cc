package dev.keyless.service.connection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyless.protocol.AdminRole;
import dev.keyless.service.admin.AdminFacts;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ApprovalVerifierTest {
    private static final Instant PROPOSED = Instant.parse("2026-12-01T12:00:00Z");
    private static final Instant BEFORE = PROPOSED.minusSeconds(60);

    private static AdminFacts security(String name, String owner, Instant created) {
        return new AdminFacts(name, AdminRole.SECURITY_ADMIN, owner, created);
    }

    /** ops (owned by bootstrap) proposed the settings of a connection it created. */
    private static ApprovalVerifier.Proposal byOps() {
        return new ApprovalVerifier.Proposal(
                "github",
                Optional.of(new AdminFacts("ops", AdminRole.DEVOPS_ADMIN, "bootstrap", BEFORE)),
                "ops",
                PROPOSED);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(Named.of("the hand-over admin", security("sec2", "sec2", BEFORE)), byOps(), null),
                Arguments.of(
                        Named.of("a devops admin", new AdminFacts("ops2", AdminRole.DEVOPS_ADMIN, "sec2", BEFORE)),
                        byOps(),
                        "approver-not-security-admin"),
                Arguments.of(
                        Named.of("the proposer", security("sec2", "sec2", BEFORE)),
                        new ApprovalVerifier.Proposal(
                                "github", Optional.of(security("sec2", "sec2", BEFORE)), "ops", PROPOSED),
                        "approver-is-proposer"),
                Arguments.of(
                        Named.of("the creator", security("sec2", "sec2", BEFORE)),
                        new ApprovalVerifier.Proposal(
                                "github", Optional.of(security("bootstrap", "bootstrap", BEFORE)), "sec2", PROPOSED),
                        "approver-is-creator"),
                Arguments.of(
                        Named.of("the proposer's creator", security("bootstrap", "bootstrap", BEFORE)),
                        byOps(),
                        "approver-shares-owner"),
                Arguments.of(
                        Named.of("a sibling of the proposer", security("sec-evil", "bootstrap", BEFORE)),
                        byOps(),
                        "approver-shares-owner"),
                Arguments.of(
                        Named.of("an admin created at the proposal", security("sec3", "sec2", PROPOSED)),
                        byOps(),
                        "approver-newer-than-proposal"),
                Arguments.of(
                        Named.of(
                                "an admin created after the proposal",
                                security("sec3", "sec2", PROPOSED.plusMillis(1))),
                        byOps(),
                        "approver-newer-than-proposal"),
                Arguments.of(
                        Named.of("anyone, when the proposer is unknown", security("sec2", "sec2", BEFORE)),
                        new ApprovalVerifier.Proposal("github", Optional.empty(), "ops", PROPOSED),
                        "proposer-unknown"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void appliesTheFourEyesRulesInOrder(AdminFacts approver, ApprovalVerifier.Proposal proposal, String rule) {
        assertThat(ApprovalVerifier.check(approver, proposal).map(ApprovalVerifier.Refusal::rule))
                .isEqualTo(Optional.ofNullable(rule));
    }
}
