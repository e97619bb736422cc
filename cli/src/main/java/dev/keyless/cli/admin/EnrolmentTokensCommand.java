package dev.keyless.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyless.cli.ExitCodes;
import dev.keyless.client.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code keyless admin servers enrolment-tokens SERVER} (one server) or {@code --selector env=prod}
 * (one token per server whose labels match, {@code POST /servers/enrollment-tokens}, for a fleet).
 * The tokens are the output the admin asked for, so they are printed as they are.
 */
@Command(
        name = "enrolment-tokens",
        aliases = "enrollment-tokens",
        description = "Mint one-time, short-lived enrolment tokens for host agents: one server, or every server"
                + " a label selector matches.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  keyless admin servers enrolment-tokens web-01",
            "  keyless admin servers enrolment-tokens --selector env=prod --output json > tokens.json"
        })
public final class EnrolmentTokensCommand implements Callable<Integer> {
    static final List<String> COLUMNS = List.of("server", "token", "expires_at");

    @Mixin
    AdminCall call;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "SERVER", description = "The server the agent runs on.")
    String server;

    @Option(
            names = "--selector",
            split = ",",
            paramLabel = "KEY=VALUE",
            description = "Instead of SERVER: every server carrying these labels (repeat or separate with commas;"
                    + " all must match).")
    List<String> selector;

    @Override
    public Integer call() {
        if ((server == null) == (selector == null || selector.isEmpty())) {
            throw new ParameterException(spec.commandLine(), "Give either SERVER or --selector KEY=VALUE");
        }
        if (server != null) {
            call.show(call.call("POST", "/servers/" + AdminCall.encode(server) + "/enrollment-tokens", null), COLUMNS);
            return ExitCodes.OK;
        }
        Map<String, String> labels = new LinkedHashMap<>();
        for (String label : selector) {
            int equals = label.indexOf('=');
            if (equals <= 0) {
                throw new ParameterException(spec.commandLine(), "--selector takes KEY=VALUE, not '" + label + "'");
            }
            labels.put(label.substring(0, equals), label.substring(equals + 1));
        }
        JsonNode tokens = call.call(
                "POST",
                "/servers/enrollment-tokens",
                Json.mapper().valueToTree(Map.of("selector", Map.of("labels", labels))));
        if (tokens == null || tokens.isEmpty()) {
            if (call.json()) {
                call.printJson(tokens);
            }
            call.ctx().error("keyless: no server matches the selector");
            return ExitCodes.OK;
        }
        call.show(tokens, COLUMNS);
        return ExitCodes.OK;
    }
}
