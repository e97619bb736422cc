package dev.keyless.service.audit;

import dev.keyless.protocol.AuditRequests.AuditEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The indexed columns that answer "everything this pipeline run did": the access token id, the
 * platform subject (as its SHA-256, see V14), the run id, the repository and the acting person,
 * taken from what the event already records. Pure. V14 fills old events the same way.
 */
record AuditFilterColumns(String tokenId, String subjectHash, String runId, String repository, String actor) {
    static final int MAX_TOKEN_ID = 64;
    static final int MAX_VALUE = 256;
    static final int MAX_SUBJECT = 1024;
    private static final List<String> RUN_ID =
            List.of("run_id", "job_id", "pipeline_id", "build_number", "oidc.circleci.com/pipeline-id");
    private static final List<String> REPOSITORY =
            List.of("repository", "project_path", "oidc.circleci.com/vcs-origin");
    private static final List<String> ACTOR = List.of("actor", "user_login");

    static AuditFilterColumns of(AuditEvent e) {
        Map<String, String> claims = e.claims() == null ? Map.of() : e.claims();
        String actor = first(claims, ACTOR);
        if (actor == null && "admin".equals(e.actorType())) {
            actor = cap(e.actorId());
        }
        String tokenId = e.tokenId() != null && e.tokenId().length() <= MAX_TOKEN_ID ? e.tokenId() : null;
        return new AuditFilterColumns(
                tokenId,
                e.subject() == null ? null : subjectHash(e.subject()),
                first(claims, RUN_ID),
                first(claims, REPOSITORY),
                actor);
    }

    static String subjectHash(String subject) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(subject.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    private static String first(Map<String, String> claims, List<String> names) {
        for (String name : names) {
            String value = claims.get(name);
            if (value != null) {
                return cap(value);
            }
        }
        return null;
    }

    private static String cap(String value) {
        return value == null || value.length() <= MAX_VALUE ? value : value.substring(0, MAX_VALUE);
    }
}
