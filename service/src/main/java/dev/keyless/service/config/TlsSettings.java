package dev.keyless.service.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Maps {@code KEYLESS_TLS_CERT} (PEM certificate chain, leaf first) and {@code KEYLESS_TLS_KEY}
 * (PEM private key, PKCS#8 or traditional; unencrypted, so keep it 0600) onto Micronaut's PEM key
 * store: the service then serves HTTPS only, on {@code MICRONAUT_SERVER_SSL_PORT} (default 8443).
 * One without the other is refused at start rather than silently serving plain HTTP.
 */
public final class TlsSettings {
    private TlsSettings() {}

    public static Map<String, Object> fromEnvironment(Map<String, String> env) {
        Map<String, Object> props = new HashMap<>();
        String cert = blankToNull(env.get("KEYLESS_TLS_CERT"));
        String key = blankToNull(env.get("KEYLESS_TLS_KEY"));
        if (cert == null && key == null) {
            return props;
        }
        if (cert == null || key == null) {
            throw new IllegalArgumentException("KEYLESS_TLS_CERT and KEYLESS_TLS_KEY must be set together");
        }
        for (String file : new String[] {cert, key}) {
            if (!Files.isReadable(Path.of(file))) {
                throw new IllegalArgumentException("TLS file is not readable: " + file);
            }
        }
        props.put("micronaut.server.ssl.enabled", true);
        props.put("micronaut.server.ssl.key-store.certificate-path", "file:" + cert);
        props.put("micronaut.server.ssl.key-store.key-path", "file:" + key);
        props.put("micronaut.server.ssl.protocols", "TLSv1.3,TLSv1.2");
        return props;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
