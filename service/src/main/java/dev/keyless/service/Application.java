package dev.keyless.service;

import dev.keyless.service.config.DataDirDefault;
import dev.keyless.service.config.DatabaseSettings;
import io.micronaut.runtime.Micronaut;

/** Starts the Keyless service. */
public final class Application {
    private Application() {}

    public static void main(String[] args) {
        Micronaut.build(args)
                .banner(false)
                .mainClass(Application.class)
                .properties(DatabaseSettings.fromEnvironment(System.getenv()))
                .properties(DataDirDefault.fromEnvironment(System.getenv(), System.getProperty("user.home")))
                .start();
    }
}
