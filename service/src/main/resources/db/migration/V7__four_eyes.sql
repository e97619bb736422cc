-- Four eyes on trust settings (issue 9, finding 4).
--
-- admin.owner: the admin whose credential also holds this one. Whoever creates an admin sees its
-- token once, so for separation of duties an admin counts as its creator's owner. Only the
-- bootstrap admin and the one security admin created while a team has a single security admin
-- (the documented hand-over of a fresh team) are their own owners. Admins from before V7: security
-- admins are taken as their own owners, other admins as owned by their creator (before V7 only
-- security admins could create admins).
ALTER TABLE admin ADD COLUMN owner VARCHAR(63) NOT NULL DEFAULT '';
UPDATE admin SET owner = name WHERE created_by = 'system' OR role = 'SECURITY_ADMIN';
UPDATE admin SET owner = created_by WHERE owner = '';

-- Who wrote the live trust settings of a connection, and which admin approved which content
-- hash. A connection issues tokens only while approved_content_hash = content_hash. Connections
-- activated before V7 are carried over as approved by '(before-v7)': review them.
ALTER TABLE workload_connection ADD COLUMN proposed_by VARCHAR(63) NOT NULL DEFAULT '';
ALTER TABLE workload_connection ADD COLUMN proposed_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE workload_connection ADD COLUMN approved_by VARCHAR(63);
ALTER TABLE workload_connection ADD COLUMN approved_at BIGINT;
ALTER TABLE workload_connection ADD COLUMN approved_content_hash CHAR(64);
UPDATE workload_connection SET proposed_by = created_by, proposed_at = created_at;
UPDATE workload_connection SET approved_by = '(before-v7)', approved_at = updated_at,
    approved_content_hash = content_hash WHERE state <> 'DRAFT';

-- A proposed change of an ACTIVE or INACTIVE connection's trust settings: the live row is not
-- touched until a second security admin approves this content hash. One per connection; a new
-- proposal replaces the previous one.
CREATE TABLE connection_change (
    team          VARCHAR(63)  NOT NULL,
    connection    VARCHAR(63)  NOT NULL,
    settings      TEXT         NOT NULL,
    content_hash  CHAR(64)     NOT NULL,
    proposed_by   VARCHAR(63)  NOT NULL,
    proposed_at   BIGINT       NOT NULL,
    PRIMARY KEY (team, connection)
);
