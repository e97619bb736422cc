package dev.keyless.action;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyless.action.runner.Inputs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** {@code action.yml}, the README and the jar agree on inputs, defaults and outputs. */
class ActionMetadataTest {
    static final Path ACTION = Path.of("action.yml");
    static final Path README = Path.of("README.md");

    @SuppressWarnings("unchecked")
    static Map<String, Object> action() throws Exception {
        return (Map<String, Object>) new Yaml().load(Files.readString(ACTION));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> section(String name) throws Exception {
        return (Map<String, Map<String, Object>>) action().get(name);
    }

    /** Rows of the README table that follows {@code heading}: first cell (unquoted) to the cells. */
    static Map<String, List<String>> readmeTable(String heading) throws Exception {
        String text = Files.readString(README);
        String after = text.substring(text.indexOf(heading + "\n"));
        Map<String, List<String>> rows = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^\\| `([a-z-]+)` \\|(.*)\\|$").matcher(after);
        int end = after.indexOf("\n## ", 1);
        while (m.find() && (end < 0 || m.start() < end)) {
            rows.put(
                    m.group(1),
                    List.of(m.group(2).split("\\|", -1)).stream()
                            .map(String::strip)
                            .toList());
        }
        return rows;
    }

    @Test
    void readmeInputsTableMatchesActionYml() throws Exception {
        Map<String, Map<String, Object>> inputs = section("inputs");
        Map<String, List<String>> table = readmeTable("## Inputs");
        assertThat(table.keySet()).containsExactlyElementsOf(inputs.keySet());
        inputs.forEach((name, spec) -> {
            List<String> row = table.get(name);
            boolean required = Boolean.TRUE.equals(spec.get("required"));
            assertThat(row.get(0)).as(name + " required").isEqualTo(required ? "yes" : "no");
            String def = spec.get("default") == null ? "" : spec.get("default").toString();
            String expected = required ? "" : "`" + (def.isEmpty() ? "''" : def) + "`";
            assertThat(row.get(1)).as(name + " default").isEqualTo(expected);
            assertThat(String.valueOf(spec.get("description"))).as(name).hasSizeGreaterThan(30);
        });
    }

    @Test
    void readmeOutputsTableMatchesActionYmlAndNoOutputIsAToken() throws Exception {
        Map<String, Map<String, Object>> outputs = section("outputs");
        assertThat(readmeTable("## Outputs").keySet()).containsExactlyElementsOf(outputs.keySet());
        assertThat(outputs.keySet()).containsExactly("principal", "session-ids");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theJarStepGetsEveryInputTheJarReads() throws Exception {
        Map<String, Object> runs = (Map<String, Object>) action().get("runs");
        assertThat(runs.get("using")).isEqualTo("composite");
        List<Map<String, Object>> steps = (List<Map<String, Object>>) runs.get("steps");
        assertThat(String.valueOf(steps.get(0).get("uses"))).matches("actions/setup-java@[0-9a-f]{40}");
        assertThat(steps.get(0).get("if")).isEqualTo("inputs.setup-java == 'true'");
        Map<String, Object> jarStep = steps.get(1);
        assertThat(String.valueOf(jarStep.get("run"))).contains("-jar \"$GITHUB_ACTION_PATH/keyless-action.jar\"");
        Map<String, String> env = (Map<String, String>) jarStep.get("env");
        Map<String, String> expected = new LinkedHashMap<>();
        section("inputs").keySet().stream()
                .filter(name -> !name.equals("java-version") && !name.equals("setup-java"))
                .forEach(name -> expected.put(Inputs.variable(name), "${{ inputs." + name + " }}"));
        assertThat(env).containsExactlyInAnyOrderEntriesOf(expected);
    }
}
