package dev.keyless.action;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ActionMainTest {
    static Map<String, String> complete() {
        Map<String, String> env = new HashMap<>();
        env.put("INPUT_SERVICE_URL", "http://127.0.0.1:9");
        env.put("INPUT_CONNECTION", "github");
        env.put("INPUT_SERVERS", "web-01");
        env.put("INPUT_RUN", "true");
        return env;
    }

    static List<String> run(Map<String, String> env, int expectedExit) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = ActionMain.run(env, new PrintStream(bytes, true, StandardCharsets.UTF_8), Instant.now());
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(exit).as(String.join("\n", lines)).isEqualTo(expectedExit);
        return lines;
    }

    @ParameterizedTest(name = "{0} missing")
    @CsvSource({"INPUT_SERVICE_URL,service-url", "INPUT_CONNECTION,connection", "INPUT_SERVERS,servers", "INPUT_RUN,run"
    })
    void aMissingRequiredInputIsAnErrorAnnotationAndExitTwo(String variable, String input) {
        Map<String, String> env = complete();
        env.remove(variable);
        assertThat(run(env, 2))
                .containsExactly("::error title=Keyless%3A input::input required and not supplied: " + input);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            blank counts as missing | INPUT_CONNECTION | '  '  | input required and not supplied: connection
            unknown shell           | INPUT_SHELL      | zsh   | input 'shell' must be one of [bash, sh], got 'zsh'
            debug not a boolean     | INPUT_DEBUG      | yes   | input 'debug' must be true or false (YAML 1.2 core schema), got 'yes'
            not a URL               | INPUT_SERVICE_URL| keyless.example.com | input 'service-url' must be an http(s) URL, got 'keyless.example.com'
            secret without a name   | INPUT_SECRETS    | /ci/app/db | input 'secrets': a secret binding must read ENV_NAME=/folder/name, not '/ci/app/db'
            secret of the job       | INPUT_SECRETS    | PATH=/ci/app/db | input 'secrets': 'PATH' is used by the job itself; choose another variable name
            secret without folder   | INPUT_SECRETS    | DB=db | input 'secrets': the secret of DB must be /folder/name (an absolute folder, then the secret's name)
            """)
    void invalidInputsNameTheInput(String name, String variable, String value, String message) {
        Map<String, String> env = complete();
        env.put(variable, value);
        assertThat(run(env, 2)).contains("::error title=Keyless%3A input::" + message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            no request url   | ACTIONS_ID_TOKEN_REQUEST_URL
            no request token | ACTIONS_ID_TOKEN_REQUEST_TOKEN
            """)
    void aMissingIdTokenPermissionSaysSo(String name, String absent) {
        Map<String, String> env = complete();
        env.put("ACTIONS_ID_TOKEN_REQUEST_URL", "http://127.0.0.1:9/token?x=1");
        env.put("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "request-token-secret");
        env.remove(absent);
        List<String> lines = run(env, 2);
        assertThat(lines.stream().filter(l -> l.startsWith("::error")))
                .singleElement()
                .asString()
                .startsWith("::error title=Keyless%3A id-token-permission::")
                .contains("permissions: id-token: write");
        assertThat(lines.stream().filter(l -> l.contains("request-token-secret")))
                .allMatch(l -> l.equals("::add-mask::request-token-secret"));
    }
}
