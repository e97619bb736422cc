package dev.keyless.jenkins;

import hudson.util.Secret;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * A session held open on a node: its id in that node's {@link NodeSessions}, the variables the
 * block gets, and every secret to mask, kept as {@link Secret} the way credentials-binding's own
 * masking filter keeps its pattern.
 */
record SessionHandle(String id, Map<String, String> environment, List<Secret> secrets, String summary)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    SessionHandle {
        environment = Map.copyOf(environment);
        secrets = List.copyOf(secrets);
    }

    /** On the controller: encrypts what the node sent back. */
    static SessionHandle of(NodeSessions.Opened opened) {
        return new SessionHandle(
                opened.id(),
                opened.environment(),
                opened.secrets().stream().map(Secret::fromString).toList(),
                opened.summary());
    }
}
