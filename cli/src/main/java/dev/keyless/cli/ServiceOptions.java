package dev.keyless.cli;

import dev.keyless.client.KeylessClient;
import dev.keyless.client.http.EnvProxySelector;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where the service is: {@code --service-url} (the word the action, component and Jenkins step use;
 * {@code --addr} and {@code KEYLESS_ADDR} are kept as aliases), {@code --team}, {@code --ca-bundle}.
 */
public final class ServiceOptions {
    @Option(
            names = {"--service-url", "--addr"},
            paramLabel = "URL",
            description = "Service URL, e.g. https://keyless.example.com (env KEYLESS_SERVICE_URL; alias --addr,"
                    + " KEYLESS_ADDR).")
    String addr;

    @Option(
            names = "--team",
            paramLabel = "TEAM",
            defaultValue = "default",
            description = "Team (env KEYLESS_TEAM; default ${DEFAULT-VALUE}).")
    String team;

    @Option(
            names = "--ca-bundle",
            paramLabel = "PEM",
            description = "PEM file of CAs to trust for the service's TLS (env KEYLESS_CA_BUNDLE).")
    Path caBundle;

    public String team() {
        return team;
    }

    public Path caBundle() {
        return caBundle;
    }

    public URI uri() {
        if (addr == null || addr.isBlank()) {
            throw new UsageException("no service URL: pass --service-url or set KEYLESS_SERVICE_URL");
        }
        try {
            URI uri = URI.create(addr.strip());
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("no scheme or host");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new UsageException("--service-url is not a URL like https://keyless.example.com");
        }
    }

    KeylessClient client(Context ctx) {
        return KeylessClient.builder(uri(), team)
                .env(ctx.env())
                .caBundle(caBundle)
                .build();
    }

    /** The proxy that calls to the service go through, for {@code doctor} and hints. */
    Optional<String> proxy(Context ctx) {
        return EnvProxySelector.fromEnv(ctx.env()).proxyFor(uri()).map(a -> a.getHostString() + ":" + a.getPort());
    }
}
