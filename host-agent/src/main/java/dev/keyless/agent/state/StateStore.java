package dev.keyless.agent.state;

import dev.keyless.agent.api.Json;
import dev.keyless.agent.os.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads and atomically saves {@link AgentState} in a 0700 state dir. Callers serialise access. */
public final class StateStore {
    public static final Path DEFAULT_DIR = Path.of("/var/lib/keyless-agent");
    private static final String FILE = "state.json";

    private final Path directory;

    public StateStore(Path directory) {
        this.directory = directory;
    }

    public Path directory() {
        return directory;
    }

    /** Creates the directory with mode 0700 (and tightens an existing one). */
    public void prepare() {
        AtomicFiles.directory(directory, "rwx------");
    }

    public boolean exists() {
        return Files.exists(directory.resolve(FILE));
    }

    public AgentState load() {
        try {
            return Json.MAPPER.readValue(directory.resolve(FILE).toFile(), AgentState.class);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + directory.resolve(FILE) + "; is the agent enrolled?", e);
        }
    }

    public void save(AgentState state) {
        try {
            AtomicFiles.write(
                    directory.resolve(FILE),
                    Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(state),
                    "rw-------");
        } catch (IOException e) {
            throw new UncheckedIOException("could not save the agent state", e);
        }
    }
}
