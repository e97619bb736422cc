package dev.keyless.service.audit.stream;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The sinks the settings turn on; a sink is on when its destination is set. */
final class Sinks {
    private Sinks() {}

    static List<AuditSink> configured(StreamSettings s) throws IOException {
        List<AuditSink> sinks = new ArrayList<>();
        if (s.string("syslog.host").isPresent()) {
            sinks.add(new SyslogSink(
                    s.string("syslog.name").orElse("syslog"),
                    new SyslogSink.Target(
                            s.required("syslog.host"),
                            s.integer("syslog.port", s.flag("syslog.tls") ? 6514 : 514),
                            s.flag("syslog.tls"),
                            TlsTrust.context(s.path("syslog.ca-file"))),
                    new Rfc5424(
                            Rfc5424.facility(s.string("syslog.facility").orElse("authpriv")),
                            s.string("syslog.app-name").orElse("keyless"),
                            Rfc5424.localHostname())));
        }
        if (s.string("relp.host").isPresent()) {
            String host = s.required("relp.host");
            sinks.add(new RelpSink(
                    s.string("relp.name").orElse("relp"),
                    new RelpSink.Target(host, s.integer("relp.port", 2514), relpTls(s, host)),
                    new Rfc5424(
                            Rfc5424.facility(s.string("relp.facility").orElse("authpriv")),
                            s.string("relp.app-name").orElse("keyless"),
                            Rfc5424.localHostname()),
                    s.duration("relp.timeout", java.time.Duration.ofSeconds(10))));
        }
        if (s.string("file.path").isPresent()) {
            sinks.add(new FileSink(
                    s.string("file.name").orElse("file"),
                    new FileSink.Rotation(
                            s.path("file.path").orElseThrow(),
                            sizeBytes(s.string("file.max-size").orElse("100MB")),
                            s.duration("file.max-age", java.time.Duration.ofDays(1)),
                            s.integer("file.keep", 10)),
                    RecordFormat.named(s.string("file.format").orElse("json"))));
        }
        if (s.string("webhook.url").isPresent()) {
            URI url = URI.create(s.required("webhook.url"));
            if (!"https".equals(url.getScheme()) && !s.flag("webhook.allow-http")) {
                throw new IllegalArgumentException(
                        StreamSettings.PREFIX + "webhook.url must be https (or set webhook.allow-http)");
            }
            sinks.add(new WebhookSink(
                    s.string("webhook.name").orElse("webhook"),
                    url,
                    s.string("webhook.token").orElse(null),
                    TlsTrust.context(s.path("webhook.ca-file")),
                    s.duration("webhook.timeout", java.time.Duration.ofSeconds(10)),
                    RecordFormat.named(s.string("webhook.format").orElse("json"))));
        }
        for (AuditSink sink : sinks) {
            if (!sink.name().matches("[a-z0-9][a-z0-9_.-]{0,62}")) {
                throw new IllegalArgumentException(
                        "audit sink name '" + sink.name() + "' must match [a-z0-9][a-z0-9_.-]{0,62}");
            }
        }
        return sinks;
    }

    /**
     * RELP's TLS, or none; the TLS files without {@code relp.tls} are refused rather than ignored, so
     * a forgotten flag never sends the audit trail in clear text.
     */
    private static Optional<RelpSink.Tls> relpTls(StreamSettings s, String host) throws IOException {
        boolean filesSet = s.string("relp.ca-file").isPresent()
                || s.string("relp.cert-file").isPresent()
                || s.string("relp.key-file").isPresent()
                || s.string("relp.server-name").isPresent();
        if (!s.flag("relp.tls")) {
            if (filesSet) {
                throw new IllegalArgumentException(
                        StreamSettings.PREFIX + "relp.ca-file, cert-file, key-file and server-name need relp.tls=true");
            }
            return Optional.empty();
        }
        return Optional.of(new RelpSink.Tls(
                TlsTrust.context(s.path("relp.ca-file"), s.path("relp.cert-file"), s.path("relp.key-file")),
                s.string("relp.server-name").orElse(host)));
    }

    /** {@code 100MB}, {@code 512KB}, {@code 1GB} or a plain number of bytes. */
    static long sizeBytes(String value) {
        String v = value.trim().toUpperCase(Locale.ROOT);
        long unit = 1;
        for (String[] u : new String[][] {{"GB", "1073741824"}, {"MB", "1048576"}, {"KB", "1024"}, {"B", "1"}}) {
            if (v.endsWith(u[0])) {
                unit = Long.parseLong(u[1]);
                v = v.substring(0, v.length() - u[0].length()).trim();
                break;
            }
        }
        long n = Long.parseLong(v);
        if (n < 1) {
            throw new IllegalArgumentException(StreamSettings.PREFIX + "file.max-size must be positive");
        }
        return Math.multiplyExact(n, unit);
    }
}
