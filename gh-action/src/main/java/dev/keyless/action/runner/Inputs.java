package dev.keyless.action.runner;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Action inputs from the environment. JavaScript actions get {@code INPUT_<NAME>} with the name
 * upper-cased and spaces turned into {@code _} (hyphens kept); a composite action maps its inputs
 * itself, and this one uses {@code _} for hyphens ({@code service-url} → {@code INPUT_SERVICE_URL})
 * because shells cannot read a variable with a hyphen. Both spellings are accepted here.
 */
public final class Inputs {
    private final Map<String, String> env;

    public Inputs(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** The variable name this action's {@code action.yml} uses for {@code input}. */
    public static String variable(String input) {
        return "INPUT_" + input.toUpperCase(Locale.ROOT).replace(' ', '_').replace('-', '_');
    }

    /** The trimmed value, empty if unset or blank. */
    public Optional<String> get(String input) {
        String v = env.get(variable(input));
        if (v == null) {
            v = env.get("INPUT_" + input.toUpperCase(Locale.ROOT).replace(' ', '_'));
        }
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
    }

    /** The value, or the default. */
    public String get(String input, String defaultValue) {
        return get(input).orElse(defaultValue);
    }

    /** The value, or {@link MissingInputException}. */
    public String required(String input) {
        return get(input).orElseThrow(() -> new MissingInputException(input));
    }

    /** YAML 1.2 core schema booleans, as {@code core.getBooleanInput}; anything else is an error. */
    public boolean bool(String input, boolean defaultValue) {
        Optional<String> v = get(input);
        if (v.isEmpty()) {
            return defaultValue;
        }
        return switch (v.get()) {
            case "true", "True", "TRUE" -> true;
            case "false", "False", "FALSE" -> false;
            default -> throw new IllegalArgumentException(
                    "input '" + input + "' must be true or false (YAML 1.2 core schema), got '" + v.get() + "'");
        };
    }

    /** A required input is missing or blank. */
    public static final class MissingInputException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final String input;

        public MissingInputException(String input) {
            super("input required and not supplied: " + input);
            this.input = input;
        }

        public String input() {
            return input;
        }
    }
}
