package dev.keyless.cli;

import dev.keyless.cli.sshconfig.ControlServer;
import dev.keyless.cli.sshconfig.JobStateDir;
import dev.keyless.client.KeylessClient;
import dev.keyless.client.job.JobContext;
import dev.keyless.client.job.JobSpec;
import dev.keyless.client.job.KeylessJob;
import dev.keyless.client.job.ServerAccess;
import dev.keyless.protocol.WorkloadQueries.ReachableServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The background agent of {@code keyless ssh-config} ({@code --serve}): opens a {@link
 * KeylessJob} (keys in this JVM's memory only, the job's ssh files in its private directory),
 * prints {@link #READY}, then answers the control socket until {@code STOP} or until every
 * certificate has expired, and always closes the job: sessions closed, files removed. A signal
 * (the CI runner killing leftover processes) runs the job's shutdown hook, which does the same.
 */
final class SshConfigAgent {
    static final String READY = "READY";
    private static final Duration TICK = Duration.ofSeconds(1);

    private final SshConfigCommand command;
    private final JobStateDir state;

    SshConfigAgent(SshConfigCommand command, JobStateDir state) {
        this.command = command;
        this.state = state;
    }

    int run() throws InterruptedException, IOException {
        Context ctx = command.ctx();
        state.create();
        try (ControlServer control = ControlServer.bind(state.controlSocket())) {
            KeylessClient client = command.client();
            JobSpec given = command.jobSpec(List.of());
            JobSpec spec = new JobSpec(
                    given.connection(),
                    given.audience(),
                    given.roleHint(),
                    List.of(),
                    given.readyTimeout(),
                    state.path());
            JobContext jobContext = new JobContext(ctx.env(), ctx.masker(), ctx.listener());
            try (KeylessJob job =
                    KeylessJob.open(client, command.accessToken.supplier(command, client, spec), spec, jobContext)) {
                List<String> wanted =
                        command.servers == null || command.servers.isEmpty() ? reachable(client, job) : command.servers;
                job.addServers(wanted, spec.readyTimeout());
                ctx.out().println(READY);
                ctx.out().flush();
                ctx.out().close();
                control.serve(request -> handle(client, job, spec, request), () -> expired(job), TICK);
            }
        } finally {
            deleteTree(state.path());
        }
        return ExitCodes.OK;
    }

    private static List<String> reachable(KeylessClient client, KeylessJob job) {
        List<String> names = client.reachableServers(job.accessToken()).stream()
                .map(ReachableServer::name)
                .toList();
        if (names.isEmpty()) {
            throw new UsageException("role " + job.role() + " may reach no server; name one with --server");
        }
        return names;
    }

    private static List<String> handle(KeylessClient client, KeylessJob job, JobSpec spec, String request)
            throws InterruptedException, IOException {
        String[] words = request.strip().split(" +");
        switch (words[0]) {
            case "PING" -> {
                return List.of();
            }
            case "ENV" -> {
                return env(job);
            }
            case "ADD" -> {
                job.addServers(Arrays.asList(words).subList(1, words.length), spec.readyTimeout());
                return List.of();
            }
            case "SERVERS" -> {
                List<String> lines = new ArrayList<>();
                for (ReachableServer s : client.reachableServers(job.accessToken())) {
                    lines.add(dev.keyless.client.Json.mapper().writeValueAsString(s));
                }
                return lines;
            }
            case "STOP" -> throw new ControlServer.Stop();
            default -> throw new IllegalArgumentException("unknown request");
        }
    }

    private static List<String> env(KeylessJob job) {
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, String> e : job.environment().entrySet()) {
            lines.add(e.getKey() + "=" + e.getValue());
        }
        return lines;
    }

    /** Every certificate has expired: nothing left to serve. */
    private static boolean expired(KeylessJob job) {
        Instant now = Instant.now();
        return job.servers().stream()
                .map(ServerAccess::validBefore)
                .max(Comparator.naturalOrder())
                .map(now::isAfter)
                .orElse(true);
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove " + root, e);
        }
    }
}
