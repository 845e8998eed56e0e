-- Runs a job lost to an expired lease (a killed or hung worker). The reaper fails the job with
-- MAX_ATTEMPTS when this reaches gantry.limits.max-attempts; a graceful drain does not count and
-- a user's resume starts it again from 0.
ALTER TABLE jobs ADD COLUMN lease_losses integer NOT NULL DEFAULT 0;
