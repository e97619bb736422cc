package dev.keyless.client.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyless.testkit.CommandResult;
import dev.keyless.testkit.Commands;
import dev.keyless.testkit.LinuxUsers;
import dev.keyless.testkit.SshKeygen;
import dev.keyless.testkit.SshdHarness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent and the job ssh files against the real OpenSSH tools: {@code ssh-add -L}, a
 * certificate signed by the real {@code ssh-keygen -s}, and a login to a real {@code sshd} that
 * checks the host through {@code @cert-authority} with {@code StrictHostKeyChecking yes}.
 */
class SshAgentIT {
    private static final String USER = "wl_kltestagent";

    @TempDir
    Path tmp;

    @Test
    void sshAddListsTheCertificate() throws Exception {
        Path userCa = SshKeygen.generate(tmp, "user_ca", "ed25519", 0, "user-ca");
        SshKey key = SshKey.generate("keyless:web-01");
        SshIdentity identity = new SshIdentity(key, sign(userCa, key, USER));
        Path dir = privateDir();
        try (SshAgent agent = SshAgent.start(dir.resolve("agent.sock"))) {
            agent.add(identity);
            CommandResult listed = Commands.run(
                    List.of("ssh-add", "-L"),
                    Map.of("SSH_AUTH_SOCK", agent.socket().toString()),
                    Duration.ofSeconds(10));
            assertThat(listed.exitCode()).as(listed.stderr()).isZero();
            String[] lines = listed.stdout().strip().split("\n");
            assertThat(lines).hasSize(2);
            assertThat(lines[0])
                    .startsWith(identity.certificateLine().split("\\s+", -1)[0] + " "
                            + identity.certificateLine().split("\\s+", -1)[1]);
            assertThat(lines[1]).isEqualTo(key.publicKeyLine());
            CommandResult delete = Commands.run(
                    List.of("ssh-add", "-D"),
                    Map.of("SSH_AUTH_SOCK", agent.socket().toString()),
                    Duration.ofSeconds(10));
            assertThat(delete.exitCode()).as("removal is refused").isNotZero();
        }
        assertThat(dir.resolve("agent.sock")).doesNotExist();
    }

    @Test
    void realSshLogsInThroughTheAgentWithJobConfig() throws Exception {
        Path userCa = SshKeygen.generate(tmp, "user_ca", "ed25519", 0, "user-ca");
        Path hostCa = SshKeygen.generate(tmp, "host_ca", "ed25519", 0, "host-ca");
        SshKey key = SshKey.generate("keyless:web-01");
        SshIdentity identity = new SshIdentity(key, sign(userCa, key, USER));
        Path dir = privateDir();
        try (LinuxUsers.TestUser user = LinuxUsers.create(USER);
                SshdHarness sshd = SshdHarness.builder()
                        .trustedUserCaKey(Files.readString(userCa.resolveSibling("user_ca.pub"))
                                .strip())
                        .hostCertificateAuthority(hostCa)
                        .start();
                SshAgent agent = SshAgent.start(dir.resolve("agent.sock"))) {
            agent.add(identity);
            SshHost host = new SshHost("web-01", "127.0.0.1", sshd.port(), user.name(), identity);
            String hostCaLine =
                    Files.readString(hostCa.resolveSibling("host_ca.pub")).strip();
            JobSshConfig files =
                    JobSshConfig.write(dir, agent.socket(), List.of(host), List.of(hostCaLine), System.getenv("PATH"));
            Map<String, String> env = files.environment(System.getenv("PATH"));

            CommandResult viaWrapper =
                    Commands.run(List.of("sh", "-c", "ssh web-01 id -un"), env, Duration.ofSeconds(30));
            assertThat(viaWrapper.exitCode())
                    .as(viaWrapper.stderr() + sshd.log())
                    .isZero();
            assertThat(viaWrapper.stdout().strip()).isEqualTo(USER);

            CommandResult viaGit = Commands.run(
                    // git runs GIT_SSH_COMMAND through the shell, as eval does here.
                    List.of("sh", "-c", "eval \"$GIT_SSH_COMMAND web-01 echo git-ok\""), env, Duration.ofSeconds(30));
            assertThat(viaGit.stdout().strip()).as(viaGit.stderr()).isEqualTo("git-ok");

            // -O: the harness sshd has no sftp subsystem, so scp uses its original protocol.
            Path payload = tmp.resolve("payload.txt");
            Files.writeString(payload, "copied", StandardCharsets.UTF_8);
            CommandResult scp = Commands.run(
                    List.of("sh", "-c", "scp -O -q " + payload + " web-01:payload.txt && ssh web-01 cat payload.txt"),
                    env,
                    Duration.ofSeconds(30));
            assertThat(scp.stdout().strip()).as(scp.stderr()).isEqualTo("copied");

            CommandResult rsync = Commands.run(
                    List.of(
                            "sh",
                            "-c",
                            "rsync -e ssh " + payload + " web-01:rsynced.txt && ssh web-01 cat rsynced.txt"),
                    env,
                    Duration.ofSeconds(30));
            assertThat(rsync.stdout().strip()).as(rsync.stderr()).isEqualTo("copied");

            // A real git over GIT_SSH_COMMAND: push to and clone from a bare repository on the server.
            Path work = Files.createDirectory(tmp.resolve("git-work"));
            CommandResult git = Commands.run(
                    List.of(
                            "sh",
                            "-c",
                            "set -e; ssh web-01 git init -q --bare repo.git; cd " + work
                                    + "; git init -q src; cd src; echo deployed > app.txt; git add app.txt;"
                                    + " git -c user.name=ci -c user.email=ci@example.com commit -q -m deploy;"
                                    + " git push -q web-01:repo.git HEAD:refs/heads/main; cd ..;"
                                    + " git clone -q -b main web-01:repo.git copy; cat copy/app.txt"),
                    env,
                    Duration.ofSeconds(60));
            assertThat(git.stdout().strip()).as(git.stderr()).isEqualTo("deployed");
        }
    }

    @Test
    void strictHostKeyCheckingRefusesAHostSignedByAnotherCa() throws Exception {
        Path userCa = SshKeygen.generate(tmp, "user_ca", "ed25519", 0, "user-ca");
        Path hostCa = SshKeygen.generate(tmp, "host_ca", "ed25519", 0, "host-ca");
        Path otherCa = SshKeygen.generate(tmp, "other_ca", "ed25519", 0, "other-ca");
        SshKey key = SshKey.generate("keyless:web-01");
        SshIdentity identity = new SshIdentity(key, sign(userCa, key, USER));
        Path dir = privateDir();
        try (LinuxUsers.TestUser user = LinuxUsers.create(USER);
                SshdHarness sshd = SshdHarness.builder()
                        .trustedUserCaKey(Files.readString(userCa.resolveSibling("user_ca.pub"))
                                .strip())
                        .hostCertificateAuthority(hostCa)
                        .start();
                SshAgent agent = SshAgent.start(dir.resolve("agent.sock"))) {
            agent.add(identity);
            SshHost host = new SshHost("web-01", "127.0.0.1", sshd.port(), user.name(), identity);
            String otherLine =
                    Files.readString(otherCa.resolveSibling("other_ca.pub")).strip();
            JobSshConfig files =
                    JobSshConfig.write(dir, agent.socket(), List.of(host), List.of(otherLine), System.getenv("PATH"));
            CommandResult refused = Commands.run(
                    List.of("sh", "-c", "ssh web-01 id -un"),
                    files.environment(System.getenv("PATH")),
                    Duration.ofSeconds(30));
            assertThat(refused.exitCode()).isEqualTo(255);
            assertThat(refused.stderr()).containsIgnoringCase("host key verification failed");
        }
    }

    private Path privateDir() throws Exception {
        return Files.createTempDirectory(
                tmp, "job-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    /** Signs the exported public key with the real ssh-keygen, as the service's CA would. */
    private String sign(Path ca, SshKey key, String principal) throws Exception {
        Path pub = tmp.resolve("job-" + System.nanoTime() + ".pub");
        Files.writeString(pub, key.publicKeyLine() + "\n");
        Commands.runChecked(List.of(
                "ssh-keygen",
                "-q",
                "-s",
                ca.toString(),
                "-I",
                "keyless:test",
                "-n",
                principal,
                "-V",
                "-5m:+10m",
                pub.toString()));
        String name = pub.getFileName().toString();
        return Files.readString(pub.resolveSibling(name.substring(0, name.length() - 4) + "-cert.pub"))
                .strip();
    }
}
