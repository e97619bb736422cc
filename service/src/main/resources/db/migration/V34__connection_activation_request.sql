-- A request that a second security admin activate a Draft, made by the devops (or security) admin
-- who considers it ready. It names the content hash it was made for; any change of the draft or
-- its activation drops it. The request grants nothing: activation still passes the four-eyes rules.
CREATE TABLE connection_activation_request (
    team          VARCHAR(63)  NOT NULL,
    connection    VARCHAR(63)  NOT NULL,
    content_hash  CHAR(64)     NOT NULL,
    requested_by  VARCHAR(63)  NOT NULL,
    requested_at  BIGINT       NOT NULL,
    PRIMARY KEY (team, connection)
);
