package dev.keyless.service.policy;

import java.util.Set;

/** A validated {@code secrets[]} entry of a policy: a path pattern and the actions it grants. */
public record SecretGrantRule(SecretPathPattern path, Set<SecretAction> actions) {
    public SecretGrantRule {
        actions = Set.copyOf(actions);
    }
}
