package dev.keyless.service.observability;

import io.micronaut.http.HttpRequest;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The id of one request. A caller's (or its proxy's) {@code X-Request-Id} is kept when it is a
 * short token of safe characters, so one id follows a request through the proxy's log and ours;
 * anything else is replaced, since the header is client text that would otherwise reach every log
 * line.
 */
public final class RequestIds {
    public static final String HEADER = "X-Request-Id";
    public static final String MDC_KEY = "request_id";
    static final String ATTRIBUTE = "keyless.request-id";
    private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9._:-]{8,64}");

    private RequestIds() {}

    /** The request's id; a fresh one for a request the filter has not seen (should not happen). */
    public static String of(HttpRequest<?> request) {
        return request.getAttribute(ATTRIBUTE, String.class).orElseGet(RequestIds::fresh);
    }

    static String chooseFor(String incoming) {
        return incoming != null && WELL_FORMED.matcher(incoming).matches() ? incoming : fresh();
    }

    static String fresh() {
        return UUID.randomUUID().toString();
    }
}
