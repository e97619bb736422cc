package dev.keyless.e2e;

import dev.keyless.testkit.CommandResult;
import dev.keyless.testkit.Commands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A three-node MariaDB Galera cluster on loopback ports, each node a real {@code mariadbd} with
 * its own datadir under a temporary directory, as the service README's "Running on a cluster"
 * section configures one. Nodes can be killed with {@code kill -9} and restarted the documented
 * way ({@code --wsrep-recover}, then {@code --wsrep-start-position}), which must rejoin by
 * incremental state transfer (IST) rather than a full copy.
 */
final class GaleraCluster implements AutoCloseable {
    static final Path PROVIDER = Path.of("/usr/lib/galera/libgalera_smm.so");
    static final Path MARIADBD = Path.of("/usr/sbin/mariadbd");
    private static final Duration JOIN_TIMEOUT = Duration.ofMinutes(2);
    private static final Pattern RECOVERED = Pattern.compile("WSREP: Recovered position:\\s+(\\S+:-?\\d+)");

    /** One node: its ports and files; {@code process} is null while it is down. */
    static final class Node {
        final int number;
        final Path dir;
        final int sqlPort;
        final int gcommPort;
        final int sstPort;
        final int istPort;
        Process process;

        Node(int number, Path dir, int sqlPort, int gcommPort, int sstPort, int istPort) {
            this.number = number;
            this.dir = dir;
            this.sqlPort = sqlPort;
            this.gcommPort = gcommPort;
            this.sstPort = sstPort;
            this.istPort = istPort;
        }

        Path config() {
            return dir.resolve("my.cnf");
        }

        Path errorLog() {
            return dir.resolve("error.log");
        }

        String hostPort() {
            return "127.0.0.1:" + sqlPort;
        }
    }

    /** How a restarted node caught up: by IST (only the missed write sets) or by a full SST. */
    record Rejoin(boolean incremental, String position, Duration took, String log) {}

    final List<Node> nodes = new ArrayList<>();
    private final Path base;
    private final Path keepLogs;

    private GaleraCluster(Path base, Path keepLogs) {
        this.base = base;
        this.keepLogs = keepLogs;
    }

    static boolean available() {
        return Files.isRegularFile(PROVIDER)
                && Files.isExecutable(MARIADBD)
                && Files.isExecutable(Path.of("/usr/bin/rsync"));
    }

    /**
     * Installs three datadirs, bootstraps node 1 and joins nodes 2 and 3; returns when all are
     * Synced. The nodes' error logs are copied to {@code keepLogs} when the cluster is closed (the
     * datadirs are deleted), so a failure can be read after the run.
     */
    static GaleraCluster start(Path keepLogs) throws IOException, InterruptedException {
        // Under /tmp, traversable by the mysql user the nodes drop to (rsync SST runs as that user).
        Path base =
                Path.of("/tmp", "keyless-galera-" + UUID.randomUUID().toString().substring(0, 8));
        Files.createDirectories(base);
        run(List.of("chmod", "755", base.toString()));
        GaleraCluster cluster = new GaleraCluster(base, keepLogs);
        try {
            for (int i = 1; i <= 3; i++) {
                Path dir = Files.createDirectories(base.resolve("n" + i));
                cluster.nodes.add(new Node(i, dir, Ports.free(), Ports.free(), Ports.free(), Ports.free()));
            }
            for (Node node : cluster.nodes) {
                cluster.install(node);
            }
            cluster.launch(cluster.node(1), "--wsrep-new-cluster");
            cluster.awaitSynced(cluster.node(1));
            for (int i = 2; i <= 3; i++) {
                cluster.launch(cluster.node(i));
                cluster.awaitSynced(cluster.node(i));
            }
            cluster.awaitClusterSize(3);
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            cluster.close();
            throw e;
        }
    }

    Node node(int number) {
        return nodes.get(number - 1);
    }

    /**
     * A Connector/J URL that prefers {@code primary} and moves to {@code fallback} when the primary
     * is down or not ready, as the production guide documents it.
     */
    String jdbcUrl(String database, int primary, int fallback) {
        String hosts = node(primary).hostPort() + "," + node(fallback).hostPort();
        return "jdbc:mysql:loadbalance://" + hosts + "/" + database
                + "?useSSL=false&allowPublicKeyRetrieval=true"
                + "&loadBalanceStrategy=serverAffinity&serverAffinityOrder=" + hosts
                + "&loadBalanceBlocklistTimeout=5000"
                // read your writes across nodes; READ COMMITTED (tx_isolation 1) takes no gap locks,
                // which write sets applied from other nodes would otherwise abort
                + "&sessionVariables=wsrep_sync_wait=1,tx_isolation=1";
    }

    /** Runs SQL on one node with the real client and returns its tab-separated rows. */
    String sql(Node node, String statement) {
        CommandResult r = Commands.run(
                List.of(
                        "mariadb",
                        "-uroot",
                        "-h127.0.0.1",
                        "-P" + node.sqlPort,
                        "--connect-timeout=2",
                        "-N",
                        "-B",
                        "-e",
                        statement),
                Map.of(),
                Duration.ofSeconds(20));
        if (!r.succeeded()) {
            throw new IllegalStateException(
                    "mariadb on node " + node.number + " failed: " + r.stderr().trim());
        }
        return r.stdout().trim();
    }

    /**
     * The schema as this node has it: every column's type, character set and collation, and every
     * table's engine. The nodes must agree; a table created differently on one node (DDL through a
     * session with another default character set) makes the rows written to it there impossible
     * to apply on the others, and the cluster then expels a node as {@code Inconsistent}.
     */
    String schema(Node node, String database) {
        return sql(
                node,
                "SELECT c.table_name, c.column_name, c.column_type, c.character_set_name, c.collation_name, t.engine"
                        + " FROM information_schema.columns c JOIN information_schema.tables t"
                        + " ON t.table_schema = c.table_schema AND t.table_name = c.table_name"
                        + " WHERE c.table_schema = '" + database + "' ORDER BY c.table_name, c.ordinal_position");
    }

    String status(Node node, String variable) {
        String row = sql(node, "SHOW GLOBAL STATUS LIKE '" + variable + "'");
        int tab = row.indexOf('\t');
        return tab < 0 ? "" : row.substring(tab + 1).trim();
    }

    /** {@code kill -9} of the node's {@code mariadbd}: no shutdown, nothing flushed beyond InnoDB's log. */
    void kill(Node node) throws InterruptedException {
        node.process.destroyForcibly();
        if (!node.process.waitFor(20, TimeUnit.SECONDS)) {
            throw new IllegalStateException("node " + node.number + " did not die");
        }
        node.process = null;
    }

    /**
     * Restarts a crashed node the documented way: {@code mariadbd --wsrep-recover} reads the last
     * committed position from InnoDB, {@code --wsrep-start-position} hands it to Galera, which then
     * asks a donor only for the write sets after it. Returns when the node is Synced.
     */
    Rejoin restart(Node node) throws IOException, InterruptedException {
        long started = System.nanoTime();
        long logStart = Files.exists(node.errorLog()) ? Files.size(node.errorLog()) : 0;
        CommandResult recover = Commands.run(
                List.of(MARIADBD.toString(), "--defaults-file=" + node.config(), "--wsrep-recover"),
                Map.of(),
                Duration.ofSeconds(90));
        if (!recover.succeeded()) {
            throw new IllegalStateException(
                    "--wsrep-recover on node " + node.number + " failed: " + recover.stderr() + "\n" + tail(node));
        }
        Matcher m = RECOVERED.matcher(logSince(node, logStart));
        String position = null;
        while (m.find()) {
            position = m.group(1);
        }
        if (position == null) {
            throw new IllegalStateException(
                    "--wsrep-recover printed no position on node " + node.number + "\n" + tail(node));
        }
        long joinStart = Files.size(node.errorLog());
        launch(node, "--wsrep-start-position=" + position);
        awaitSynced(node);
        String log = logSince(node, joinStart);
        // The rsync script names what it did: "rsync IST completed on joiner" when the donor sent
        // only write sets, "rsync SST completed on joiner" after copying the whole datadir.
        boolean incremental = log.contains("IST completed on joiner") && !log.contains("SST completed on joiner");
        return new Rejoin(incremental, position, Duration.ofNanos(System.nanoTime() - started), log);
    }

    /** The last lines of a node's error log, for failure messages. */
    String tail(Node node) {
        try {
            // ISO-8859-1 maps every byte: the error log holds binary row images in its apply
            // failures, which strict UTF-8 refuses, hiding the very lines a failure needs
            List<String> lines = Files.readAllLines(node.errorLog(), StandardCharsets.ISO_8859_1);
            return "--- node " + node.number + " error log (tail) ---\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "--- node " + node.number + " has no error log: " + e.getMessage();
        }
    }

    String tails() {
        return nodes.stream().map(this::tail).collect(Collectors.joining("\n"));
    }

    private static String logSince(Node node, long offset) throws IOException {
        byte[] all = Files.readAllBytes(node.errorLog());
        int from = (int) Math.min(offset, all.length);
        return new String(all, from, all.length - from, java.nio.charset.StandardCharsets.UTF_8);
    }

    private void install(Node node) throws IOException {
        Path data = node.dir.resolve("data");
        CommandResult r = Commands.run(
                List.of(
                        "mariadb-install-db",
                        "--no-defaults",
                        "--datadir=" + data,
                        "--user=root",
                        "--auth-root-authentication-method=normal",
                        "--skip-test-db"),
                Map.of(),
                Duration.ofMinutes(2));
        if (!r.succeeded()) {
            throw new IllegalStateException("mariadb-install-db failed: " + r.stdout() + r.stderr());
        }
        String peers = nodes.stream().map(n -> "127.0.0.1:" + n.gcommPort).collect(Collectors.joining(","));
        Files.writeString(
                node.config(),
                String.join(
                        "\n",
                        "[mariadbd]",
                        "datadir=" + data,
                        "socket=" + node.dir.resolve("mysql.sock"),
                        "pid-file=" + node.dir.resolve("mysql.pid"),
                        "log-error=" + node.errorLog(),
                        "bind-address=127.0.0.1",
                        "port=" + node.sqlPort,
                        // rsync SST as root fails once the receiver drops to nobody
                        "user=mysql",
                        "skip-name-resolve",
                        "innodb_buffer_pool_size=64M",
                        "innodb_log_file_size=48M",
                        "max_connections=200",
                        "binlog_format=ROW",
                        "innodb_autoinc_lock_mode=2",
                        "wsrep_on=ON",
                        "wsrep_provider=" + PROVIDER,
                        "wsrep_cluster_name=keyless-e2e",
                        "wsrep_cluster_address=gcomm://" + peers,
                        "wsrep_node_name=n" + node.number,
                        "wsrep_node_address=127.0.0.1:" + node.gcommPort,
                        "wsrep_sst_receive_address=127.0.0.1:" + node.sstPort,
                        "wsrep_provider_options=gmcast.listen_addr=tcp://127.0.0.1:" + node.gcommPort
                                + ";ist.recv_addr=127.0.0.1:" + node.istPort
                                // a dead node is dropped from the view after 3 s instead of 5 s
                                + ";evs.suspect_timeout=PT3S;evs.inactive_timeout=PT10S",
                        "wsrep_sst_method=rsync",
                        // names the tables and keys of certification conflicts in the error log
                        "wsrep_log_conflicts=ON",
                        ""));
        run(List.of("chown", "-R", "mysql:mysql", node.dir.toString()));
    }

    private void launch(Node node, String... extra) throws IOException {
        // Galera sets its group-communication thread to SCHED_OTHER and refuses to start when it may
        // not ("Failed to set thread schedparams"), as under SCHED_IDLE once mariadbd has dropped to
        // the mysql user; a build put at SCHED_IDLE on a shared machine would hand that on. The
        // nodes start at the normal class (chrt, as root, before mariadbd drops its privileges).
        List<String> argv = new ArrayList<>(List.of("chrt", "--other", "0"));
        argv.addAll(List.of(MARIADBD.toString(), "--defaults-file=" + node.config()));
        argv.addAll(List.of(extra));
        node.process = new ProcessBuilder(argv)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        node.dir.resolve("stdout.log").toFile()))
                .start();
    }

    /** Waits until the node answers and reports {@code wsrep_local_state_comment=Synced}. */
    void awaitSynced(Node node) throws InterruptedException {
        long deadline = System.nanoTime() + JOIN_TIMEOUT.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (node.process != null && !node.process.isAlive()) {
                throw new IllegalStateException("node " + node.number + " exited\n" + tail(node));
            }
            try {
                last = status(node, "wsrep_local_state_comment");
                if (last.equals("Synced") && status(node, "wsrep_ready").equals("ON")) {
                    return;
                }
            } catch (IllegalStateException e) {
                last = e.getMessage();
            }
            Thread.sleep(300);
        }
        throw new IllegalStateException(
                "node " + node.number + " not Synced within " + JOIN_TIMEOUT + " (" + last + ")\n" + tail(node));
    }

    void awaitClusterSize(int size) throws InterruptedException {
        long deadline = System.nanoTime() + JOIN_TIMEOUT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            last = status(node(1), "wsrep_cluster_size");
            if (last.equals(Integer.toString(size))) {
                return;
            }
            Thread.sleep(300);
        }
        throw new IllegalStateException("cluster size " + last + ", expected " + size + "\n" + tails());
    }

    private static void run(List<String> argv) {
        CommandResult r = Commands.run(argv);
        if (!r.succeeded()) {
            throw new IllegalStateException(String.join(" ", argv) + " failed: " + r.stderr());
        }
    }

    @Override
    public void close() {
        for (Node node : nodes) {
            if (node.process != null) {
                node.process.destroy();
            }
        }
        for (Node node : nodes) {
            try {
                if (node.process != null && !node.process.waitFor(30, TimeUnit.SECONDS)) {
                    node.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Node node : nodes) {
            try {
                Files.createDirectories(keepLogs);
                Files.copy(
                        node.errorLog(),
                        keepLogs.resolve("n" + node.number + "-error.log"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                // best effort: a node that never started has no log
            }
        }
        try (Stream<Path> files = Files.walk(base)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temp dir under /tmp
        }
    }
}
