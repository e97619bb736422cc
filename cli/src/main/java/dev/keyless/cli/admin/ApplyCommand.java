package dev.keyless.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyless.cli.ExitCodes;
import dev.keyless.cli.admin.TeamConfig.Action;
import dev.keyless.cli.admin.TeamConfig.Step;
import dev.keyless.client.KeylessClient.AdminAnswer;
import dev.keyless.client.KeylessProblemException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code keyless admin apply -f team.yaml}: prints the plan that makes the team match the file,
 * then applies it step by step. The service's governance still rules: a change to an ACTIVE
 * connection is proposed, not applied, and an activation the four-eyes rules refuse is left for a
 * second security admin; both are reported as pending, and the next apply does not propose again.
 */
@Command(
        name = "apply",
        description = "Make the team's connections, roles, servers and policies match a team file (plan first).",
        footerHeading = "%nExamples:%n",
        footer = {
            "  keyless admin apply -f team.yaml --dry-run   # only the plan",
            "  keyless admin apply -f team.yaml --yes       # no prompt (CI)",
            "  A list the file leaves out is not managed; a field an item leaves out keeps its value."
        })
public final class ApplyCommand implements Callable<Integer> {
    /** Refusals that mean "another admin must act", not "this file is wrong". */
    private static final Set<String> WAITS_FOR_ANOTHER_ADMIN =
            Set.of("approval-forbidden", "invalid-state-transition", "connection-locked");

    @Mixin
    AdminCall call;

    @Option(
            names = {"-f", "--file"},
            required = true,
            paramLabel = "FILE",
            description = "Team file (YAML or JSON), as 'keyless admin export' writes it.")
    Path file;

    @Option(names = "--dry-run", description = "Print the plan and change nothing.")
    boolean dryRun;

    @Option(names = "--yes", description = "Apply without asking (needed without a terminal).")
    boolean yes;

    @Override
    public Integer call() throws IOException {
        JsonNode desired = SpecFiles.read(file);
        String fileTeam = desired.path("team").asText(null);
        if (fileTeam != null && !fileTeam.equals(call.team())) {
            throw new IllegalArgumentException(
                    file + " is for team '" + fileTeam + "', not '" + call.team() + "' (--team / KEYLESS_TEAM)");
        }
        TeamState state = TeamState.fetch(call);
        List<Step> plan = TeamConfig.plan(desired, state.items(), state.pending());
        long changes = plan.stream().filter(s -> s.action() != Action.PENDING).count();
        StringBuilder out = new StringBuilder();
        plan.forEach(s -> out.append("  ").append(s.describe()).append('\n'));
        if (changes == 0) {
            call.line(out + "no changes: team " + call.team() + " matches " + file);
            return ExitCodes.OK;
        }
        call.line("plan for team " + call.team() + ": " + count(plan, Action.CREATE) + " to create, "
                + (changes - count(plan, Action.CREATE) - count(plan, Action.DELETE)) + " to change, "
                + count(plan, Action.DELETE) + " to delete\n" + out);
        if (dryRun) {
            return ExitCodes.OK;
        }
        if (!call.ctx().confirm("Apply these changes to team " + call.team() + "?", yes)) {
            call.line("nothing applied");
            return ExitCodes.USAGE;
        }
        for (Step step : plan) {
            apply(step);
        }
        return ExitCodes.OK;
    }

    private static long count(List<Step> plan, Action action) {
        return plan.stream().filter(s -> s.action() == action).count();
    }

    private void apply(Step step) {
        String item = step.kind().path() + "/" + AdminCall.encode(step.name());
        String what = step.kind().singular + " " + step.name();
        try {
            switch (step.action()) {
                case CREATE -> call.sendTeam("POST", step.kind().path(), step.body());
                case UPDATE -> {
                    AdminAnswer answer = call.sendTeam("PUT", item, step.body());
                    if (answer.status() == 202) {
                        call.line("pending: " + what + " (proposed; a second security admin approves it with"
                                + " 'keyless admin connections approve " + step.name() + "')");
                        return;
                    }
                }
                case ACTIVATE -> call.sendTeam("POST", item + "/activate", null);
                case DEACTIVATE -> call.sendTeam("POST", item + "/deactivate", null);
                case DELETE -> call.sendTeam("DELETE", item, null);
                case PENDING -> {
                    call.line("pending: " + what + " (already proposed, waits for approval)");
                    return;
                }
            }
            call.line("done:    " + step.action().name().toLowerCase(Locale.ROOT) + " " + what);
        } catch (KeylessProblemException e) {
            if (!WAITS_FOR_ANOTHER_ADMIN.contains(e.check())) {
                throw e;
            }
            call.line("pending: " + step.action().name().toLowerCase(Locale.ROOT) + " " + what
                    + " needs another security admin (" + e.check() + ")");
        }
    }
}
