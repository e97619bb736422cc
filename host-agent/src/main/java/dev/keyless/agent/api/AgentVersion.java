package dev.keyless.agent.api;

import dev.keyless.protocol.AgentRequests;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The agent's own version, from the build ({@code keyless-agent-version.properties}); it is
 * reported to the service on enrolment and in every signed request, for the Servers page.
 */
public final class AgentVersion {
    /** {@code dev} when the classes run outside a build that filled the version in. */
    public static final String CURRENT = read();

    private AgentVersion() {}

    private static String read() {
        try (InputStream in = AgentVersion.class.getResourceAsStream("/keyless-agent-version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            String v = p.getProperty("version", "dev");
            return v.matches(AgentRequests.AGENT_VERSION_PATTERN) ? v : "dev";
        } catch (IOException e) {
            return "dev";
        }
    }
}
