-- A job whose spec asks for a GPU ("resources": {"gpu": true}) is claimed only by workers that
-- have one. Generated from the spec, so no code path that writes a spec can forget it.
ALTER TABLE jobs ADD COLUMN requires_gpu boolean
    GENERATED ALWAYS AS (coalesce((spec -> 'resources' ->> 'gpu')::boolean, false)) STORED;

-- Observations for the operators' Prometheus metrics, written in the transaction of what they
-- observe (a claim, a finish, a batch of metric points) by whichever process did it, worker or
-- server, and drained by the servers into their meters. A worker has no HTTP endpoint to scrape;
-- a row is counted by exactly one server, so the servers' counters add up across replicas.
CREATE TABLE operator_samples (
    id     bigserial PRIMARY KEY,
    meter  text             NOT NULL,
    tag    text             NOT NULL DEFAULT '',
    value  double precision NOT NULL
);

-- Job outcomes and claim waits, from the event log: every path that records the event feeds the
-- metric, including ones written later (as jobs_notify does for wake-ups).
CREATE FUNCTION job_events_sample() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.type = 'CLAIMED' THEN
        IF NEW.detail ? 'waitedSeconds' THEN
            INSERT INTO operator_samples (meter, value) VALUES ('claim-wait', (NEW.detail ->> 'waitedSeconds')::float8);
        END IF;
    ELSE
        INSERT INTO operator_samples (meter, tag, value)
        VALUES (lower(NEW.type), coalesce(NEW.detail ->> 'reason', ''), 1);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER job_events_sample AFTER INSERT ON job_events FOR EACH ROW
    WHEN (NEW.type IN ('SUBMITTED', 'CLAIMED', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'LEASE_EXPIRED', 'WORKER_EXITED'))
    EXECUTE FUNCTION job_events_sample();

-- Points actually inserted (a replayed step that ON CONFLICT skips is not counted): one row per
-- statement, not per point.
CREATE FUNCTION metric_points_sample() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO operator_samples (meter, value)
    SELECT 'points', count(*) FROM inserted HAVING count(*) > 0;
    RETURN NULL;
END
$$;

CREATE TRIGGER metric_points_sample AFTER INSERT ON metric_points REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION metric_points_sample();
