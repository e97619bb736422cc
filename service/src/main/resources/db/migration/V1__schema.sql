-- Keyless schema. Runs unchanged on H2 and MySQL 8 / MariaDB 10.11: natural keys (no
-- auto-increment), times as epoch milliseconds in BIGINT, JSON documents in TEXT.

CREATE TABLE team (
    name            VARCHAR(63)  NOT NULL PRIMARY KEY,
    config_version  BIGINT       NOT NULL,
    created_at      BIGINT       NOT NULL
);

CREATE TABLE admin (
    team        VARCHAR(63)  NOT NULL,
    name        VARCHAR(63)  NOT NULL,
    role        VARCHAR(32)  NOT NULL,
    token_hash  CHAR(64)     NOT NULL,
    created_by  VARCHAR(63)  NOT NULL,
    created_at  BIGINT       NOT NULL,
    PRIMARY KEY (team, name),
    CONSTRAINT admin_token_hash UNIQUE (token_hash)
);

CREATE TABLE workload_connection (
    team                   VARCHAR(63)  NOT NULL,
    name                   VARCHAR(63)  NOT NULL,
    provider               VARCHAR(32)  NOT NULL,
    issuer                 VARCHAR(512) NOT NULL,
    jwks_uri               VARCHAR(1024),
    jwks_pinned            TEXT,
    audiences              TEXT         NOT NULL,
    algorithms             TEXT         NOT NULL,
    required_claims        TEXT         NOT NULL,
    max_token_age_seconds  INT          NOT NULL,
    clock_skew_seconds     INT          NOT NULL,
    state                  VARCHAR(16)  NOT NULL,
    generation             BIGINT       NOT NULL,
    content_hash           CHAR(64)     NOT NULL,
    created_by             VARCHAR(63)  NOT NULL,
    created_at             BIGINT       NOT NULL,
    updated_at             BIGINT       NOT NULL,
    PRIMARY KEY (team, name)
);

CREATE TABLE workload_role (
    team        VARCHAR(63)  NOT NULL,
    name        VARCHAR(30)  NOT NULL,
    connection  VARCHAR(63)  NOT NULL,
    claims      TEXT         NOT NULL,
    generation  BIGINT       NOT NULL,
    updated_at  BIGINT       NOT NULL,
    PRIMARY KEY (team, name)
);

CREATE TABLE policy (
    team        VARCHAR(63)  NOT NULL,
    name        VARCHAR(63)  NOT NULL,
    spec        TEXT         NOT NULL,
    updated_at  BIGINT       NOT NULL,
    PRIMARY KEY (team, name)
);

-- Generations survive deletion: a role or connection deleted and created again under the same
-- name must not revive access tokens issued under the earlier one.
CREATE TABLE generation_counter (
    team        VARCHAR(63)  NOT NULL,
    kind        VARCHAR(16)  NOT NULL,
    name        VARCHAR(63)  NOT NULL,
    generation  BIGINT       NOT NULL,
    PRIMARY KEY (team, kind, name)
);

CREATE TABLE server (
    team        VARCHAR(63)  NOT NULL,
    name        VARCHAR(63)  NOT NULL,
    address     VARCHAR(255) NOT NULL,
    port        INT          NOT NULL,
    labels      TEXT         NOT NULL,
    created_at  BIGINT       NOT NULL,
    PRIMARY KEY (team, name)
);

CREATE TABLE ca_key (
    team            VARCHAR(63)  NOT NULL,
    kind            VARCHAR(8)   NOT NULL,
    key_id          VARCHAR(64)  NOT NULL,
    public_key      VARCHAR(512) NOT NULL,
    sealed_private  VARCHAR(512) NOT NULL,
    active          BOOLEAN      NOT NULL,
    created_at      BIGINT       NOT NULL,
    PRIMARY KEY (team, kind, key_id)
);

CREATE TABLE service_key (
    key_id          VARCHAR(64)  NOT NULL PRIMARY KEY,
    purpose         VARCHAR(32)  NOT NULL,
    sealed_private  VARCHAR(512) NOT NULL,
    created_at      BIGINT       NOT NULL
);

CREATE TABLE used_token (
    team        VARCHAR(63)  NOT NULL,
    key_hash    CHAR(64)     NOT NULL,
    expires_at  BIGINT       NOT NULL,
    PRIMARY KEY (team, key_hash)
);
CREATE INDEX used_token_expiry ON used_token (expires_at);

CREATE TABLE ssh_session (
    id              VARCHAR(40)  NOT NULL PRIMARY KEY,
    team            VARCHAR(63)  NOT NULL,
    connection      VARCHAR(63)  NOT NULL,
    role            VARCHAR(30)  NOT NULL,
    server          VARCHAR(63)  NOT NULL,
    principal       VARCHAR(32)  NOT NULL,
    serial          VARCHAR(20)  NOT NULL,
    state           VARCHAR(16)  NOT NULL,
    subject         VARCHAR(512),
    access_token_id VARCHAR(64)  NOT NULL,
    sudo            TEXT         NOT NULL,
    valid_after     BIGINT       NOT NULL,
    valid_before    BIGINT       NOT NULL,
    created_at      BIGINT       NOT NULL,
    closed_at       BIGINT,
    reason          VARCHAR(255)
);
CREATE INDEX ssh_session_role ON ssh_session (team, role, state);
CREATE INDEX ssh_session_server ON ssh_session (team, server, state);

CREATE TABLE audit_head (
    team      VARCHAR(63)  NOT NULL PRIMARY KEY,
    seq       BIGINT       NOT NULL,
    hash      CHAR(64)     NOT NULL
);

CREATE TABLE audit_event (
    team        VARCHAR(63)  NOT NULL,
    seq         BIGINT       NOT NULL,
    id          VARCHAR(40)  NOT NULL,
    event_time  BIGINT       NOT NULL,
    type        VARCHAR(64)  NOT NULL,
    outcome     VARCHAR(16)  NOT NULL,
    role        VARCHAR(30),
    server      VARCHAR(63),
    session_id  VARCHAR(40),
    body        TEXT         NOT NULL,
    prev_hash   CHAR(64)     NOT NULL,
    hash        CHAR(64)     NOT NULL,
    PRIMARY KEY (team, seq)
);
CREATE INDEX audit_event_time ON audit_event (team, event_time);
CREATE INDEX audit_event_type ON audit_event (team, type, event_time);
CREATE INDEX audit_event_session ON audit_event (team, session_id);
