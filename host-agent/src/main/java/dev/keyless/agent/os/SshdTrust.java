package dev.keyless.agent.os;

import java.util.Collection;
import java.util.List;

/** What sshd trusts: user CA keys, per-user principals, the KRL, the host certificate. */
public interface SshdTrust {
    /** Writes the CA keys and KRL, then the drop-in; validates with {@code sshd -t} and reloads. */
    void install(List<String> userCaKeys, Collection<String> revokedSerials);

    /** Replaces the user CA keys (and rebuilds the KRL, which is scoped to them). */
    void updateUserCaKeys(List<String> userCaKeys, Collection<String> revokedSerials);

    /** Rebuilds the KRL with exactly these serials; sshd reads it on the next authentication, no reload. */
    void updateRevokedSerials(Collection<String> revokedSerials);

    /** Makes sshd read its configuration and host certificate again. */
    void reload();

    /** Writes the principals file of {@code user}; its only line is {@code principal}. */
    void writePrincipals(String user, String principal);

    /** Removes the principals file of {@code user}; returns false when there was none. */
    boolean removePrincipals(String user);

    /** Users that have a principals file. */
    List<String> principalUsers();
}
