package dev.keyless.service.observability;

import java.net.InetAddress;
import java.util.Optional;

/** An address block such as {@code 10.0.0.0/8} or {@code fd00::/8}; a bare address is a /32 or /128. */
@SuppressWarnings("ArrayRecordComponent") // the bytes are the value; equality is not used
record Cidr(byte[] network, int prefix) {

    static Cidr parse(String text) {
        String t = text.strip();
        int slash = t.indexOf('/');
        String address = slash < 0 ? t : t.substring(0, slash);
        InetAddress parsed = IpLiteral.parse(address)
                .orElseThrow(() -> new IllegalArgumentException("not an IP address or CIDR block: " + text));
        byte[] bytes = parsed.getAddress();
        int prefix;
        try {
            prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(t.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a CIDR prefix length: " + text, e);
        }
        if (prefix < 0 || prefix > bytes.length * 8) {
            throw new IllegalArgumentException("CIDR prefix length out of range: " + text);
        }
        return new Cidr(bytes, prefix);
    }

    boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (network[full] & mask);
    }

    /** IP literals only: a host name here would mean a DNS lookup per request. */
    static final class IpLiteral {
        private static final java.util.regex.Pattern V4 = java.util.regex.Pattern.compile(
                "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}");
        private static final java.util.regex.Pattern V6 = java.util.regex.Pattern.compile("[0-9A-Fa-f:.]{2,45}");

        private IpLiteral() {}

        static Optional<InetAddress> parse(String text) {
            if (text == null) {
                return Optional.empty();
            }
            boolean v4 = V4.matcher(text).matches();
            boolean v6 = !v4 && text.indexOf(':') >= 0 && V6.matcher(text).matches();
            if (!v4 && !v6) {
                return Optional.empty();
            }
            try {
                // A literal of these shapes is parsed without any name lookup.
                return Optional.of(InetAddress.getByName(text));
            } catch (java.net.UnknownHostException e) {
                return Optional.empty();
            }
        }
    }
}
