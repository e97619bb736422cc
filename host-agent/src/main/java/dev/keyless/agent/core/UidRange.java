package dev.keyless.agent.core;

/** An inclusive range of uids reserved for just-in-time accounts, e.g. 60000-60999. */
public record UidRange(int first, int last) {
    public static final UidRange DEFAULT = new UidRange(60_000, 60_999);

    public UidRange {
        if (first < 1000 || last < first) {
            throw new IllegalArgumentException("uid range must be first >= 1000 and last >= first");
        }
    }

    public boolean contains(int uid) {
        return uid >= first && uid <= last;
    }

    /** Parses {@code FIRST-LAST}. */
    public static UidRange parse(String text) {
        String[] parts = text.split("-", 2);
        if (parts.length != 2) {
            throw new IllegalArgumentException("uid range must be FIRST-LAST");
        }
        return new UidRange(Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()));
    }
}
