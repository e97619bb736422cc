-- Host agents: one-time enrolment tokens, enrolled agents, per-server event queues and the
-- serials of revoked certificates (the agents' KRL).

CREATE TABLE enrollment_token (
    token_hash  CHAR(64)     NOT NULL PRIMARY KEY,
    team        VARCHAR(63)  NOT NULL,
    server      VARCHAR(63)  NOT NULL,
    created_by  VARCHAR(63)  NOT NULL,
    expires_at  BIGINT       NOT NULL,
    used_at     BIGINT
);

CREATE TABLE agent (
    id               VARCHAR(40)   NOT NULL PRIMARY KEY,
    team             VARCHAR(63)   NOT NULL,
    server           VARCHAR(63)   NOT NULL,
    public_key       VARCHAR(512)  NOT NULL,
    host_public_key  VARCHAR(2048) NOT NULL,
    enrolled_at      BIGINT        NOT NULL,
    last_seen_at     BIGINT        NOT NULL,
    CONSTRAINT agent_server UNIQUE (team, server)
);

CREATE TABLE agent_event_head (
    team    VARCHAR(63)  NOT NULL,
    server  VARCHAR(63)  NOT NULL,
    seq     BIGINT       NOT NULL,
    PRIMARY KEY (team, server)
);

CREATE TABLE agent_event (
    team        VARCHAR(63)  NOT NULL,
    server      VARCHAR(63)  NOT NULL,
    seq         BIGINT       NOT NULL,
    type        VARCHAR(32)  NOT NULL,
    session_id  VARCHAR(40)  NOT NULL,
    created_at  BIGINT       NOT NULL,
    PRIMARY KEY (team, server, seq)
);

CREATE TABLE revoked_serial (
    team        VARCHAR(63)  NOT NULL,
    serial      VARCHAR(20)  NOT NULL,
    session_id  VARCHAR(40)  NOT NULL,
    revoked_at  BIGINT       NOT NULL,
    expires_at  BIGINT       NOT NULL,
    PRIMARY KEY (team, serial)
);
