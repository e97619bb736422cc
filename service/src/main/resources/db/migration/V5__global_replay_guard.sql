-- The replay guard is global: a platform token is exchanged once in the whole service, not once
-- per team, so the used key alone is the primary key; team only records who used it first.
-- The keys also changed form (they name the verifying key and what was signed, not the compact
-- string), so no old row could match a new key: the table starts empty. A token exchanged before
-- the upgrade and still within its lifetime could be exchanged once more after it; stop the
-- service for the longest max_token_age of any connection across the upgrade to rule that out.
DROP TABLE used_token;

CREATE TABLE used_token (
    key_hash    CHAR(64)     NOT NULL PRIMARY KEY,
    team        VARCHAR(63)  NOT NULL,
    expires_at  BIGINT       NOT NULL
);
CREATE INDEX used_token_expiry ON used_token (expires_at);
