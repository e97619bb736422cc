package dev.keyless.cli;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Option defaults from {@code KEYLESS_*} variables of the injected environment: {@code --service-url}
 * from {@code KEYLESS_SERVICE_URL} (else its old name {@code KEYLESS_ADDR}), {@code --team} from
 * {@code KEYLESS_TEAM}, and so on ({@code --role} and {@code --role-hint} both from {@code
 * KEYLESS_ROLE}). A flag on the command line wins.
 */
final class EnvDefaults implements IDefaultValueProvider {
    private static final Map<String, String> SPECIAL = Map.of("role-hint", "KEYLESS_ROLE", "server", "KEYLESS_SERVERS");

    /** Older names still read, after the variable of {@link #variableFor}. */
    private static final Map<String, String> ALIASES = Map.of("service-url", "KEYLESS_ADDR");

    static final Set<String> CONFIGURABLE = Set.of(
            "service-url",
            "team",
            "ca-bundle",
            "connection",
            "audience",
            "role-hint",
            "server",
            "token-source",
            "id-token-variable",
            "ready-timeout",
            "output",
            "debug");

    private final Map<String, String> env;

    EnvDefaults(Map<String, String> env) {
        this.env = env;
    }

    static String variableFor(String longName) {
        String name = longName.replaceFirst("^--", "");
        return SPECIAL.getOrDefault(
                name, "KEYLESS_" + name.toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    /**
     * Whether the option takes its default from the environment: a configurable name whose help
     * says so. The help is the contract: an admin filter named {@code --server} does not read
     * {@code KEYLESS_SERVERS}, which is meant for {@code exec}.
     */
    static boolean fromEnv(OptionSpec option) {
        String name = option.longestName().replaceFirst("^--", "");
        if (!CONFIGURABLE.contains(name) || READING_HELP.get()) {
            return false;
        }
        // Reading the description interpolates ${DEFAULT-VALUE}, which asks this provider again.
        READING_HELP.set(true);
        try {
            return String.join(" ", option.description()).contains("env " + variableFor(option.longestName()));
        } finally {
            READING_HELP.set(false);
        }
    }

    private static final ThreadLocal<Boolean> READING_HELP = ThreadLocal.withInitial(() -> false);

    @Override
    public String defaultValue(ArgSpec arg) {
        if (arg instanceof OptionSpec option && fromEnv(option)) {
            String value = env.get(variableFor(option.longestName()));
            if (value != null && !value.isBlank()) {
                return value;
            }
            String alias = ALIASES.get(option.longestName().replaceFirst("^--", ""));
            String old = alias == null ? null : env.get(alias);
            if (old != null && !old.isBlank()) {
                return old;
            }
        }
        return arg.defaultValue();
    }
}
