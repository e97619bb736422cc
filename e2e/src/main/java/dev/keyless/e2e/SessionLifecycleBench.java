package dev.keyless.e2e;

import dev.keyless.testkit.CommandResult;
import dev.keyless.testkit.LinuxUsers;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Runs N sessions one after another through the real service, host agent and sshd, and prints
 * medians and p99 of: certificate request to READY, READY to the first command executed over
 * SSH, and close to account gone. Not a test: run it with {@code e2e/bench-sessions.sh}.
 */
public final class SessionLifecycleBench {
    private SessionLifecycleBench() {}

    public static void main(String[] args) throws Exception {
        int sessions = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        List<Double> toReady = new ArrayList<>();
        List<Double> toCommand = new ArrayList<>();
        List<Double> toGone = new ArrayList<>();
        try (Stack stack = Stack.start("benchrole")) {
            for (int i = 0; i < sessions + 5; i++) {
                Workload job = stack.job();
                long t0 = job.requestedAt;
                if (!"READY".equals(job.awaitReady())) {
                    throw new IllegalStateException("session " + i + " did not become READY: " + stack.agent.log());
                }
                long t1 = System.nanoTime();
                CommandResult r = job.ssh("true");
                long t2 = System.nanoTime();
                if (r.exitCode() != 0) {
                    throw new IllegalStateException("ssh failed: " + r.stderr());
                }
                job.close();
                while (LinuxUsers.exists(stack.user)) {
                    Thread.sleep(5);
                }
                long t3 = System.nanoTime();
                if (i >= 5) { // the first five warm both JVMs up
                    toReady.add((t1 - t0) / 1e6);
                    toCommand.add((t2 - t1) / 1e6);
                    toGone.add((t3 - t2) / 1e6);
                }
            }
        }
        System.out.printf(Locale.ROOT, "sessions: %d (after 5 warm-up)%n", sessions);
        print("certificate request -> READY", toReady);
        print("READY -> first command done over SSH", toCommand);
        print("close -> account gone", toGone);
    }

    private static void print(String what, List<Double> millis) {
        List<Double> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        System.out.printf(
                Locale.ROOT,
                "%-40s median %7.1f ms   p99 %7.1f ms   max %7.1f ms%n",
                what,
                sorted.get(sorted.size() / 2),
                sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1),
                sorted.get(sorted.size() - 1));
    }
}
