-- Single sign-on for admins. A team trusts one OIDC provider for its admins (team_sso); the
-- trust takes effect only once a security admin of another owner than the one who configured it
-- approves it (approved_by), as with a connection's trust settings. A person signed in through it
-- is one admin (admin_identity: issuer and subject, hashed together to fit an index), whatever
-- the number of browser sessions (admin_session). sso_login holds a sign-in under way (state,
-- nonce, PKCE verifier) for at most ten minutes, in the database so that any replica can finish it.
CREATE TABLE team_sso (
    team                  VARCHAR(63)   NOT NULL PRIMARY KEY,
    issuer                VARCHAR(512)  NOT NULL,
    client_id             VARCHAR(255)  NOT NULL,
    client_secret_sealed  TEXT,
    redirect_uri          VARCHAR(512)  NOT NULL,
    roles_claim           VARCHAR(128)  NOT NULL,
    role_map              TEXT          NOT NULL,
    configured_by         VARCHAR(63)   NOT NULL,
    configured_owner      VARCHAR(63)   NOT NULL,
    approved_by           VARCHAR(63),
    updated_at            BIGINT        NOT NULL
);

CREATE TABLE sso_login (
    state_hash     CHAR(64)     NOT NULL PRIMARY KEY,
    team           VARCHAR(63)  NOT NULL,
    nonce          VARCHAR(64)  NOT NULL,
    code_verifier  VARCHAR(128) NOT NULL,
    expires_at     BIGINT       NOT NULL
);

CREATE TABLE admin_identity (
    team          VARCHAR(63)  NOT NULL,
    admin         VARCHAR(63)  NOT NULL,
    subject_hash  CHAR(64)     NOT NULL,
    issuer        VARCHAR(512) NOT NULL,
    subject       VARCHAR(255) NOT NULL,
    created_at    BIGINT       NOT NULL,
    PRIMARY KEY (team, admin),
    CONSTRAINT admin_identity_subject UNIQUE (team, subject_hash)
);

CREATE TABLE admin_session (
    id_hash       CHAR(64)     NOT NULL PRIMARY KEY,
    team          VARCHAR(63)  NOT NULL,
    admin         VARCHAR(63)  NOT NULL,
    csrf_token    VARCHAR(64)  NOT NULL,
    created_at    BIGINT       NOT NULL,
    last_seen_at  BIGINT       NOT NULL,
    expires_at    BIGINT       NOT NULL,
    ended_at      BIGINT
);
CREATE INDEX admin_session_admin ON admin_session (team, admin);
