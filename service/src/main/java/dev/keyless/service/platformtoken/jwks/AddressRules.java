package dev.keyless.service.platformtoken.jwks;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/**
 * Which network addresses the service may fetch from on an admin's behalf. Without this rule a
 * JWKS URL is a port scanner and a reader of cloud metadata: the service would connect wherever
 * an admin points it, from inside the network. Refused: loopback, private (RFC 1918, fc00::/7),
 * link-local (169.254/16 with the metadata address, fe80::/10), shared (100.64/10), unspecified,
 * multicast, broadcast and reserved ranges, and the same addresses embedded in IPv6 (IPv4-mapped,
 * -compatible, NAT64, 6to4). The operator opts in with {@code keyless.jwks.allow-private-addresses}
 * when the issuers really are internal.
 *
 * <p>Applied twice: to the URL's literal host when a connection is written (so odd encodings such
 * as {@code 2130706433}, {@code 0x7f.1} or {@code 127.1} are refused with a field error), and to
 * every address a host name resolves to when it is fetched ({@link CheckedDnsResolver}), so a name
 * pointing inside, or re-pointed there later, is caught too.
 */
public final class AddressRules {
    public static final String REFUSED = "the URL's host is a loopback, private, link-local or otherwise internal"
            + " address, which the service does not fetch from (keyless.jwks.allow-private-addresses)";

    private AddressRules() {}

    /** Whether the service may connect to this address when private addresses are not allowed. */
    public static boolean isPublic(InetAddress address) {
        if (address instanceof Inet4Address) {
            return isPublicV4(address.getAddress());
        }
        byte[] a = address.getAddress();
        if (address.isAnyLocalAddress()
                || address.isLoopbackAddress()
                || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() // fec0::/10, deprecated but routable inside sites
                || address.isMulticastAddress()
                || (a[0] & 0xfe) == 0xfc) { // fc00::/7 unique local
            return false;
        }
        if (isZero(a, 0, 10) && ((a[10] == 0 && a[11] == 0) || (a[10] == (byte) 0xff && a[11] == (byte) 0xff))) {
            // ::a.b.c.d (compatible) and ::ffff:a.b.c.d (mapped): judged by the IPv4 address.
            return isPublicV4(slice(a, 12));
        }
        if (a[0] == 0x00 && a[1] == 0x64 && a[2] == (byte) 0xff && a[3] == (byte) 0x9b && isZero(a, 4, 12)) {
            return isPublicV4(slice(a, 12)); // 64:ff9b::/96 NAT64
        }
        if (a[0] == 0x20 && a[1] == 0x02) {
            return isPublicV4(slice(a, 2)); // 2002::/16 6to4
        }
        return !(address instanceof Inet6Address v6 && v6.getScopeId() != 0);
    }

    private static boolean isPublicV4(byte[] a) {
        int b0 = a[0] & 0xff;
        int b1 = a[1] & 0xff;
        return !(b0 == 0 // this network, 0.0.0.0
                || b0 == 10
                || b0 == 127
                || (b0 == 100 && (b1 & 0xc0) == 64) // 100.64/10 shared address space
                || (b0 == 169 && b1 == 254) // link-local, cloud metadata
                || (b0 == 172 && (b1 & 0xf0) == 16)
                || (b0 == 192 && b1 == 168)
                || (b0 == 192 && b1 == 0 && (a[2] & 0xff) == 0) // 192.0.0/24 protocol assignments
                || (b0 == 198 && (b1 & 0xfe) == 18) // 198.18/15 benchmarking
                || b0 >= 224); // multicast, reserved, broadcast
    }

    /**
     * Refuses a URL whose host is, by its text alone, an internal address or a loopback name. Host
     * names are not resolved here: what a name resolves to is checked when it is fetched.
     */
    public static void checkLiteralHost(String field, URI uri) {
        if (uri.getHost() == null) {
            // java.net.URI finds no host in forms such as 127.1 or 0x7f.1, which resolvers accept.
            throw new InvalidProviderSettingsException(field, REFUSED);
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (host.equals("localhost") || host.endsWith(".localhost")) {
            throw new InvalidProviderSettingsException(field, REFUSED);
        }
        Optional<InetAddress> literal = literal(host);
        if (literal.isPresent() && !isPublic(literal.get())) {
            throw new InvalidProviderSettingsException(field, REFUSED);
        }
    }

    /**
     * The address a host's text denotes without DNS: a bracketed IPv6 literal, or an IPv4 address
     * in any form the C resolver accepts (one to four parts, each decimal, octal with a leading 0, or
     * hex with 0x), since the resolver would turn {@code 0x7f.1} into 127.0.0.1 without asking DNS.
     */
    static Optional<InetAddress> literal(String host) {
        try {
            if (host.startsWith("[") && host.endsWith("]")) {
                // A literal with ':' is parsed by getByName and never looked up; an unparsable one
                // (a zone id, say) stands for nothing the service should reach.
                return Optional.of(InetAddress.getByName(host.substring(1, host.length() - 1)));
            }
            byte[] v4 = inetAton(host);
            return v4 == null ? Optional.empty() : Optional.of(InetAddress.getByAddress(v4));
        } catch (UnknownHostException e) {
            return Optional.of(InetAddress.getLoopbackAddress());
        }
    }

    /** inet_aton(3): the 4 bytes, or null when the text is not a numeric IPv4 address. */
    static byte[] inetAton(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length > 4) {
            return null;
        }
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            Long v = number(parts[i]);
            if (v == null) {
                return null;
            }
            values[i] = v;
        }
        long address = 0;
        for (int i = 0; i < parts.length - 1; i++) {
            if (values[i] > 0xff) {
                return null;
            }
            address |= values[i] << (24 - 8 * i);
        }
        long last = values[parts.length - 1];
        if (last >= 1L << (8 * (5 - parts.length))) {
            return null;
        }
        address |= last;
        return new byte[] {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
    }

    private static Long number(String part) {
        String p = part.toLowerCase(Locale.ROOT);
        int radix = 10;
        if (p.startsWith("0x")) {
            p = p.substring(2);
            radix = 16;
        } else if (p.length() > 1 && p.startsWith("0")) {
            p = p.substring(1);
            radix = 8;
        }
        if (p.isEmpty() ? radix != 16 : p.length() > 12 || !p.matches("[0-9a-f]+")) {
            return null;
        }
        if (p.isEmpty()) {
            return 0L; // "0x" alone is 0 to inet_aton
        }
        try {
            return Long.parseLong(p, radix);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static boolean isZero(byte[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] slice(byte[] a, int from) {
        byte[] out = new byte[4];
        System.arraycopy(a, from, out, 0, 4);
        return out;
    }
}
