-- The expiry sweep looks for live sessions past their certificate's end, across teams.
CREATE INDEX ssh_session_expiry ON ssh_session (state, valid_before);
-- Agents read a team's serials that are still in force.
CREATE INDEX revoked_serial_expiry ON revoked_serial (team, expires_at);
