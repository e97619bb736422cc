package dev.keyless.service.audit.checkpoint;

/** The answer of {@code POST .../audit/verify}: the chain check plus the checkpoints it matched. */
public record CheckpointVerification(
        boolean valid, long eventsChecked, int checkpointsChecked, Long firstBrokenSeq, String detail) {
    static CheckpointVerification broken(long events, int checkpoints, Long seq, String detail) {
        return new CheckpointVerification(false, events, checkpoints, seq, detail);
    }
}
