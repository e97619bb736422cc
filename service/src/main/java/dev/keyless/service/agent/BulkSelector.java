package dev.keyless.service.agent;

import dev.keyless.protocol.AgentRequests.BulkEnrollmentTokens;
import dev.keyless.protocol.Problem.FieldError;
import dev.keyless.service.name.InvalidNameException;
import dev.keyless.service.name.Names;
import dev.keyless.service.problem.KeylessException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The label selector of a bulk enrolment-token request, checked with the grammars labels are
 * stored under. At least one label: an empty selector would mint a token for every server of the
 * team, which one mistyped request should not do.
 */
final class BulkSelector {
    static final int MAX_SERVERS = 1000;
    static final int MAX_LABELS = 32;

    private BulkSelector() {}

    static Map<String, String> labels(BulkEnrollmentTokens request) {
        if (request == null || request.selector() == null || request.selector().labels() == null) {
            throw KeylessException.invalid("selector.labels", "is required");
        }
        Map<String, String> given = request.selector().labels();
        if (given.isEmpty()) {
            throw KeylessException.invalid(
                    "selector.labels", "needs at least one label (to select every server, label them all)");
        }
        if (given.size() > MAX_LABELS) {
            throw KeylessException.invalid("selector.labels", "at most " + MAX_LABELS + " labels");
        }
        List<FieldError> errors = new ArrayList<>();
        Map<String, String> labels = new TreeMap<>();
        given.forEach((key, value) -> {
            try {
                String k = Names.labelKey("selector.labels", key);
                labels.put(k, Names.labelValue("selector.labels." + k, value));
            } catch (InvalidNameException e) {
                errors.add(new FieldError(e.field(), e.getMessage()));
            }
        });
        if (!errors.isEmpty()) {
            throw KeylessException.invalid(errors);
        }
        return labels;
    }

    /** {@code env=prod,tier=web}: validated labels only, for the audit trail. */
    static String describe(Map<String, String> labels) {
        return labels.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
    }
}
