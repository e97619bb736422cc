package dev.keyless.client.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandLookupTest {
    @Test
    void aBareNameIsLookedUpOnTheChildsPathFirstMatchWins(@TempDir Path root) throws Exception {
        Path wrappers = Files.createDirectories(root.resolve("bin"));
        Path ssh = Files.createFile(
                wrappers.resolve("ssh"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        assertThat(KeylessJob.onPath("ssh", wrappers + ":/usr/bin:/bin")).isEqualTo(ssh.toString());
        assertThat(KeylessJob.onPath("./deploy.sh", wrappers.toString())).isEqualTo("./deploy.sh");
        assertThat(KeylessJob.onPath("no-such-tool", wrappers.toString())).isEqualTo("no-such-tool");
    }

    @Test
    void aFileThatIsNotExecutableIsSkipped(@TempDir Path root) throws Exception {
        Path first = Files.createDirectories(root.resolve("a"));
        Files.createFile(first.resolve("tool"));
        Path second = Files.createDirectories(root.resolve("b"));
        Path tool = Files.createFile(
                second.resolve("tool"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        assertThat(KeylessJob.onPath("tool", first + ":" + second)).isEqualTo(tool.toString());
    }
}
