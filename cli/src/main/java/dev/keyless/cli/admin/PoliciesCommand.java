package dev.keyless.cli.admin;

import java.util.List;
import picocli.CommandLine.Command;

/** {@code keyless admin policies list|get|create|update|delete}. */
@Command(
        name = "policies",
        description = "Policies: which roles reach which servers, with which sudo rules and session TTL.",
        footerHeading = "%nExamples:%n",
        footer = {"  keyless admin policies list", "  keyless admin policies update deploy -f deploy-policy.yaml"})
public final class PoliciesCommand extends ResourceCommand {
    @Override
    String singular() {
        return "policy";
    }

    @Override
    String deleteConsequence() {
        return ", which ends the live sessions only it allowed";
    }

    @Override
    String resource() {
        return "policies";
    }

    @Override
    List<String> columns() {
        return List.of("name", "roles", "servers", "session_ttl_seconds");
    }
}
