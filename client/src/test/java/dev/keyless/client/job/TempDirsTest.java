package dev.keyless.client.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TempDirsTest {
    @Test
    void aShortRootIsUsed(@TempDir Path root) throws Exception {
        Path dir = TempDirs.create(root);
        try {
            assertThat(dir.getParent()).isEqualTo(root);
        } finally {
            TempDirs.delete(dir);
        }
    }

    @Test
    void aRootTooLongForAnAgentSocketFallsBackToAShortPrivateDirectory(@TempDir Path root) throws Exception {
        Path deep = Files.createDirectories(root.resolve("a".repeat(60)).resolve("b".repeat(40)));
        Path dir = TempDirs.create(deep);
        try {
            assertThat(dir.resolve("agent.sock").toString().length()).isLessThanOrEqualTo(TempDirs.MAX_SOCKET_PATH);
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
                    .isEqualTo("rwx------");
        } finally {
            TempDirs.delete(dir);
        }
    }
}
