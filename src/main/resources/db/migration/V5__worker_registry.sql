-- The worker registry: every worker process, local child or remote pod, registers at start and
-- heartbeats every gantry.scheduler.heartbeat-interval, idle or busy; GET /api/v1/workers lists
-- the rows, and one silent for a lease is shown LOST (decided when read, never stored).
ALTER TABLE workers
    ADD COLUMN device  text NOT NULL DEFAULT 'cpu',
    ADD COLUMN version text NOT NULL DEFAULT 'unknown',
    ADD COLUMN state   text NOT NULL DEFAULT 'IDLE' CHECK (state IN ('IDLE', 'BUSY', 'DRAINING'));

CREATE INDEX workers_heartbeat_idx ON workers (heartbeat_at);
