-- Admin API tokens get a lifecycle: a name, the admin they act as, an expiry, the time they were
-- last used, and revocation. An admin may hold several (one per automation); before V30 each
-- admin had exactly one token in admin.token_hash, which moves here as the token 'initial' with
-- no expiry (as it had none).
CREATE TABLE admin_token (
    id            VARCHAR(32)  NOT NULL PRIMARY KEY,
    team          VARCHAR(63)  NOT NULL,
    admin         VARCHAR(63)  NOT NULL,
    name          VARCHAR(63)  NOT NULL,
    token_hash    CHAR(64)     NOT NULL,
    created_by    VARCHAR(63)  NOT NULL,
    created_at    BIGINT       NOT NULL,
    expires_at    BIGINT,
    last_used_at  BIGINT,
    revoked_at    BIGINT,
    revoked_by    VARCHAR(63),
    CONSTRAINT admin_token_hash_unique UNIQUE (token_hash),
    CONSTRAINT admin_token_name_unique UNIQUE (team, admin, name)
);
CREATE INDEX admin_token_team ON admin_token (team, admin);

INSERT INTO admin_token (id, team, admin, name, token_hash, created_by, created_at)
    SELECT CONCAT('tok_', SUBSTRING(token_hash, 1, 20)), team, name, 'initial', token_hash, created_by, created_at
    FROM admin;

ALTER TABLE admin DROP COLUMN token_hash;

-- A team's rule for new admin tokens: the lifetime a token gets when its creator names none, and
-- the longest it may ask for. A team without a row uses keyless.admin-tokens.* (90 and 365 days).
CREATE TABLE team_admin_token_policy (
    team                 VARCHAR(63) NOT NULL PRIMARY KEY,
    default_ttl_seconds  BIGINT      NOT NULL,
    max_ttl_seconds      BIGINT      NOT NULL,
    updated_at           BIGINT      NOT NULL
);
