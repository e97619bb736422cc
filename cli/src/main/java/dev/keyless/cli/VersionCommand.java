package dev.keyless.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code keyless version}. */
@Command(
        name = "version",
        description = "Print the version.",
        footerHeading = "%nExamples:%n",
        footer = {"  keyless version"})
public final class VersionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        KeylessCli.context(spec).out().println("keyless " + version() + " (Java " + Runtime.version() + ")");
        return ExitCodes.OK;
    }

    static String version() {
        try (InputStream in = VersionCommand.class.getResourceAsStream("/keyless-version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }

    /** For {@code keyless --version}. */
    public static final class Provider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"keyless " + version()};
        }
    }
}
