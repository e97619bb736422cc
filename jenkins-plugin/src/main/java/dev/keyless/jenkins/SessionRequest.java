package dev.keyless.jenkins;

import java.io.Serializable;
import java.util.List;

/**
 * What the step asks for, without Jenkins types: sent to the node where the block runs.
 *
 * @param audience null: the credential fixes the token's audience
 */
record SessionRequest(
        String serviceUrl,
        String team,
        String connection,
        String audience,
        String role,
        List<String> servers,
        int timeoutSeconds)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    SessionRequest {
        servers = List.copyOf(servers);
    }
}
