-- The version the host agent reports (on enrolment and in its signed requests), for the Servers
-- page's agent status; null for an agent enrolled before it reported one.
ALTER TABLE agent ADD COLUMN agent_version VARCHAR(64);
