package dev.keyless.service;

import dev.keyless.service.config.DataDirDefault;
import dev.keyless.service.config.DatabaseSettings;
import dev.keyless.service.config.TlsSettings;
import io.micronaut.runtime.Micronaut;

/** Starts the Keyless service. */
public final class Application {
    private Application() {}

    public static void main(String[] args) {
        String logFormat = System.getenv("KEYLESS_LOG_FORMAT");
        if (logFormat != null && !logFormat.equals("text") && !logFormat.equals("json")) {
            // Checked before the first log line: logback would otherwise start with no appender.
            System.err.println("KEYLESS_LOG_FORMAT must be text or json");
            System.exit(2);
        }
        Micronaut.build(args)
                .banner(false)
                .mainClass(Application.class)
                .properties(DatabaseSettings.fromEnvironment(System.getenv()))
                .properties(DataDirDefault.fromEnvironment(System.getenv(), System.getProperty("user.home")))
                .properties(TlsSettings.fromEnvironment(System.getenv()))
                .start();
    }
}
