package dev.keyless.service.claims;

import java.util.Arrays;

/**
 * A glob over code points: {@code *} is any run (also empty, also across {@code /}), {@code ?} is
 * exactly one code point, everything else is literal. Matching is iterative with a single
 * backtrack point, so it runs in O(pattern x value) time at worst and never recurses: no regular
 * expression is built from admin input.
 */
final class GlobPattern {
    static final int ANY_RUN = -1;
    static final int ANY_ONE = -2;

    private final int[] tokens;

    GlobPattern(int[] tokens) {
        this.tokens = tokens.clone();
    }

    boolean matches(String value) {
        int[] text = value.codePoints().toArray();
        int t = 0;
        int p = 0;
        int starP = -1;
        int starT = 0;
        while (t < text.length) {
            if (p < tokens.length && (tokens[p] == ANY_ONE || tokens[p] == text[t])) {
                p++;
                t++;
            } else if (p < tokens.length && tokens[p] == ANY_RUN) {
                starP = p++;
                starT = t;
            } else if (starP >= 0) {
                // Let the last star swallow one more code point and retry from there.
                p = starP + 1;
                t = ++starT;
            } else {
                return false;
            }
        }
        while (p < tokens.length && tokens[p] == ANY_RUN) {
            p++;
        }
        return p == tokens.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GlobPattern g && Arrays.equals(tokens, g.tokens);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(tokens);
    }
}
