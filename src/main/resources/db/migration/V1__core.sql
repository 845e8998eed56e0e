-- Jobs: the queue is this table; workers claim rows with FOR UPDATE SKIP LOCKED.
CREATE TABLE jobs (
    id                uuid PRIMARY KEY,
    name              text        NOT NULL,
    state             text        NOT NULL
        CHECK (state IN ('QUEUED', 'RUNNING', 'CANCELLING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    priority          integer     NOT NULL DEFAULT 0,
    spec              jsonb       NOT NULL,
    idempotency_key   text UNIQUE,
    request_hash      text,
    -- The fencing token: bumped whenever the job is handed to a new run, so a worker that lost
    -- its lease matches no row any more and can write nothing for the job.
    attempt           integer     NOT NULL DEFAULT 1,
    step              bigint      NOT NULL DEFAULT 0,
    total_steps       bigint      NOT NULL,
    steps_per_second  double precision,
    latest_metrics    jsonb       NOT NULL DEFAULT '{}',
    worker_id         text,
    lease_expires_at  timestamptz,
    failure_reason    text,
    failure_message   text,
    failure_step      bigint,
    created_at        timestamptz NOT NULL DEFAULT now(),
    queued_at         timestamptz NOT NULL DEFAULT now(),
    started_at        timestamptz,
    finished_at       timestamptz,
    updated_at        timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX jobs_queue_idx ON jobs (priority DESC, queued_at, id) WHERE state = 'QUEUED';
CREATE INDEX jobs_created_idx ON jobs (created_at DESC, id DESC);
CREATE INDEX jobs_lease_idx ON jobs (lease_expires_at) WHERE state IN ('RUNNING', 'CANCELLING');

-- Every state change of a job, for audit and for event streams.
CREATE TABLE job_events (
    id        bigserial PRIMARY KEY,
    job_id    uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    attempt   integer     NOT NULL,
    type      text        NOT NULL,
    detail    jsonb       NOT NULL DEFAULT '{}',
    at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX job_events_job_idx ON job_events (job_id, id);

-- One row per metric, job and step: rewriting a step (a retried batch, a resumed run) is a no-op.
CREATE TABLE metric_points (
    job_id  uuid             NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    name    text             NOT NULL,
    step    bigint           NOT NULL,
    value   double precision NOT NULL,
    PRIMARY KEY (job_id, name, step)
);

-- A checkpoint row is written only after its bytes are durable in the object store.
CREATE TABLE checkpoints (
    job_id      uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    step        bigint      NOT NULL,
    attempt     integer     NOT NULL,
    object_key  text        NOT NULL,
    size_bytes  bigint      NOT NULL,
    sha256      text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (job_id, step)
);

CREATE TABLE samples (
    job_id      uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    step        bigint      NOT NULL,
    attempt     integer     NOT NULL,
    object_key  text        NOT NULL,
    size_bytes  bigint      NOT NULL,
    sha256      text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (job_id, step)
);

CREATE TABLE workers (
    id            text PRIMARY KEY,
    host          text        NOT NULL,
    pid           bigint      NOT NULL,
    started_at    timestamptz NOT NULL DEFAULT now(),
    heartbeat_at  timestamptz NOT NULL DEFAULT now(),
    current_job   uuid
);

-- Wake idle workers the moment a job becomes claimable, and a running worker the moment its job
-- is cancelled, whichever code path made the change (submit, resume, lease reaper).
CREATE FUNCTION jobs_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.state = 'QUEUED' THEN
        PERFORM pg_notify('gantry_job_queued', NEW.id::text);
    ELSIF NEW.state = 'CANCELLING' THEN
        PERFORM pg_notify('gantry_job_cancelling', NEW.id::text);
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER jobs_notify_insert AFTER INSERT ON jobs FOR EACH ROW EXECUTE FUNCTION jobs_notify();
CREATE TRIGGER jobs_notify_update AFTER UPDATE OF state ON jobs
    FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state) EXECUTE FUNCTION jobs_notify();
