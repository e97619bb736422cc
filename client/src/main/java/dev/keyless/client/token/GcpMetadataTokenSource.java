package dev.keyless.client.token;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Google Cloud (GCE, GKE workload identity, Cloud Run, Cloud Build): the metadata server's
 * identity endpoint {@code .../instance/service-accounts/default/identity?audience=AUD&format=full}
 * with {@code Metadata-Flavor: Google}; the answer body is the JWT. The base URL is overridable
 * for tests and for {@code GCE_METADATA_HOST}. Every fetch mints a new token.
 */
public final class GcpMetadataTokenSource implements PlatformTokenSource {
    public static final URI DEFAULT_BASE = URI.create("http://metadata.google.internal");
    private static final String PATH = "/computeMetadata/v1/instance/service-accounts/default/identity";

    private final URI base;
    private final TokenHttp http;

    public GcpMetadataTokenSource(URI base, TokenHttp http) {
        String s = base.toString();
        this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        this.http = http;
    }

    @Override
    public String name() {
        return "gcp";
    }

    @Override
    public String describe() {
        return "GCP metadata server (" + base.getHost() + ")";
    }

    @Override
    public String fetch(String audience) {
        if (audience == null || audience.isBlank()) {
            throw new TokenSourceException(
                    TokenSourceException.Reason.NOT_CONFIGURED,
                    "the GCP metadata server needs an audience",
                    "set --audience or KEYLESS_AUDIENCE");
        }
        URI uri = URI.create(
                base + PATH + "?audience=" + URLEncoder.encode(audience, StandardCharsets.UTF_8) + "&format=full");
        return http.send("GCP metadata", uri, "GET", null, Map.of("Metadata-Flavor", "Google"))
                .strip();
    }
}
