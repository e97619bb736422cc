package dev.keyless.gitlab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyless.testkit.gitlab.ComponentTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ComponentTemplateTest {
    static final String SHA = "a".repeat(64);
    ComponentTemplate template;

    @BeforeAll
    void load() throws Exception {
        template = ComponentTemplate.load(Path.of("templates/ssh.yml"));
    }

    static Map<String, Object> required() {
        Map<String, Object> inputs = new HashMap<>();
        inputs.put("service_url", "https://keyless.example.com");
        inputs.put("connection", "gitlab-prod");
        inputs.put("servers", "web-01 web-02");
        inputs.put("script", "ssh web-01 sudo systemctl restart app\nssh web-02 uptime");
        inputs.put("audience", "https://keyless.example.com");
        inputs.put("cli_sha256", SHA);
        return inputs;
    }

    @Test
    @SuppressWarnings("unchecked")
    void rendersAJobThatAsksForAnIdTokenWithTheAudience() {
        Map<String, Object> inputs = required();
        inputs.put("role", "deployer");
        inputs.put("job_name", "deploy web");
        Map<String, Object> rendered = template.render(inputs);
        assertThat(rendered).containsOnlyKeys("deploy web");
        Map<String, Object> job = (Map<String, Object>) rendered.get("deploy web");
        assertThat(job.get("stage")).isEqualTo("deploy");
        assertThat(job.get("image")).isEqualTo("eclipse-temurin:17-jre");
        Map<String, Object> idTokens = (Map<String, Object>) job.get("id_tokens");
        assertThat(((Map<String, Object>) idTokens.get("KEYLESS_ID_TOKEN")).get("aud"))
                .isEqualTo("https://keyless.example.com");
        Map<String, Object> variables = (Map<String, Object>) job.get("variables");
        assertThat(variables)
                .containsEntry("KEYLESS_ROLE", "deployer")
                .containsEntry("KEYLESS_SERVERS", "web-01 web-02")
                .containsEntry("KEYLESS_TEAM", "default")
                .containsEntry("KEYLESS_SCRIPT", "ssh web-01 sudo systemctl restart app\nssh web-02 uptime");
        assertThat(variables.values())
                .as("GitLab takes variable values as text")
                .allMatch(String.class::isInstance);
        assertThat(job.get("script").toString())
                .contains("exec --token-source gitlab --id-token-variable KEYLESS_ID_TOKEN")
                .contains("if [ \"false\" = \"true\" ]; then set -- \"$@\" --debug; fi")
                .doesNotContain("$[[");
    }

    @Test
    @SuppressWarnings("unchecked")
    void withoutAudienceAndCliInputsTheServiceUrlIsTheAudienceAndTheServiceServesTheCli() {
        Map<String, Object> inputs = required();
        inputs.remove("audience");
        inputs.remove("cli_sha256");
        Map<String, Object> job = (Map<String, Object>) template.render(inputs).get("keyless-ssh");
        Map<String, Object> idTokens = (Map<String, Object>) job.get("id_tokens");
        // GitLab expands variables in id_tokens:aud (16.1+) and in job variables.
        assertThat(((Map<String, Object>) idTokens.get("KEYLESS_ID_TOKEN")).get("aud"))
                .isEqualTo("$KEYLESS_SERVICE_URL");
        Map<String, Object> variables = (Map<String, Object>) job.get("variables");
        assertThat(variables)
                .containsEntry("KEYLESS_SERVICE_URL", "https://keyless.example.com")
                .containsEntry("KEYLESS_AUDIENCE", "$KEYLESS_SERVICE_URL")
                .containsEntry("KEYLESS_CLI_URL", "")
                .containsEntry("KEYLESS_CLI_SHA256", "");
        assertThat(job.get("script").toString())
                .contains("KEYLESS_CLI_URL=\"${KEYLESS_CLI_URL:-$keyless_downloads/keyless.jar}\"")
                .contains("\"$keyless_downloads/SHA256SUMS\"")
                .contains("openssh-client");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aServiceUrlAndServersMayComeFromOneCiVariable() {
        Map<String, Object> inputs = required();
        inputs.put("service_url", "$KEYLESS_TEST_SERVICE_URL");
        inputs.put("servers", "$KEYLESS_TEST_SERVERS");
        Map<String, Object> variables = (Map<String, Object>)
                ((Map<String, Object>) template.render(inputs).get("keyless-ssh")).get("variables");
        assertThat(variables)
                .containsEntry("KEYLESS_SERVICE_URL", "$KEYLESS_TEST_SERVICE_URL")
                .containsEntry("KEYLESS_SERVERS", "$KEYLESS_TEST_SERVERS");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theBooleanDebugInputBecomesTextInTheScriptNotAVariable() {
        Map<String, Object> inputs = required();
        inputs.put("debug", true);
        Map<String, Object> job = (Map<String, Object>) template.render(inputs).get("keyless-ssh");
        assertThat(job.get("script").toString()).contains("if [ \"true\" = \"true\" ]; then set -- \"$@\" --debug; fi");
    }

    @Test
    void refusesATemplateThatPutsABooleanIntoAVariable(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.yml");
        Files.writeString(
                file,
                """
                spec:
                  inputs:
                    debug:
                      type: boolean
                      default: false
                ---
                job:
                  variables:
                    DEBUG: $[[ inputs.debug ]]
                  script: [echo]
                """);
        assertThatThrownBy(() -> ComponentTemplate.load(file).render(Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("variables")
                .hasMessageContaining("DEBUG");
    }

    @Test
    void everyInputIsDescribedAndUsed() throws Exception {
        String text = Files.readString(Path.of("templates/ssh.yml"));
        template.inputs.forEach((name, def) -> {
            assertThat(def.get("description")).as(name).isInstanceOf(String.class);
            assertThat(text).as(name).contains("$[[ inputs." + name + " ]]");
        });
    }

    Stream<Arguments> refusedInputs() {
        return Stream.of(
                row("server list with a shell metacharacter", "servers", "web-01;rm -rf /"),
                row("role that is not a role name", "role", "Root"),
                row("team with a space", "team", "acme corp"),
                row("service URL that is not a URL", "service_url", "keyless.example.com; id"),
                row("checksum that is not SHA-256", "cli_sha256", "abc"),
                row("variable reference followed by a command", "servers", "$SERVERS;id"),
                row("variable reference inside a URL", "service_url", "https://$HOST/x"),
                row("boolean as a string", "debug", "yes"),
                row("input the component does not have", "token", "x"));
    }

    private static Arguments row(String name, String input, Object value) {
        return Arguments.of(Named.of(name, input), value);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedInputs")
    void refusesInputsGitLabWouldRefuse(String input, Object value) {
        Map<String, Object> inputs = required();
        inputs.put(input, value);
        assertThatThrownBy(() -> template.render(inputs))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(input);
    }

    @Test
    void refusesAMissingRequiredInput() {
        Map<String, Object> inputs = required();
        inputs.remove("connection");
        assertThatThrownBy(() -> template.render(inputs)).hasMessageContaining("`connection` input: required value");
    }
}
