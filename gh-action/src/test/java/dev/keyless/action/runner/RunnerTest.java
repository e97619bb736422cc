package dev.keyless.action.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyless.client.Masker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunnerTest {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final Masker masker = new Masker();

    Runner runner(boolean debug, Path dir) {
        return new Runner(
                new PrintStream(bytes, true, StandardCharsets.UTF_8),
                masker,
                debug,
                dir == null ? null : dir.resolve("output"),
                dir == null ? null : dir.resolve("summary"));
    }

    List<String> lines() {
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void masksEveryLineOfAMultiLineSecretBeforeAnythingPrintsIt() {
        Runner r = runner(false, null);
        r.addMask("-----BEGIN KEY-----\nAAAAline2secret\n-----END KEY-----");
        r.info("leak: AAAAline2secret and -----END KEY-----");
        assertThat(lines())
                .containsExactlyInAnyOrder(
                        "::add-mask::-----BEGIN KEY-----",
                        "::add-mask::AAAAline2secret",
                        "::add-mask::-----END KEY-----",
                        "leak: *** and ***");
        assertThat(lines().get(3)).isEqualTo("leak: *** and ***");
    }

    @Test
    void announcesEachSecretOnceAndSecretsLearntElsewhere() {
        Runner r = runner(false, null);
        r.addMask("token-one");
        masker.register("token-two");
        r.announceMasks();
        r.announceMasks();
        assertThat(lines()).containsExactly("::add-mask::token-one", "::add-mask::token-two");
    }

    @Test
    void masksAnnotationsDebugAndFiles(@TempDir Path dir) throws Exception {
        Runner r = runner(true, dir);
        r.addMask("hunter2-secret");
        r.error("Keyless: x", "bad hunter2-secret");
        r.debug("step hunter2-secret");
        r.setOutput("principal", "wl_x hunter2-secret");
        r.appendSummary("| hunter2-secret |\n");
        assertThat(lines())
                .containsExactly(
                        "::add-mask::hunter2-secret", "::error title=Keyless%3A x::bad ***", "::debug::step ***");
        assertThat(Files.readString(dir.resolve("output"))).isEqualTo("principal=wl_x ***\n");
        assertThat(Files.readString(dir.resolve("summary"))).isEqualTo("| *** |\n");
    }

    @Test
    void debugLinesOnlyWhenEnabled() {
        Runner r = runner(false, null);
        r.debug("hidden");
        assertThat(lines()).isEmpty();
    }
}
