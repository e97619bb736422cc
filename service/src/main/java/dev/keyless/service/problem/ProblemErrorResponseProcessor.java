package dev.keyless.service.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.keyless.protocol.Problem;
import dev.keyless.protocol.ProblemType;
import dev.keyless.service.observability.RequestIds;
import io.micronaut.context.annotation.Primary;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers every error Micronaut itself raises (malformed JSON, unknown fields, wrong types, size
 * limits, unknown routes, unexpected failures) as a problem response. Parser messages are never
 * passed through: they can quote the request body, which may hold a token.
 */
@Singleton
@Primary
final class ProblemErrorResponseProcessor implements ErrorResponseProcessor<Problem> {
    private static final Logger LOG = LoggerFactory.getLogger(ProblemErrorResponseProcessor.class);
    private static final Pattern SAFE_FIELD = Pattern.compile("[A-Za-z0-9_]{1,64}");

    @Override
    public MutableHttpResponse<Problem> processResponse(ErrorContext context, MutableHttpResponse<?> response) {
        int status = response.code();
        Problem problem = status >= 500 ? serverFault(context, status) : clientFault(context, status);
        return response.contentType(ProblemJson.MEDIA_TYPE).body(problem);
    }

    private static Problem serverFault(ErrorContext context, int status) {
        String requestId = RequestIds.of(context.getRequest());
        LOG.error(
                "request {} {} {} failed",
                requestId,
                context.getRequest().getMethodName(),
                context.getRequest().getPath(),
                context.getRootCause().orElse(null));
        ProblemType type = status == 503 ? ProblemType.UNAVAILABLE : ProblemType.INTERNAL;
        return new Problem(
                type.type(),
                type.title(),
                status,
                "See the service log for request " + requestId,
                type.slug(),
                null,
                null,
                null,
                null,
                requestId);
    }

    private static Problem clientFault(ErrorContext context, int status) {
        ProblemType type =
                switch (status) {
                    case 404 -> ProblemType.NOT_FOUND;
                    case 405 -> ProblemType.METHOD_NOT_ALLOWED;
                    case 413 -> ProblemType.BODY_TOO_LARGE;
                    case 415 -> ProblemType.UNSUPPORTED_MEDIA_TYPE;
                    default -> ProblemType.MALFORMED_REQUEST;
                };
        String detail = context.getRootCause()
                .map(ProblemErrorResponseProcessor::describe)
                .orElse(type.title());
        return new Problem(type.type(), type.title(), status, detail, type.slug(), null, null, null, null, null);
    }

    private static String describe(Throwable cause) {
        Throwable t = cause;
        while (t != null) {
            if (t instanceof UnrecognizedPropertyException u) {
                return unknownField(u);
            }
            if (t instanceof MismatchedInputException m) {
                return "Field " + path(m) + " has the wrong type or shape";
            }
            if (t instanceof JsonMappingException m) {
                return "Field " + path(m) + " could not be read";
            }
            if (t instanceof JsonProcessingException) {
                return "The body is not valid JSON";
            }
            if (t instanceof io.micronaut.http.exceptions.ContentLengthExceededException) {
                return "The body exceeds the maximum request size";
            }
            t = t.getCause();
        }
        return "The request could not be read";
    }

    /**
     * The unknown name itself is never repeated: it is the client's text, and a pasted token or an
     * injection attempt reads as well as a typo. The fields the type does accept are ours.
     */
    private static String unknownField(UnrecognizedPropertyException u) {
        List<JsonMappingException.Reference> refs = u.getPath();
        String where = refs.size() > 1 ? " in " + path(refs.subList(0, refs.size() - 1)) : "";
        String known = u.getKnownPropertyIds() == null
                ? ""
                : u.getKnownPropertyIds().stream()
                        .map(String::valueOf)
                        .filter(name -> SAFE_FIELD.matcher(name).matches())
                        .sorted()
                        .collect(Collectors.joining(", ", "; accepted fields: ", ""));
        return "Unknown field" + where + known;
    }

    private static String path(JsonMappingException e) {
        return path(e.getPath());
    }

    private static String path(List<JsonMappingException.Reference> refs) {
        String joined =
                refs.stream().map(ProblemErrorResponseProcessor::segment).collect(Collectors.joining("."));
        return joined.isEmpty() ? "(body)" : joined;
    }

    /**
     * A property of one of our request types is named; a key of a map in the body (claim names,
     * labels) is the client's text and stays {@code {key}}, like an unknown field.
     */
    private static String segment(JsonMappingException.Reference ref) {
        if (ref.getFieldName() == null) {
            return "[" + ref.getIndex() + "]";
        }
        Object from = ref.getFrom();
        boolean mapKey = from instanceof Map<?, ?> || (from instanceof Class<?> c && Map.class.isAssignableFrom(c));
        String name = ref.getFieldName();
        return !mapKey && SAFE_FIELD.matcher(name).matches() ? "'" + name + "'" : "{key}";
    }
}
