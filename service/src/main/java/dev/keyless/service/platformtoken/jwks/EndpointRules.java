package dev.keyless.service.platformtoken.jwks;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;

/**
 * The URL rule for issuers and key endpoints: absolute https, no user info or fragment; plain http
 * only for loopback hosts (127.0.0.0/8, ::1, localhost), which never leave the machine. Hosts are
 * judged by their literal text, never resolved. Which addresses may be fetched from at all (not
 * loopback, unless the operator allows private addresses) is {@link AddressRules}.
 */
public final class EndpointRules {
    /** URLs that are only fetched, never stored (discovery documents, discovered key sets). */
    static final int MAX_LENGTH = 2048;

    /** An issuer is stored in {@code workload_connection.issuer VARCHAR(512)}. */
    public static final int MAX_ISSUER_LENGTH = 512;

    /** A JWKS URL is stored in {@code workload_connection.jwks_uri VARCHAR(1024)}. */
    public static final int MAX_JWKS_URI_LENGTH = 1024;

    private EndpointRules() {}

    /** Parses and checks a URL for {@code field}; issuers also may not carry a query. */
    public static URI check(String field, String value, boolean allowQuery) {
        return check(field, value, allowQuery, MAX_LENGTH);
    }

    /** The same, for a URL that is stored and so must fit its column of {@code maxLength}. */
    public static URI check(String field, String value, boolean allowQuery, int maxLength) {
        if (value == null || value.isBlank()) {
            throw new InvalidProviderSettingsException(field, "a URL is required");
        }
        if (value.length() > maxLength) {
            throw new InvalidProviderSettingsException(field, "the URL is longer than " + maxLength + " characters");
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new InvalidProviderSettingsException(field, "the URL is not valid");
        }
        if (!uri.isAbsolute()
                || uri.getHost() == null
                || uri.getRawUserInfo() != null
                || uri.getRawFragment() != null) {
            throw new InvalidProviderSettingsException(
                    field, "the URL must be absolute with a host and no user info or fragment");
        }
        if (!allowQuery && uri.getRawQuery() != null) {
            throw new InvalidProviderSettingsException(field, "the URL must not have a query");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https") || (scheme.equals("http") && isLoopback(uri.getHost()))) {
            return uri;
        }
        throw new InvalidProviderSettingsException(field, "the URL must use https (http only on loopback)");
    }

    static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("localhost")) {
            return true;
        }
        if (h.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) {
            String[] octets = h.split("\\.");
            return Integer.parseInt(octets[0]) == 127
                    && Arrays.stream(octets).allMatch(o -> Integer.parseInt(o) <= 255);
        }
        if (h.startsWith("[") && h.endsWith("]")) {
            try {
                // A bracketed literal holds ':' so getByName parses it and never asks DNS.
                return InetAddress.getByName(h.substring(1, h.length() - 1)).isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return false;
    }
}
