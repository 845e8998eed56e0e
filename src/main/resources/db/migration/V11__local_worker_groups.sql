-- A server's local workers form a claim group: it starts one more child than it may run jobs on
-- (a warm spare), and the group's claims are serialised and capped, so the spare takes a dead
-- sibling's job at once but never runs a job beside a live one. Null for a remote worker's claim.
ALTER TABLE jobs ADD COLUMN claim_group text;

CREATE INDEX jobs_claim_group_idx ON jobs (claim_group) WHERE state IN ('RUNNING', 'CANCELLING');
