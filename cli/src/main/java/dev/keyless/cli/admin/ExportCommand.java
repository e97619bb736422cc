package dev.keyless.cli.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.keyless.cli.ExitCodes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code keyless admin export [-o team.yaml]}: the team's configuration in the format of {@code apply}. */
@Command(
        name = "export",
        description = "Write the team's connections, roles, servers and policies as a team file for 'apply'.",
        footerHeading = "%nExamples:%n",
        footer = {"  keyless admin export > team.yaml", "  keyless admin export -o team.yaml --team acme"})
public final class ExportCommand implements Callable<Integer> {
    @Mixin
    AdminCall call;

    @Option(
            names = {"-o", "--out"},
            paramLabel = "FILE",
            description = "Write here (atomically) instead of stdout.")
    Path out;

    @Override
    public Integer call() throws IOException {
        String yaml = yaml(TeamState.fetch(call).toFile(call.team()));
        if (out == null) {
            call.ctx().out().print(yaml);
            call.ctx().out().flush();
        } else {
            Path tmp = Files.createTempFile(out.toAbsolutePath().getParent(), "." + out.getFileName(), ".tmp");
            try {
                Files.writeString(tmp, yaml, StandardCharsets.UTF_8);
                Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        return ExitCodes.OK;
    }

    static String yaml(Object node) throws JsonProcessingException {
        return "# keyless admin export; 'keyless admin apply -f' makes a team match it\n"
                + SpecFiles.YAML.writeValueAsString(node).replaceFirst("^---\n", "");
    }
}
