package dev.keyless.agent.api;

/**
 * A call to the service failed: {@code status} is the HTTP status (0 when the service could not be
 * reached) and {@code check} the problem slug when the service sent one.
 */
public final class AgentApiException extends RuntimeException {
    private final int status;
    private final String check;

    public AgentApiException(int status, String check, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.check = check;
    }

    public int status() {
        return status;
    }

    public String check() {
        return check;
    }
}
