-- Per-team limits on POST /workload/authenticate (requests per minute; 0 = no limit). A team
-- without a row uses the service-wide defaults (keyless.rate-limits.*).
CREATE TABLE team_rate_limit (
    team              VARCHAR(63) NOT NULL PRIMARY KEY,
    per_connection    INT         NOT NULL,
    per_client_ip     INT         NOT NULL,
    updated_at        BIGINT      NOT NULL
);
