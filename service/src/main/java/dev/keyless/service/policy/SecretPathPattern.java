package dev.keyless.service.policy;

import dev.keyless.service.name.InvalidNameException;
import dev.keyless.service.name.SecretNames;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A policy's secret path: an exact secret path ({@code /ci/prod/app/db-password}) or a pattern.
 * Matched against a secret's full path, its folder's segments followed by its name, segment by
 * segment:
 *
 * <ul>
 *   <li>a literal segment matches itself ({@link SecretNames}' segment grammar);
 *   <li>{@code *} alone matches any one segment; inside a segment ({@code db-*}) it matches any
 *       run of segment characters, never a {@code /};
 *   <li>{@code **} alone matches any number of whole segments; at the end of a pattern, at least
 *       one (what is inside the folder before it).
 * </ul>
 *
 * <p>So a grant cannot escape its folder: no glob matches across a {@code /}, no segment can be
 * {@code ..}, and the names it is matched against have the same strict grammar. Immutable and
 * thread-safe.
 */
public final class SecretPathPattern {
    static final int MAX_LENGTH = 384;
    static final int MAX_SEGMENTS = SecretNames.MAX_DEPTH + 1;
    static final String RULE = "must be an absolute secret path whose segments match [A-Za-z0-9._-]+ and may use"
            + " * (within one segment) or ** (whole segments); no empty, . or .. segments; at most "
            + MAX_SEGMENTS + " segments and " + MAX_LENGTH + " characters";
    private static final Pattern GLOB_SEGMENT = Pattern.compile("[A-Za-z0-9._*-]{1,64}");
    private static final Pattern LITERAL_SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final String text;
    /** Null for {@code **}; otherwise the segment's compiled form. */
    private final List<Pattern> segments;

    private SecretPathPattern(String text, List<Pattern> segments) {
        this.text = text;
        this.segments = segments;
    }

    /** Parses a pattern, or throws {@link InvalidNameException} naming {@code field} and the rule. */
    public static SecretPathPattern parse(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw new InvalidNameException(field, "is required");
        }
        if (value.length() > MAX_LENGTH || value.charAt(0) != '/') {
            throw new InvalidNameException(field, RULE);
        }
        String[] parts = value.substring(1).split("/", -1);
        if (parts.length > MAX_SEGMENTS) {
            throw new InvalidNameException(field, RULE);
        }
        List<Pattern> compiled = new ArrayList<>();
        for (String part : parts) {
            compiled.add(segment(field, part));
        }
        return new SecretPathPattern(value, java.util.Collections.unmodifiableList(compiled));
    }

    private static Pattern segment(String field, String part) {
        if (part.equals("**")) {
            return null;
        }
        if (part.indexOf('*') < 0) {
            if (!LITERAL_SEGMENT.matcher(part).matches()) {
                throw new InvalidNameException(field, RULE);
            }
            return Pattern.compile(Pattern.quote(part));
        }
        if (!GLOB_SEGMENT.matcher(part).matches() || part.contains("**")) {
            throw new InvalidNameException(field, RULE);
        }
        StringBuilder regex = new StringBuilder();
        int start = 0;
        for (int star = part.indexOf('*'); star >= 0; star = part.indexOf('*', start)) {
            if (star > start) {
                regex.append(Pattern.quote(part.substring(start, star)));
            }
            regex.append(SecretNames.SEGMENT_CHARS).append('*');
            start = star + 1;
        }
        if (start < part.length()) {
            regex.append(Pattern.quote(part.substring(start)));
        }
        return Pattern.compile(regex.toString());
    }

    /** Whether the secret {@code name} in the folder of these segments matches. */
    public boolean matches(List<String> folder, String name) {
        List<String> path = new ArrayList<>(folder);
        path.add(name);
        BitSet states = consume(path);
        return states.get(segments.size());
    }

    /**
     * Whether some secret in {@code folder} or below it could match: the list check for a folder,
     * made before anything about the folder's content is read.
     */
    public boolean mayMatchWithin(List<String> folder) {
        BitSet states = consume(folder);
        // A secret adds at least its name: a live state must still have a segment to match it.
        return states.nextSetBit(0) >= 0 && states.nextSetBit(0) < segments.size();
    }

    /** The pattern positions alive after matching {@code path}, {@code **} closures included. */
    private BitSet consume(List<String> path) {
        BitSet states = closure(single(0));
        for (String segment : path) {
            BitSet next = new BitSet();
            for (int i = states.nextSetBit(0); i >= 0 && i < segments.size(); i = states.nextSetBit(i + 1)) {
                Pattern p = segments.get(i);
                if (p == null) {
                    next.set(i); // ** takes this segment and may take more
                    if (i == segments.size() - 1) {
                        next.set(i + 1); // a final ** has taken the one segment it needs
                    }
                } else if (p.matcher(segment).matches()) {
                    next.set(i + 1);
                }
            }
            states = closure(next);
            if (states.isEmpty()) {
                break;
            }
        }
        return states;
    }

    /**
     * Adds, for each state at a {@code **}, the state after it ({@code **} matching nothing). A
     * final {@code **} must match at least one segment: {@code /ci/shared/**} is what is inside
     * {@code /ci/shared}, never the secret named {@code shared} in {@code /ci}.
     */
    private BitSet closure(BitSet states) {
        BitSet out = (BitSet) states.clone();
        for (int i = 0; i < segments.size() - 1; i++) {
            if (out.get(i) && segments.get(i) == null) {
                out.set(i + 1);
            }
        }
        return out;
    }

    private static BitSet single(int i) {
        BitSet b = new BitSet();
        b.set(i);
        return b;
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SecretPathPattern p && p.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
