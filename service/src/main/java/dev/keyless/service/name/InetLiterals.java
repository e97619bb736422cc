package dev.keyless.service.name;

import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * Strict parsers for IP literals and CIDR blocks. Hand-written rather than {@code
 * InetAddress.getByName}, which falls back to a DNS lookup for anything it does not recognise and
 * accepts forms (zones, short IPv4) that ssh and sshd read differently.
 */
public final class InetLiterals {
    private static final Pattern OCTET = Pattern.compile("0|[1-9][0-9]{0,2}");
    private static final Pattern HEXTET = Pattern.compile("[0-9A-Fa-f]{1,4}");

    private InetLiterals() {}

    /** The 4 bytes of a dotted-quad literal without leading zeros, or null. */
    static byte[] ipv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (!OCTET.matcher(parts[i]).matches()) {
                return null;
            }
            int v = Integer.parseInt(parts[i]);
            if (v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }

    /** The 16 bytes of an IPv6 literal (RFC 4291 §2.2, no zone, no brackets), or null. */
    static byte[] ipv6(String text) {
        if (text.isEmpty() || text.length() > 45) {
            return null;
        }
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        String head = gap >= 0 ? text.substring(0, gap) : text;
        String tail = gap >= 0 ? text.substring(gap + 2) : "";
        byte[] headBytes = groups(head, gap < 0);
        byte[] tailBytes = gap >= 0 ? groups(tail, true) : new byte[0];
        if (headBytes == null || tailBytes == null) {
            return null;
        }
        int used = headBytes.length + tailBytes.length;
        if (gap < 0 ? used != 16 : used > 14) {
            return null;
        }
        byte[] out = new byte[16];
        System.arraycopy(headBytes, 0, out, 0, headBytes.length);
        System.arraycopy(tailBytes, 0, out, 16 - tailBytes.length, tailBytes.length);
        return out;
    }

    /**
     * Checks a CIDR block ({@code addr/len}) or a bare address (a host block); host bits must be
     * zero, as OpenSSH's {@code source-address} parser requires. Returns the block with a prefix
     * length, or null when it is not valid.
     */
    public static String cidr(String text) {
        int slash = text.indexOf('/');
        String addr = slash < 0 ? text : text.substring(0, slash);
        byte[] bytes = addr.indexOf(':') >= 0 ? ipv6(addr) : ipv4(addr);
        if (bytes == null) {
            return null;
        }
        int max = bytes.length * 8;
        int len = max;
        if (slash >= 0) {
            String lenText = text.substring(slash + 1);
            if (!OCTET.matcher(lenText).matches() || Integer.parseInt(lenText) > max) {
                return null;
            }
            len = Integer.parseInt(lenText);
        }
        for (int bit = len; bit < max; bit++) {
            if ((bytes[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
                return null;
            }
        }
        return addr + "/" + len;
    }

    /** Colon-separated hextets; only the last group of a full run may be an embedded IPv4. */
    private static byte[] groups(String part, boolean mayEndWithIpv4) {
        if (part.isEmpty()) {
            return new byte[0];
        }
        String[] items = part.split(":", -1);
        byte[] out = new byte[items.length * 2 + 2];
        int n = 0;
        for (int i = 0; i < items.length; i++) {
            String item = items[i];
            if (i == items.length - 1 && mayEndWithIpv4 && item.indexOf('.') >= 0) {
                byte[] v4 = ipv4(item);
                if (v4 == null) {
                    return null;
                }
                System.arraycopy(v4, 0, out, n, 4);
                n += 4;
            } else if (HEXTET.matcher(item).matches()) {
                int v = Integer.parseInt(item, 16);
                out[n++] = (byte) (v >>> 8);
                out[n++] = (byte) v;
            } else {
                return null;
            }
        }
        return Arrays.copyOf(out, n);
    }
}
