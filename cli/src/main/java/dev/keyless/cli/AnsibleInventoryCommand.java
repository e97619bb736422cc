package dev.keyless.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyless.cli.sshconfig.AgentControl;
import dev.keyless.cli.sshconfig.JobStateDir;
import dev.keyless.client.Json;
import dev.keyless.client.KeylessClient;
import dev.keyless.protocol.WorkloadQueries.ReachableServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code keyless ansible-inventory --list | --host NAME}: an Ansible dynamic inventory of the
 * servers the role may reach, each label {@code key=value} a group {@code key_value}. It asks the
 * job's {@code ssh-config} agent when one runs, else uses the access token ({@code $KEYLESS_TOKEN}
 * or an exchange). Ansible runs an inventory script with only {@code --list} or {@code --host}, so
 * everything else comes from {@code KEYLESS_*} variables.
 */
@Command(
        name = "ansible-inventory",
        description = "Ansible dynamic inventory (JSON) of the servers the role may reach; labels as groups.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  # Ansible runs an executable file as an inventory script:",
            "  printf '#!/bin/sh\\nexec keyless ansible-inventory \"$@\"\\n' > keyless.sh; chmod +x keyless.sh",
            "  ansible-playbook -i keyless.sh site.yml"
        })
public final class AnsibleInventoryCommand extends WorkloadCommand {
    @ArgGroup(multiplicity = "1")
    Mode mode;

    @Mixin
    AccessTokenSource accessToken;

    static final class Mode {
        @Option(names = "--list", required = true, description = "Every group and host, with _meta.hostvars.")
        boolean list;

        @Option(names = "--host", required = true, paramLabel = "NAME", description = "One host's variables.")
        String host;
    }

    @Override
    public Integer call() throws IOException {
        List<ReachableServer> servers = servers();
        ObjectNode answer = mode.host != null ? hostVars(servers, mode.host) : inventory(servers);
        ctx().out().println(Json.mapper().writeValueAsString(answer));
        ctx().out().flush();
        return ExitCodes.OK;
    }

    private List<ReachableServer> servers() throws IOException {
        Context ctx = ctx();
        AgentControl agent = new AgentControl(JobStateDir.of(ctx.env()).controlSocket());
        if (agent.alive()) {
            List<ReachableServer> servers = new ArrayList<>();
            for (String line : agent.call("SERVERS")) {
                servers.add(Json.mapper().readValue(line, ReachableServer.class));
            }
            return servers;
        }
        KeylessClient client = client();
        String connection = accessToken.fromEnvironment(ctx).isPresent() ? token.connection : token.connection();
        var spec = new dev.keyless.client.job.JobSpec(
                connection, token.audience(service), token.role, List.of(), java.time.Duration.ofSeconds(60), null);
        return client.reachableServers(accessToken.get(this, client, spec).accessToken());
    }

    static ObjectNode inventory(List<ReachableServer> servers) {
        ObjectNode root = Json.mapper().createObjectNode();
        ObjectNode hostvars = root.putObject("_meta").putObject("hostvars");
        Map<String, TreeSet<String>> groups = new TreeMap<>();
        ArrayNode all = root.putObject("all").putArray("hosts");
        for (ReachableServer s : servers) {
            all.add(s.name());
            hostvars.set(s.name(), vars(s));
            if (s.labels() != null) {
                s.labels().forEach((k, v) -> groups.computeIfAbsent(group(k, v), g -> new TreeSet<>())
                        .add(s.name()));
            }
        }
        ArrayNode children = ((ObjectNode) root.get("all")).putArray("children");
        groups.forEach((g, hosts) -> {
            children.add(g);
            ArrayNode list = root.putObject(g).putArray("hosts");
            hosts.forEach(list::add);
        });
        return root;
    }

    static ObjectNode hostVars(List<ReachableServer> servers, String host) {
        return servers.stream()
                .filter(s -> s.name().equals(host))
                .findFirst()
                .map(AnsibleInventoryCommand::vars)
                .orElseGet(() -> Json.mapper().createObjectNode());
    }

    private static ObjectNode vars(ReachableServer s) {
        ObjectNode vars = Json.mapper().createObjectNode();
        ObjectNode labels = vars.putObject("keyless_labels");
        if (s.labels() != null) {
            s.labels().forEach(labels::put);
        }
        return vars;
    }

    /** {@code key_value} with every character Ansible refuses in a group name made {@code _}. */
    static String group(String key, String value) {
        String g = (key + "_" + value).replaceAll("[^A-Za-z0-9_]", "_");
        return Character.isDigit(g.charAt(0)) ? "_" + g : g;
    }
}
