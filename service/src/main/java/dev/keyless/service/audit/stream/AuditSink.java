package dev.keyless.service.audit.stream;

import java.io.IOException;
import java.util.List;

/**
 * Where the stream goes. One thread calls a sink (the {@link SinkWorker} that holds its lease), so
 * implementations need not be thread-safe.
 */
interface AuditSink {
    /** The lease and cursor name: one replica streams each name. */
    String name();

    /**
     * Delivers the items in order and returns only once the destination has taken all of them
     * (flushed to disk, written to the socket, answered 2xx). On failure some may have arrived:
     * they are sent again, which is the at-least-once the stream promises.
     */
    void deliver(List<StreamItem> items) throws IOException;

    /** Drops any connection or open file; the next delivery starts afresh. */
    void reset();
}
