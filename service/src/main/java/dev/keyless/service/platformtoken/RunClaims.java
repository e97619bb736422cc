package dev.keyless.service.platformtoken;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The claims that identify a CI run (repository, ref, sha, workflow, run, actor — whichever the
 * platform has), picked for the audit trail, and the run id for the certificate's key id.
 */
public final class RunClaims {
    private static final List<String> AUDITED = List.of(
            "repository",
            "repository_id",
            "repository_owner",
            "ref",
            "sha",
            "workflow",
            "workflow_ref",
            "job_workflow_ref",
            "run_id",
            "run_attempt",
            "actor",
            "environment",
            "event_name",
            "project_path",
            "project_id",
            "pipeline_id",
            "job_id",
            "ci_config_ref_uri",
            "user_login",
            "namespace_path",
            "build_number",
            "job_name",
            "oidc.circleci.com/project-id",
            "oidc.circleci.com/pipeline-id",
            "oidc.circleci.com/vcs-ref",
            "oidc.circleci.com/vcs-origin",
            "email",
            "pipeline_name",
            "run_number");
    private static final List<String> RUN_ID =
            List.of("run_id", "job_id", "pipeline_id", "build_number", "oidc.circleci.com/pipeline-id");
    private static final Pattern SAFE_RUN_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final int MAX_VALUE = 256;

    private RunClaims() {}

    public static Map<String, String> audited(Map<String, Object> claims) {
        Map<String, String> picked = new TreeMap<>();
        for (String name : AUDITED) {
            Object value = claims.get(name);
            if (value instanceof String || value instanceof Number || value instanceof Boolean) {
                String s = String.valueOf(value);
                picked.put(name, s.length() > MAX_VALUE ? s.substring(0, MAX_VALUE) : s);
            }
        }
        return picked;
    }

    /** The run id, if the token has one that is safe to put in a certificate key id. */
    public static String runId(Map<String, Object> claims) {
        for (String name : RUN_ID) {
            Object value = claims.get(name);
            if (value instanceof String || value instanceof Number) {
                String s = String.valueOf(value);
                if (SAFE_RUN_ID.matcher(s).matches()) {
                    return s;
                }
            }
        }
        return null;
    }
}
