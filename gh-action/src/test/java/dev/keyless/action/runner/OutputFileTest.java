package dev.keyless.action.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputFileTest {
    @Test
    void writesSingleLineValuesAsNameEqualsValue() {
        assertThat(OutputFile.format("principal", "wl_deployer")).isEqualTo("principal=wl_deployer\n");
    }

    @Test
    void writesMultiLineValuesAsHeredocWithAFreshDelimiter() {
        String text = OutputFile.format("session-ids", "s-1\ns-2");
        Matcher m = Pattern.compile("session-ids<<(ghadelimiter_[0-9a-f-]{36})\ns-1\ns-2\n\\1\n")
                .matcher(text);
        assertThat(m.matches()).as(text).isTrue();
        assertThat(OutputFile.format("x", "a\nb")).isNotEqualTo(OutputFile.format("x", "a\nb"));
    }

    @Test
    void appendsEntriesToTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("output");
        OutputFile out = new OutputFile(file);
        out.append("a", "1");
        out.append("b", "x\ny");
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0)).isEqualTo("a=1");
        assertThat(lines.get(1)).startsWith("b<<ghadelimiter_");
        assertThat(lines.subList(2, 4)).containsExactly("x", "y");
        assertThat(lines.get(4)).isEqualTo(lines.get(1).substring(3));
    }

    @Test
    void rejectsNamesThatWouldCorruptTheFile() {
        assertThatThrownBy(() -> OutputFile.format("a=b", "1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OutputFile.format("a\nb", "1")).isInstanceOf(IllegalArgumentException.class);
    }
}
