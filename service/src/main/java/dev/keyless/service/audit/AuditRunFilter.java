package dev.keyless.service.audit;

import dev.keyless.service.audit.AuditQuery.RunSelector;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL of a run filter. Only the exchange (and its refusals) carry the run's claims; the
 * certificate requests carry the access token id, and the sessions' later events (login, account,
 * close) carry the session id. So a run is: the events matching the selector, every event of the
 * access tokens they carry, and every event of the sessions any of those opened — all through
 * indexed columns of one team.
 */
final class AuditRunFilter {
    private AuditRunFilter() {}

    static void append(StringBuilder sql, List<Object> params, String team, RunSelector run) {
        if (run == null || run.isEmpty()) {
            return;
        }
        List<Object> selectorParams = new ArrayList<>();
        String selector = selector(run, selectorParams);
        String tokens = "SELECT token_id FROM audit_event WHERE team = ? AND token_id IS NOT NULL AND " + selector;
        sql.append(" AND (")
                .append(selector)
                .append(" OR token_id IN (")
                .append(tokens)
                .append(") OR session_id IN (SELECT session_id FROM audit_event WHERE team = ?")
                .append(" AND session_id IS NOT NULL AND (")
                .append(selector)
                .append(" OR token_id IN (")
                .append(tokens)
                .append("))))");
        params.addAll(selectorParams);
        params.add(team);
        params.addAll(selectorParams);
        params.add(team);
        params.addAll(selectorParams);
        params.add(team);
        params.addAll(selectorParams);
    }

    private static String selector(RunSelector run, List<Object> params) {
        List<String> clauses = new ArrayList<>();
        add(clauses, params, "token_id = ?", run.tokenId());
        add(
                clauses,
                params,
                "subject_hash = ?",
                run.subject() == null ? null : AuditFilterColumns.subjectHash(run.subject()));
        add(clauses, params, "run_id = ?", run.runId());
        add(clauses, params, "repository = ?", run.repository());
        add(clauses, params, "actor = ?", run.actor());
        return "(" + String.join(" AND ", clauses) + ")";
    }

    private static void add(List<String> clauses, List<Object> params, String clause, String value) {
        if (value != null) {
            clauses.add(clause);
            params.add(value);
        }
    }
}
