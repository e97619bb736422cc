package dev.keyless.agent.os;

import dev.keyless.protocol.sudo.SudoCommand;
import java.util.List;

/** One sudoers drop-in per session, {@code keyless-<session id>}. */
public interface SudoersFiles {
    /** Renders, checks with visudo and installs the session's file (0440, root). */
    void install(String sessionId, String role, List<SudoCommand> commands);

    /** Removes the session's file; returns false when there was none. */
    boolean remove(String sessionId);

    /** The session ids of every {@code keyless-*} file present. */
    List<String> sessionIds();
}
