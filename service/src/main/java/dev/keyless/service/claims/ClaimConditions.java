package dev.keyless.service.claims;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A validated set of claim conditions (a connection's {@code required_claims} or a role's {@code
 * claims}); all must hold.
 *
 * <p>Condition values: a string is exact unless it holds an unescaped {@code *} or {@code ?}, which
 * make it a glob ({@code \*}, {@code \?} and {@code \\} are literal); a number or boolean compares
 * by value with a claim of that type; a string also matches a number or boolean claim by its
 * canonical text ({@code "12"} matches {@code 12}); a list matches when any entry does. A claim
 * whose value is a list matches when any element does. Objects and null never match. Comparison is
 * by exact code points, never normalised, so look-alike characters do not match.
 *
 * <p>Immutable and thread-safe.
 */
public final class ClaimConditions {
    static final int MAX_NAME = 256;
    static final int MAX_STRING = 1024;
    static final int MAX_LIST = 100;
    static final int MAX_CONDITIONS = 100;

    private static final ClaimConditions NONE = new ClaimConditions(List.of());

    private record Entry(String name, ClaimPath path, Condition condition) {}

    private final List<Entry> entries;

    private ClaimConditions(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** No conditions: everything matches. */
    public static ClaimConditions none() {
        return NONE;
    }

    /**
     * Validates conditions as an admin wrote them (JSON decoded to plain Java).
     *
     * @param raw claim name to condition; null means none
     * @throws InvalidConditionException naming the claim of the first invalid condition
     */
    public static ClaimConditions parse(Map<String, ?> raw) {
        if (raw == null || raw.isEmpty()) {
            return NONE;
        }
        if (raw.size() > MAX_CONDITIONS) {
            throw new InvalidConditionException("", "at most " + MAX_CONDITIONS + " claim conditions are allowed");
        }
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, ?> e : raw.entrySet()) {
            String name = checkName(e.getKey());
            entries.add(new Entry(name, ClaimPath.parse(name), condition(name, e.getValue(), true)));
        }
        return new ClaimConditions(entries);
    }

    /** The conditions these claims fail, in configuration order; empty when all hold. */
    public List<ClaimMismatch> mismatches(Map<String, ?> claims) {
        List<ClaimMismatch> failed = new ArrayList<>();
        for (Entry e : entries) {
            Optional<Object> value = e.path().resolve(claims);
            if (value.isEmpty() || !e.condition().matches(value.get())) {
                failed.add(new ClaimMismatch(e.name(), e.condition().pattern()));
            }
        }
        return List.copyOf(failed);
    }

    /** Whether every condition holds. */
    public boolean matches(Map<String, ?> claims) {
        return mismatches(claims).isEmpty();
    }

    /** Claim names in configuration order. */
    public Set<String> names() {
        Map<String, Boolean> names = new LinkedHashMap<>();
        entries.forEach(e -> names.put(e.name(), true));
        return names.keySet();
    }

    /** The configured pattern for a claim name, as reported in mismatches. */
    public Optional<String> pattern(String name) {
        return entries.stream()
                .filter(e -> e.name().equals(name))
                .map(e -> e.condition().pattern())
                .findFirst();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    private static String checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidConditionException("", "a claim name must not be empty");
        }
        if (name.length() > MAX_NAME) {
            throw new InvalidConditionException(
                    name.substring(0, 32) + "...", "a claim name must be at most " + MAX_NAME + " characters");
        }
        if (hasControl(name)) {
            throw new InvalidConditionException("", "a claim name must not contain control characters");
        }
        return name;
    }

    private static Condition condition(String name, Object value, boolean listAllowed) {
        if (value instanceof String s) {
            return string(name, s);
        }
        if (value instanceof Boolean b) {
            return new Condition.BooleanValue(b);
        }
        if (value instanceof Number n) {
            return number(name, n);
        }
        if (value instanceof List<?> list) {
            if (!listAllowed) {
                throw new InvalidConditionException(name, "a list condition must not contain lists");
            }
            return list(name, list);
        }
        if (value instanceof Map<?, ?>) {
            throw new InvalidConditionException(name, "a condition must not be an object");
        }
        throw new InvalidConditionException(name, "a condition must be a string, number, boolean or list");
    }

    private static Condition list(String name, List<?> list) {
        if (list.isEmpty()) {
            throw new InvalidConditionException(name, "a list condition must not be empty");
        }
        if (list.size() > MAX_LIST) {
            throw new InvalidConditionException(name, "a list condition must have at most " + MAX_LIST + " entries");
        }
        List<Condition> entries = new ArrayList<>();
        for (Object v : list) {
            entries.add(condition(name, v, false));
        }
        return new Condition.AnyOf(entries);
    }

    private static Condition number(String name, Number n) {
        boolean known = n instanceof Integer
                || n instanceof Long
                || n instanceof Short
                || n instanceof Byte
                || n instanceof Double
                || n instanceof Float
                || n instanceof BigDecimal
                || n instanceof BigInteger;
        BigDecimal d = known ? Condition.decimal(n) : null;
        if (d == null) {
            throw new InvalidConditionException(name, "a number condition must be a finite number");
        }
        return new Condition.NumberValue(d);
    }

    private static Condition string(String name, String s) {
        if (s.length() > MAX_STRING) {
            throw new InvalidConditionException(name, "a condition must be at most " + MAX_STRING + " characters");
        }
        if (hasControl(s)) {
            throw new InvalidConditionException(name, "a condition must not contain control characters");
        }
        int[] cps = s.codePoints().toArray();
        List<Integer> tokens = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        boolean glob = false;
        for (int i = 0; i < cps.length; i++) {
            int c = cps[i];
            if (c == '\\' && i + 1 < cps.length && (cps[i + 1] == '*' || cps[i + 1] == '?' || cps[i + 1] == '\\')) {
                c = cps[++i];
                tokens.add(c);
                literal.appendCodePoint(c);
            } else if (c == '*' || c == '?') {
                glob = true;
                // Consecutive stars are one star; keeps the matcher's work predictable.
                if (c == '*' && !tokens.isEmpty() && tokens.get(tokens.size() - 1) == GlobPattern.ANY_RUN) {
                    continue;
                }
                tokens.add(c == '*' ? GlobPattern.ANY_RUN : GlobPattern.ANY_ONE);
            } else {
                tokens.add(c);
                literal.appendCodePoint(c);
            }
        }
        if (!glob) {
            return new Condition.Exact(literal.toString(), s);
        }
        return new Condition.Glob(
                new GlobPattern(tokens.stream().mapToInt(Integer::intValue).toArray()), s);
    }

    private static boolean hasControl(String s) {
        return s.codePoints().anyMatch(Character::isISOControl);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClaimConditions c && entries.equals(c.entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return "ClaimConditions" + names();
    }
}
