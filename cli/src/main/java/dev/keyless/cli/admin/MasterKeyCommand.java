package dev.keyless.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyless.cli.ExitCodes;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code keyless admin master-key reseal}: the re-seal step of a master-key rotation, for the
 * operator token (or a security admin of the bootstrap team), as {@code teams} is.
 */
@Command(
        name = "master-key",
        description = "Master-key rotation (operator token, or a bootstrap-team security admin).",
        footerHeading = "%nExamples:%n",
        footer = "  keyless admin master-key reseal --admin-token-env KEYLESS_OPERATOR_TOKEN")
public final class MasterKeyCommand {
    @Command(
            name = "reseal",
            description = "Re-seal every CA key, service key and secret data key still under the previous master"
                    + " key with the current one, in one transaction; safe to run again. Run it once every replica"
                    + " holds the new key as KEYLESS_MASTER_KEY and the old one as KEYLESS_MASTER_KEY_PREVIOUS;"
                    + " then remove the previous key and restart them.",
            footerHeading = "%nExamples:%n",
            footer = "  keyless admin master-key reseal --admin-token-env KEYLESS_OPERATOR_TOKEN --output json")
    int reseal(@Mixin AdminCall call) {
        JsonNode done =
                call.send("POST", "/v1/operator/master-key/reseal", null).body();
        if (call.json()) {
            call.printJson(done);
            return ExitCodes.OK;
        }
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, JsonNode> kind : done.path("resealed").properties()) {
            out.append(String.format(
                    "%-17s %d re-sealed%n", kind.getKey() + ":", kind.getValue().asInt()));
        }
        out.append(
                done.path("previous_key_held").asBoolean()
                        ? "every value is now under the current master key: remove KEYLESS_MASTER_KEY_PREVIOUS"
                                + " (or master.key.previous) and restart each replica"
                        : "the service holds no previous master key: every value opens under the current key");
        call.line(out.toString());
        return ExitCodes.OK;
    }
}
