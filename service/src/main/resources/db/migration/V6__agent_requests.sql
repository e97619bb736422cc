-- Signed agent requests are single-use: each request's jti is claimed here under the primary key,
-- so a second use is refused on every replica. A row is kept until the request's header could no
-- longer pass the time checks (exp plus the allowed clock skew), then purged.

CREATE TABLE agent_request (
    agent_id    VARCHAR(40)  NOT NULL,
    jti         VARCHAR(64)  NOT NULL,
    expires_at  BIGINT       NOT NULL,
    PRIMARY KEY (agent_id, jti)
);
CREATE INDEX agent_request_expiry ON agent_request (expires_at);
