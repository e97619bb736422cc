package dev.keyless.service.platformtoken.jwks;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;

/**
 * Resolves a key endpoint's host once and refuses it unless every address it resolves to is
 * public ({@link AddressRules}). The HTTP client then connects to exactly these addresses and never
 * resolves again, so a name cannot answer "public" to the check and "internal" to the connect (DNS
 * rebinding). One internal address among public ones refuses the whole name: the client might pick
 * any of them.
 */
final class CheckedDnsResolver implements DnsResolver {
    /** The host resolved to an address the rule refuses; the fetch fails as "address not allowed". */
    static final class AddressNotAllowedException extends UnknownHostException {
        private static final long serialVersionUID = 1L;

        AddressNotAllowedException() {
            super(AddressRules.REFUSED);
        }
    }

    private final boolean allowPrivate;

    CheckedDnsResolver(boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        InetAddress[] addresses = SystemDefaultDnsResolver.INSTANCE.resolve(host);
        if (!allowPrivate && !Arrays.stream(addresses).allMatch(AddressRules::isPublic)) {
            throw new AddressNotAllowedException();
        }
        return addresses;
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        // Only used for SPNEGO/Kerberos, which key fetches never do; answer without a lookup.
        return host;
    }
}
