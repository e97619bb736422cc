package dev.keyless.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyless.cli.ExitCodes;
import dev.keyless.client.Json;
import dev.keyless.client.KeylessProblemException;
import dev.keyless.protocol.ServerRequests;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code keyless admin servers create-bulk -f servers.csv}: a fleet's servers through {@code POST
 * /servers/bulk}, in chunks of at most {@link ServerRequests#MAX_BULK}. Each chunk is all or none
 * on the service; chunks before a refused one stay created, so the summary says how far it got and
 * {@code --skip-existing} makes a second run pick up where the first stopped.
 */
@Command(
        name = "create-bulk",
        description = "Create many servers from a CSV, JSON or YAML file, up to 1000 per call, with progress and a"
                + " summary.",
        footerHeading = "%nFile formats:%n",
        footer = {
            "  CSV, a header row, then one server a line (port and labels may be empty):",
            "    name,address,port,labels",
            "    web-01,10.0.0.11,22,env=prod;tier=web",
            "  JSON or YAML: a list of the bodies 'keyless admin servers create' takes:",
            "    [{\"name\": \"web-01\", \"address\": \"10.0.0.11\", \"labels\": {\"env\": \"prod\"}}]",
            "",
            "Each call creates all of its servers or none. A refused call stops the run;",
            "the servers of earlier calls stay created: fix the file, run again with",
            "--skip-existing.",
            "",
            "Examples:",
            "  keyless admin servers create-bulk -f servers.csv",
            "  keyless admin servers create-bulk -f fleet.json --skip-existing --output json",
            "  keyless admin servers create-bulk -f fleet.yaml --chunk-size 500 --quiet"
        })
public final class CreateBulkCommand implements Callable<Integer> {
    @Mixin
    AdminCall call;

    @Spec
    CommandSpec spec;

    @Option(
            names = {"-f", "--file"},
            required = true,
            paramLabel = "FILE",
            description = "servers.csv, or a .json/.yaml list of servers (at most 64 MiB).")
    Path file;

    @Option(
            names = "--chunk-size",
            paramLabel = "N",
            defaultValue = "1000",
            description = "Servers per call, 1 to 1000 (default ${DEFAULT-VALUE}).")
    int chunkSize;

    @Option(
            names = "--skip-existing",
            description = "Leave out the servers whose name the team has already (their settings are not compared).")
    boolean skipExisting;

    @Option(names = "--quiet", description = "No progress lines on stderr.")
    boolean quiet;

    @Override
    public Integer call() {
        if (chunkSize < 1 || chunkSize > ServerRequests.MAX_BULK) {
            throw new ParameterException(
                    spec.commandLine(), "--chunk-size must be between 1 and " + ServerRequests.MAX_BULK);
        }
        List<ServerListFile.Entry> entries = ServerListFile.read(file);
        int skipped = 0;
        if (skipExisting) {
            Set<String> existing = existingNames();
            List<ServerListFile.Entry> missing =
                    entries.stream().filter(e -> !existing.contains(e.name())).toList();
            skipped = entries.size() - missing.size();
            entries = missing;
        }
        long started = System.nanoTime();
        int created = 0;
        int calls = 0;
        for (int from = 0; from < entries.size(); from += chunkSize) {
            List<ServerListFile.Entry> chunk = entries.subList(from, Math.min(entries.size(), from + chunkSize));
            try {
                call.call("POST", "/servers/bulk", body(chunk));
            } catch (KeylessProblemException refused) {
                call.ctx()
                        .error("keyless: created " + created + " of " + entries.size() + " servers; the call for "
                                + chunk.get(0).where() + " to "
                                + chunk.get(chunk.size() - 1).where() + " of " + file
                                + " created none of its " + chunk.size() + " (its servers[i] is the i-th of them):"
                                + " fix the file and run again with --skip-existing");
                throw refused;
            }
            created += chunk.size();
            calls++;
            if (!quiet) {
                call.ctx()
                        .error(String.format(
                                Locale.ROOT,
                                "keyless: created %d of %d servers (%d%%)",
                                created,
                                entries.size(),
                                100L * created / entries.size()));
            }
        }
        summary(created, skipped, calls, (System.nanoTime() - started) / 1e9);
        return ExitCodes.OK;
    }

    private Set<String> existingNames() {
        Set<String> names = new HashSet<>();
        JsonNode servers = call.call("GET", "/servers", null);
        if (servers != null) {
            servers.forEach(s -> names.add(s.path("name").asText()));
        }
        return names;
    }

    private static JsonNode body(List<ServerListFile.Entry> chunk) {
        ObjectNode body = Json.mapper().createObjectNode();
        ArrayNode servers = body.putArray("servers");
        chunk.forEach(e -> servers.add(e.spec()));
        return body;
    }

    private void summary(int created, int skipped, int calls, double seconds) {
        if (call.json()) {
            ObjectNode out = Json.mapper().createObjectNode();
            out.put("created", created);
            out.put("skipped", skipped);
            out.put("calls", calls);
            out.put("seconds", Math.round(seconds * 1000) / 1000.0);
            call.printJson(out);
            return;
        }
        call.line(String.format(
                Locale.ROOT,
                "created %d servers in %d call%s, %.1f s (%.0f/s)%s",
                created,
                calls,
                calls == 1 ? "" : "s",
                seconds,
                seconds > 0 ? created / seconds : 0,
                skipSuffix(skipped)));
    }

    private String skipSuffix(int skipped) {
        return skipExisting ? "; " + skipped + " skipped (the team has them already)" : "";
    }
}
