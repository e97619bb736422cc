package dev.keyless.service.policy;

import java.util.List;

/**
 * Pure evaluation of the secret grants of policies: no storage, no clock, thread-safe. A role may
 * take an action on a secret when some policy lists the role and has a grant with that action whose
 * pattern matches the secret's full path. No grant means no access.
 */
public final class SecretPolicyEngine {
    private SecretPolicyEngine() {}

    /** Whether {@code role} may take {@code action} on secret {@code name} in {@code folder}. */
    public static boolean allows(
            String role, SecretAction action, List<String> folder, String name, List<PolicyRules> policies) {
        for (PolicyRules policy : policies) {
            if (!policy.roles().contains(role)) {
                continue;
            }
            for (SecretGrantRule grant : policy.secrets()) {
                if (grant.actions().contains(action) && grant.path().matches(folder, name)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether some grant could let {@code role} list a secret in {@code folder} or below; decided
     * from the policies alone, before the folder is looked up, so a refusal says nothing about
     * what the folder holds.
     */
    public static boolean mayListWithin(String role, List<String> folder, List<PolicyRules> policies) {
        for (PolicyRules policy : policies) {
            if (!policy.roles().contains(role)) {
                continue;
            }
            for (SecretGrantRule grant : policy.secrets()) {
                if (grant.actions().contains(SecretAction.LIST) && grant.path().mayMatchWithin(folder)) {
                    return true;
                }
            }
        }
        return false;
    }
}
