package dev.keyless.testkit.gitlab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * A CI/CD component template read the way GitLab reads one: a {@code spec:} header document and
 * the job document, with {@code $[[ inputs.NAME ]]} interpolated into the parsed values (not the
 * text), after each input is checked against its type, regex, options and default.
 *
 * <p>GitLab is not available here, so this is a stand-in for its interpolation, written to its
 * documented rules; the rules it applies are the ones a pipeline would hit first.
 */
public final class ComponentTemplate {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\[\\[\\s*inputs\\.([A-Za-z0-9_-]+)\\s*]]");

    public final Map<String, Map<String, Object>> inputs;
    public final Map<String, Object> body;

    private ComponentTemplate(Map<String, Map<String, Object>> inputs, Map<String, Object> body) {
        this.inputs = inputs;
        this.body = body;
    }

    @SuppressWarnings("unchecked") // YAML documents are maps of maps, checked as they are used
    public static ComponentTemplate load(Path file) throws IOException {
        List<Object> documents = new ArrayList<>();
        new Yaml(new SafeConstructor(new LoaderOptions()))
                .loadAll(Files.readString(file))
                .forEach(documents::add);
        if (documents.size() != 2) {
            throw new IllegalArgumentException("a component template has a spec document and a job document");
        }
        Map<String, Object> spec = (Map<String, Object>) ((Map<String, Object>) documents.get(0)).get("spec");
        return new ComponentTemplate(
                (Map<String, Map<String, Object>>) spec.get("inputs"), (Map<String, Object>) documents.get(1));
    }

    /** The job document with the inputs interpolated; refuses inputs GitLab would refuse. */
    public Map<String, Object> render(Map<String, Object> given) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (String name : given.keySet()) {
            if (!inputs.containsKey(name)) {
                throw new IllegalArgumentException("unknown input: " + name);
            }
        }
        inputs.forEach((name, def) -> values.put(name, value(name, def, given)));
        @SuppressWarnings("unchecked")
        Map<String, Object> rendered = (Map<String, Object>) interpolate(body, values);
        rendered.forEach(ComponentTemplate::checkVariables);
        return rendered;
    }

    /**
     * GitLab refuses a job whose variable values are not text or numbers ("variables config should
     * be a hash of key value pairs"). An input that is a variable's whole value keeps its type, so a
     * boolean or array input placed there breaks every pipeline that includes the component.
     */
    private static void checkVariables(String job, Object definition) {
        if (!(definition instanceof Map<?, ?> map) || !(map.get("variables") instanceof Map<?, ?> variables)) {
            return;
        }
        variables.forEach((name, value) -> {
            Object plain = value instanceof Map<?, ?> expanded ? expanded.get("value") : value;
            if (!(plain instanceof String || plain instanceof Number)) {
                throw new IllegalArgumentException("jobs:" + job + ":variables:" + name
                        + " config should be a string or a number, not "
                        + (plain == null ? "null" : plain.getClass().getSimpleName()));
            }
        });
    }

    private static Object value(String name, Map<String, Object> def, Map<String, Object> given) {
        Object value = given.containsKey(name) ? given.get(name) : def.get("default");
        if (value == null && !def.containsKey("default")) {
            throw new IllegalArgumentException("`" + name + "` input: required value has not been provided");
        }
        String type = (String) def.getOrDefault("type", "string");
        boolean typeOk =
                switch (type) {
                    case "string" -> value instanceof String;
                    case "boolean" -> value instanceof Boolean;
                    case "number" -> value instanceof Number;
                    case "array" -> value instanceof List<?>;
                    default -> false;
                };
        if (!typeOk) {
            throw new IllegalArgumentException("`" + name + "` input: provided value is not a " + type);
        }
        if (def.get("regex") instanceof String regex
                && !Pattern.compile(regex).matcher((String) value).find()) {
            throw new IllegalArgumentException(
                    "`" + name + "` input: provided value does not match required RegEx pattern");
        }
        if (def.get("options") instanceof List<?> options && !options.contains(value)) {
            throw new IllegalArgumentException("`" + name + "` input: `" + value
                    + "` cannot be used because it is not in the list of allowed options");
        }
        return value;
    }

    private static Object interpolate(Object node, Map<String, Object> values) {
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put((String) interpolate(k, values), interpolate(v, values)));
            return out;
        }
        if (node instanceof List<?> list) {
            return list.stream().map(v -> interpolate(v, values)).toList();
        }
        if (node instanceof String s) {
            Matcher whole = REFERENCE.matcher(s);
            if (whole.matches()) {
                return values.get(whole.group(1));
            }
            Matcher m = REFERENCE.matcher(s);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(out, Matcher.quoteReplacement(String.valueOf(values.get(m.group(1)))));
            }
            m.appendTail(out);
            return out.toString();
        }
        return node;
    }
}
