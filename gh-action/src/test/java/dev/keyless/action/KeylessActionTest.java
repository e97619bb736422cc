package dev.keyless.action;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KeylessActionTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            hosted runner         | /home/runner/work/_temp                                       | true
            self-hosted, short    | /opt/actions-runner/_work/_temp                               | true
            too deep for a socket | /srv/ci/actions-runner-with-a-rather-long-name/builds/acme/_work/_temp | false
            """)
    void usesRunnerTempOnlyWhenTheAgentSocketPathFits(String name, String runnerTemp, boolean used) {
        Path chosen = KeylessAction.tempRoot(Path.of(runnerTemp));
        assertThat(chosen).isEqualTo(used ? Path.of(runnerTemp) : null);
    }
}
