package dev.keyless.service.claims;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One parsed condition value. A typed condition (number, boolean) matches only a claim of the same
 * JSON type and equal value; a string condition matches string claims and the canonical text of
 * number and boolean claims, because platforms disagree on types (GitLab's {@code runner_id} is a
 * number, GitHub sends ids as strings) and admins write {@code "1234"} either way.
 */
sealed interface Condition {

    /** Whether a single claim value satisfies this condition; a list claim needs one element. */
    default boolean matches(Object claimValue) {
        if (claimValue instanceof List<?> list) {
            return list.stream().anyMatch(this::matchesScalar);
        }
        return matchesScalar(claimValue);
    }

    boolean matchesScalar(Object value);

    /** The configured pattern as text, for mismatch reports. */
    String pattern();

    /** An exact string; {@code configured} keeps the admin's escapes for reporting. */
    record Exact(String value, String configured) implements Condition {
        @Override
        public boolean matchesScalar(Object claim) {
            String text = Condition.canonicalText(claim);
            // String.equals compares UTF-16 units exactly: no normalisation, so look-alikes differ.
            return text != null && text.equals(value);
        }

        @Override
        public String pattern() {
            return configured;
        }
    }

    record Glob(GlobPattern glob, String configured) implements Condition {
        @Override
        public boolean matchesScalar(Object claim) {
            String text = Condition.canonicalText(claim);
            return text != null && glob.matches(text);
        }

        @Override
        public String pattern() {
            return configured;
        }
    }

    record NumberValue(BigDecimal value) implements Condition {
        @Override
        public boolean matchesScalar(Object claim) {
            if (!(claim instanceof Number n)) {
                return false;
            }
            BigDecimal actual = Condition.decimal(n);
            return actual != null && actual.compareTo(value) == 0;
        }

        @Override
        public String pattern() {
            return value.stripTrailingZeros().toPlainString();
        }
    }

    record BooleanValue(boolean value) implements Condition {
        @Override
        public boolean matchesScalar(Object claim) {
            return claim instanceof Boolean b && b == value;
        }

        @Override
        public String pattern() {
            return Boolean.toString(value);
        }
    }

    /** "Any of": a list condition. Entries are scalar conditions, never nested lists. */
    record AnyOf(List<Condition> entries) implements Condition {
        public AnyOf {
            entries = List.copyOf(entries);
        }

        @Override
        public boolean matches(Object claimValue) {
            return entries.stream().anyMatch(e -> e.matches(claimValue));
        }

        @Override
        public boolean matchesScalar(Object claim) {
            return entries.stream().anyMatch(e -> e.matchesScalar(claim));
        }

        @Override
        public String pattern() {
            return entries.stream().map(AnyOf::json).collect(Collectors.joining(",", "[", "]"));
        }

        private static String json(Condition c) {
            if (c instanceof Exact || c instanceof Glob) {
                return '"' + c.pattern().replace("\\", "\\\\").replace("\"", "\\\"") + '"';
            }
            return c.pattern();
        }
    }

    /** Text a string condition compares with, or null when the claim is not a scalar. */
    static String canonicalText(Object claim) {
        if (claim instanceof String s) {
            return s;
        }
        if (claim instanceof Boolean b) {
            return b.toString();
        }
        if (claim instanceof Number n) {
            BigDecimal d = decimal(n);
            return d == null ? null : d.stripTrailingZeros().toPlainString();
        }
        return null;
    }

    static BigDecimal decimal(Number n) {
        if (n instanceof BigDecimal d) {
            return d;
        }
        if (n instanceof BigInteger i) {
            return new BigDecimal(i);
        }
        if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            return Double.isFinite(d) ? BigDecimal.valueOf(d) : null;
        }
        return BigDecimal.valueOf(n.longValue());
    }
}
