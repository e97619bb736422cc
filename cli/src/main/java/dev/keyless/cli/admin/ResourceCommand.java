package dev.keyless.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyless.cli.ExitCodes;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code list}, {@code get NAME}, {@code create -f FILE}, {@code update NAME -f FILE} and {@code
 * delete NAME} for one admin resource under {@code /v1/teams/{team}/<resource>}. The file is the
 * request body of the HTTP API, in YAML or JSON.
 */
abstract class ResourceCommand {
    /** The path segment, e.g. {@code connections}. */
    abstract String resource();

    /** The columns of {@code list}. */
    abstract List<String> columns();

    /**
     * The rows of {@code list}'s table, from the API's answer: as they are, unless a resource
     * derives columns from nested fields. {@code --output json} prints the answer unchanged.
     */
    JsonNode tableRows(JsonNode answer) {
        return answer;
    }

    @Command(
            name = "list",
            description = "List them as a table (--output json for scripts).",
            footerHeading = "%nExamples:%n",
            footer = {
                "  keyless admin ${PARENT-COMMAND-NAME} list",
                "  keyless admin ${PARENT-COMMAND-NAME} list --output json"
            })
    int list(@Mixin AdminCall call) {
        JsonNode answer = call.call("GET", "/" + resource(), null);
        call.show(call.json() ? answer : tableRows(answer), columns());
        return ExitCodes.OK;
    }

    @Command(
            name = "get",
            description = "Show one.",
            footerHeading = "%nExamples:%n",
            footer = "  keyless admin ${PARENT-COMMAND-NAME} get NAME --output json")
    int get(@Mixin AdminCall call, @Parameters(paramLabel = "NAME", description = "Its name.") String name) {
        call.show(call.call("GET", "/" + resource() + "/" + AdminCall.encode(name), null));
        return ExitCodes.OK;
    }

    @Command(
            name = "create",
            description = "Create one from a YAML or JSON file (the request body of the HTTP API).",
            footerHeading = "%nExamples:%n",
            footer = "  keyless admin ${PARENT-COMMAND-NAME} create -f new.yaml")
    int create(
            @Mixin AdminCall call,
            @Option(
                            names = {"-f", "--file"},
                            required = true,
                            paramLabel = "FILE",
                            description = "YAML or JSON file with the settings, including name.")
                    Path file) {
        call.show(call.call("POST", "/" + resource(), SpecFiles.read(file)));
        return ExitCodes.OK;
    }

    @Command(
            name = "update",
            description = "Replace one's settings with a YAML or JSON file (the name is the argument's).",
            footerHeading = "%nExamples:%n",
            footer = "  keyless admin ${PARENT-COMMAND-NAME} update NAME -f changed.yaml")
    int update(
            @Mixin AdminCall call,
            @Parameters(paramLabel = "NAME", description = "Its name.") String name,
            @Option(
                            names = {"-f", "--file"},
                            required = true,
                            paramLabel = "FILE",
                            description = "YAML or JSON file with the new settings.")
                    Path file) {
        JsonNode body = SpecFiles.read(file);
        ((ObjectNode) body).put("name", name);
        var answer = call.sendTeam("PUT", "/" + resource() + "/" + AdminCall.encode(name), body);
        if (answer.status() == 202) {
            call.ctx()
                    .error("keyless: proposed, not applied: the change waits for a second security admin"
                            + " ('keyless admin connections pending " + name + "')");
        }
        call.show(answer.body());
        return ExitCodes.OK;
    }

    @Command(
            name = "delete",
            description = "Delete one, after asking on the terminal (--yes: without asking, as in CI).",
            footerHeading = "%nExamples:%n",
            footer = {
                "  keyless admin ${PARENT-COMMAND-NAME} delete NAME",
                "  keyless admin ${PARENT-COMMAND-NAME} delete NAME --yes   # no prompt (scripts, CI)"
            })
    int delete(
            @Mixin AdminCall call,
            @Parameters(paramLabel = "NAME", description = "Its name.") String name,
            @Option(names = "--yes", description = "Delete without asking (needed without a terminal).") boolean yes) {
        String what = singular() + " '" + name + "' of team " + call.team();
        if (!call.ctx().confirm("Delete " + what + deleteConsequence() + "?", yes)) {
            call.line("nothing deleted");
            return ExitCodes.USAGE;
        }
        call.call("DELETE", "/" + resource() + "/" + AdminCall.encode(name), null);
        call.line("deleted " + name);
        return ExitCodes.OK;
    }

    /** The word for one, e.g. {@code connection}. */
    abstract String singular();

    /** What else a deletion does, as a clause of the question (empty, or starting with ", "). */
    String deleteConsequence() {
        return "";
    }
}
