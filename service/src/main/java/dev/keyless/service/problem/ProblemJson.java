package dev.keyless.service.problem;

/** The problem media type (RFC 7807). */
public final class ProblemJson {
    public static final String MEDIA_TYPE = "application/problem+json";

    private ProblemJson() {}
}
