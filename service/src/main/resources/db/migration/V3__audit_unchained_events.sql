-- Audit events are written unchained, in the transaction of the change they record, and linked
-- into the team's chain afterwards by a chainer holding the head row (see AuditChainer): the head
-- row is no longer written by every request. So an event is keyed by its id, and seq and the
-- hashes are null until it is chained. event_order keeps the order of events recorded in the same
-- millisecond by one replica.

CREATE TABLE audit_record (
    id           VARCHAR(40)  NOT NULL PRIMARY KEY,
    team         VARCHAR(63)  NOT NULL,
    seq          BIGINT,
    event_order  BIGINT       NOT NULL,
    event_time   BIGINT       NOT NULL,
    type         VARCHAR(64)  NOT NULL,
    outcome      VARCHAR(16)  NOT NULL,
    role         VARCHAR(30),
    server       VARCHAR(63),
    session_id   VARCHAR(40),
    body         TEXT         NOT NULL,
    prev_hash    CHAR(64),
    hash         CHAR(64)
);

INSERT INTO audit_record (id, team, seq, event_order, event_time, type, outcome, role, server, session_id, body,
                          prev_hash, hash)
SELECT id, team, seq, seq, event_time, type, outcome, role, server, session_id, body, prev_hash, hash
FROM audit_event;

DROP TABLE audit_event;
ALTER TABLE audit_record RENAME TO audit_event;

CREATE UNIQUE INDEX audit_event_chain ON audit_event (team, seq);
CREATE INDEX audit_event_pending ON audit_event (seq, team);
CREATE INDEX audit_event_time ON audit_event (team, event_time);
CREATE INDEX audit_event_type ON audit_event (team, type, event_time);
CREATE INDEX audit_event_session ON audit_event (team, session_id);
