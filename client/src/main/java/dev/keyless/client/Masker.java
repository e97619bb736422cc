package dev.keyless.client;

import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * Replaces registered secrets in text with {@code ***} before it is printed or logged: a last line
 * of defence behind the rule that secrets are never formatted into messages. Each line of a
 * multi-line secret is registered on its own (as GitHub's {@code ::add-mask::} needs). Secrets
 * shorter than 4 characters are ignored, since masking them would garble ordinary text.
 * Thread-safe.
 */
public final class Masker {
    public static final String MASK = "***";
    private static final int MIN_LENGTH = 4;

    // Longest first, so a secret that contains another is replaced whole.
    private final Set<String> secrets = new ConcurrentSkipListSet<>(
            Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()));

    /** Registers a secret (null or blank is ignored); returns it for chaining. */
    public String register(String secret) {
        if (secret == null) {
            return null;
        }
        add(secret.strip());
        for (String line : secret.split("\\R", -1)) {
            add(line.strip());
        }
        return secret;
    }

    /** The registered secrets, longest first; for integrations that must tell their platform. */
    public Set<String> secrets() {
        return Set.copyOf(secrets);
    }

    /** {@code text} with every registered secret replaced; null stays null. */
    public String mask(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String secret : secrets) {
            out = out.replace(secret, MASK);
        }
        return out;
    }

    private void add(String s) {
        if (s.length() >= MIN_LENGTH) {
            secrets.add(s);
        }
    }
}
