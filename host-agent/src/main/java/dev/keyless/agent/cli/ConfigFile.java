package dev.keyless.agent.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code /etc/keyless/agent.conf}: defaults for the options of every subcommand, one {@code name =
 * value} per line (Java properties), the name being the long option without its dashes, e.g.
 * {@code sshd-pid-file = /run/sshd.pid}. An option on the command line wins. A name that no
 * subcommand has is an error, so a typo does not silently leave a default in place.
 */
public final class ConfigFile implements IDefaultValueProvider {
    /** The packaged file; {@code KEYLESS_AGENT_CONFIG} names another one. */
    public static final Path DEFAULT = Path.of("/etc/keyless/agent.conf");

    private final Map<String, String> values;

    private ConfigFile(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    /** The settings in {@code file}, none when it does not exist. */
    public static ConfigFile load(Path file, CommandLine root) {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (NoSuchFileException e) {
            return new ConfigFile(Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
        Set<String> known = optionNames(root);
        Map<String, String> values = new TreeMap<>();
        for (String name : properties.stringPropertyNames()) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException(file + ": unknown setting '" + name.replaceAll("\\p{Cntrl}", "?")
                        + "' (known: " + String.join(", ", known) + ")");
            }
            values.put(name, properties.getProperty(name).strip());
        }
        return new ConfigFile(values);
    }

    @Override
    public String defaultValue(ArgSpec argument) {
        if (argument instanceof OptionSpec option && option.longestName().startsWith("--")) {
            return values.get(option.longestName().substring(2));
        }
        return null;
    }

    private static Set<String> optionNames(CommandLine root) {
        Set<String> names = new TreeSet<>();
        for (CommandLine command : root.getSubcommands().values()) {
            for (OptionSpec option : command.getCommandSpec().options()) {
                if (option.longestName().startsWith("--") && !option.usageHelp() && !option.versionHelp()) {
                    names.add(option.longestName().substring(2));
                }
            }
        }
        // The token never belongs in a file other than the one --token-file names.
        names.remove("token");
        return names;
    }
}
