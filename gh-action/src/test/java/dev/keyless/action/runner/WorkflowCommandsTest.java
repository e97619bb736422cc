package dev.keyless.action.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkflowCommandsTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            plain          | abc          | abc         | abc
            percent        | 50%          | 50%25       | 50%25
            carriage return| a\\rb        | a%0Db       | a%0Db
            line feed      | a\\nb        | a%0Ab       | a%0Ab
            colon          | a:b          | a:b         | a%3Ab
            comma          | a,b          | a,b         | a%2Cb
            escape first   | %0A          | %250A       | %250A
            all            | %:,\\r\\n    | %25:,%0D%0A | %25%3A%2C%0D%0A
            """)
    void escapesLikeTheToolkit(String name, String raw, String data, String property) {
        String input = raw.replace("\\r", "\r").replace("\\n", "\n");
        assertThat(WorkflowCommands.escapeData(input)).isEqualTo(data);
        assertThat(WorkflowCommands.escapeProperty(input)).isEqualTo(property);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            no properties | group  |          | deploy: web          | ::group::deploy: web
            title         | error  | K: x,y   | line1\\nline2         | ::error title=K%3A x%2Cy::line1%0Aline2
            mask          | add-mask |        | s3cr%t               | ::add-mask::s3cr%25t
            """)
    void formatsCommands(String name, String command, String title, String message, String expected) {
        Map<String, String> props = new LinkedHashMap<>();
        if (title != null) {
            props.put("title", title);
        }
        assertThat(WorkflowCommands.format(command, props, message.replace("\\n", "\n")))
                .isEqualTo(expected);
    }
}
