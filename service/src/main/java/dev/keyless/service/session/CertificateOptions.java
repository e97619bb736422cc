package dev.keyless.service.session;

import dev.keyless.service.ca.SshCertificateBuilder;
import dev.keyless.service.ca.SshPublicKey;
import dev.keyless.service.name.Names;
import dev.keyless.service.policy.AccessDecision;
import dev.keyless.service.workload.WorkloadPrincipal;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The options of one session's user certificate, decided from the access token and the policy
 * decision before anything is reserved or signed (smallstep's {@code SignSSHOptions}: each option
 * is a small value that knows how to apply itself to the certificate, and is tested alone).
 *
 * <p>There is no {@code force-command}: no policy sets one; sudo rules reach the host through the
 * agent, not the certificate.
 */
record CertificateOptions(
        Identity identity, Principal principal, Validity validity, Extensions extensions, SourceAddress sourceAddress) {

    /** How far back a certificate's validity starts, for clocks of target servers running behind. */
    static final Duration BACKDATE = Duration.ofSeconds(30);

    /** One certificate option: applies itself to the certificate being built. */
    sealed interface Option permits Identity, Principal, Validity, Extensions, SourceAddress {
        void applyTo(SshCertificateBuilder certificate);
    }

    /** Serial and key id: which session a certificate (and every log line sshd writes for it) belongs to. */
    record Identity(long serial, String keyId) implements Option {
        /** The key id names team, role and session, and the CI run when the platform token named one. */
        static Identity forSession(WorkloadPrincipal who, SessionStart start) {
            String keyId = "keyless:" + who.team() + ":" + who.role() + ":" + start.id();
            return new Identity(start.serial(), who.runId() == null ? keyId : keyId + ":" + who.runId());
        }

        /** The serial as the session row, the audit event and the agent see it. */
        String serialText() {
            return Long.toUnsignedString(serial);
        }

        @Override
        public void applyTo(SshCertificateBuilder certificate) {
            certificate.serial(serial).keyId(keyId);
        }
    }

    /** The only principal: {@code wl_<role>}, the Unix account the agent creates. */
    record Principal(String name) implements Option {
        static Principal forRole(String role) {
            return new Principal(Names.principalFor(role));
        }

        @Override
        public void applyTo(SshCertificateBuilder certificate) {
            certificate.principal(name);
        }
    }

    /**
     * Backdated by {@link #BACKDATE}; ends one session TTL from now, and never later than one
     * session TTL past the access token's end.
     */
    record Validity(Instant validAfter, Instant validBefore) implements Option {
        static Validity forSession(Instant now, Instant accessTokenExpiresAt, Duration sessionTtl) {
            Instant fromNow = now.plus(sessionTtl);
            Instant fromToken = accessTokenExpiresAt.plus(sessionTtl);
            return new Validity(now.minus(BACKDATE), fromNow.isBefore(fromToken) ? fromNow : fromToken);
        }

        @Override
        public void applyTo(SshCertificateBuilder certificate) {
            certificate.validAfter(validAfter).validBefore(validBefore);
        }
    }

    /** Flag extensions from the policy decision ({@code permit-pty} and the like). */
    record Extensions(List<String> names) implements Option {
        Extensions {
            names = List.copyOf(names);
        }

        @Override
        public void applyTo(SshCertificateBuilder certificate) {
            names.forEach(certificate::extension);
        }
    }

    /** The {@code source-address} critical option; an empty list leaves the certificate unrestricted. */
    record SourceAddress(List<String> addresses) implements Option {
        SourceAddress {
            addresses = List.copyOf(addresses);
        }

        @Override
        public void applyTo(SshCertificateBuilder certificate) {
            if (!addresses.isEmpty()) {
                certificate.criticalOption(SshCertificateBuilder.SOURCE_ADDRESS, String.join(",", addresses));
            }
        }
    }

    /** The options for a session that {@code decision} grants to {@code who}. */
    static CertificateOptions decide(WorkloadPrincipal who, AccessDecision decision, SessionStart start) {
        return new CertificateOptions(
                Identity.forSession(who, start),
                Principal.forRole(who.role()),
                Validity.forSession(start.at(), who.expiresAt(), decision.sessionTtl()),
                new Extensions(decision.extensions()),
                new SourceAddress(decision.sourceAddresses()));
    }

    /**
     * A user certificate for {@code publicKey} with every option applied, validated: what is left
     * is drawing the nonce and signing, which cannot be refused.
     *
     * @throws IllegalStateException naming the broken rule, as {@link SshCertificateBuilder#validate()}
     */
    SshCertificateBuilder certificate(SshPublicKey publicKey, SecureRandom random) {
        SshCertificateBuilder certificate =
                SshCertificateBuilder.userCertificate(publicKey).random(random);
        for (Option option : List.of(identity, principal, validity, extensions, sourceAddress)) {
            option.applyTo(certificate);
        }
        return certificate.validate();
    }
}
