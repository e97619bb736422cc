package dev.keyless.cli;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Run by the build ({@code package}, exec-maven-plugin): renders from the command tree itself the
 * bash completion script ({@code target/completion/keyless_completion}; zsh loads it after {@code
 * autoload -U +X bashcompinit && bashcompinit}) and one AsciiDoc man page per command
 * ({@code target/man/*.adoc}, picocli-codegen's ManPageGenerator; {@code asciidoctor -b manpage}
 * turns them into troff). Kept out of the jar: picocli-codegen is a test dependency.
 */
public final class CliDocs {
    private CliDocs() {}

    public static void main(String[] args) throws IOException {
        Path target = Path.of(args.length > 0 ? args[0] : "target");
        // An empty environment: the defaults shown are the built-in ones, not the build machine's.
        CommandLine cli = KeylessCli.commandLine(
                new Context(Map.of(), new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())));
        Path completion = Files.createDirectories(target.resolve("completion"));
        Files.writeString(
                completion.resolve("keyless_completion"), AutoComplete.bash("keyless", cli), StandardCharsets.UTF_8);
        File man = Files.createDirectories(target.resolve("man")).toFile();
        int exit = ManPageGenerator.generateManPage(man, null, new boolean[0], false, cli.getCommandSpec());
        if (exit != 0) {
            throw new IllegalStateException("man page generation failed: " + exit);
        }
    }
}
