-- The live event log behind GET /api/v1/jobs/{id}/events and GET /api/v1/events. Triggers write a
-- row in the transaction of the change it describes, whichever process made it (a worker, the
-- reaper, an API call), so a server that did not run a job still streams it.
--
-- Two numbers per row: id is the order of insertion, position the order in which a server's
-- sequencer (EventSequencer) saw the row committed, and the SSE id clients resume from. A
-- bigserial alone cannot be a resume point: two transactions take ids 10 and 11, 11 commits
-- first, a client reads it and resumes "after 11", and 10, committed a moment later, is lost.
-- Positions are handed out only to committed rows, in one serialised round at a time (the row of
-- stream_head is the lock), so a reader that sees position p has seen every position below it.
CREATE TABLE stream_events (
    id          bigserial PRIMARY KEY,
    position    bigint UNIQUE,
    project_id  uuid        NOT NULL,
    job_id      uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    type        text        NOT NULL CHECK (type IN ('state', 'progress', 'metrics', 'checkpoint', 'sample', 'evaluation')),
    data        jsonb       NOT NULL,
    at          timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX stream_events_unplaced_idx ON stream_events (id) WHERE position IS NULL;
CREATE INDEX stream_events_job_idx ON stream_events (job_id, position);
CREATE INDEX stream_events_project_idx ON stream_events (project_id, position);
CREATE INDEX stream_events_at_idx ON stream_events (at);

CREATE TABLE stream_head (
    only_row       boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    last_position  bigint  NOT NULL
);
INSERT INTO stream_head (last_position) VALUES (0);

-- JSON has no NaN: a diverged loss is sent as null.
CREATE FUNCTION stream_number(v double precision) RETURNS double precision LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN v IN ('NaN', 'Infinity', '-Infinity') THEN NULL ELSE v END
$$;

-- One notification per transaction (PostgreSQL folds equal ones): the sequencers wake up.
CREATE FUNCTION stream_event(p_project uuid, p_job uuid, p_type text, p_data jsonb) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO stream_events (project_id, job_id, type, data)
    VALUES (p_project, p_job, p_type, jsonb_build_object('jobId', p_job) || p_data);
    PERFORM pg_notify('gantry_stream_pending', '');
END
$$;

-- Progress before state: a finish that also moves the step must end its job's stream with the
-- terminal state, after which the stream closes.
CREATE FUNCTION jobs_stream() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    rate double precision;
BEGIN
    IF TG_OP = 'UPDATE'
            AND (OLD.step IS DISTINCT FROM NEW.step OR OLD.steps_per_second IS DISTINCT FROM NEW.steps_per_second) THEN
        rate := stream_number(NEW.steps_per_second);
        PERFORM stream_event(NEW.project_id, NEW.id, 'progress', jsonb_build_object(
                'step', NEW.step,
                'steps', NEW.total_steps,
                'stepsPerSecond', rate,
                'etaSeconds', CASE WHEN rate > 0 THEN round((NEW.total_steps - NEW.step) / rate)::bigint END));
    END IF;
    IF TG_OP = 'INSERT' OR OLD.state IS DISTINCT FROM NEW.state OR OLD.attempt IS DISTINCT FROM NEW.attempt THEN
        PERFORM stream_event(NEW.project_id, NEW.id, 'state', jsonb_strip_nulls(jsonb_build_object(
                'state', NEW.state,
                'attempt', NEW.attempt,
                'reason', NEW.failure_reason,
                'message', NEW.failure_message)));
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER jobs_stream AFTER INSERT OR UPDATE ON jobs FOR EACH ROW EXECUTE FUNCTION jobs_stream();

-- One event per job per statement, not per point: a worker's flush is one statement, so a stream
-- carries one metrics event per flush (and one evaluation event per evaluated step), whatever the
-- number of points. Points ON CONFLICT skipped (a replayed step) are not in the transition table.
CREATE FUNCTION metric_points_stream() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    written integer;
BEGIN
    INSERT INTO stream_events (project_id, job_id, type, data)
    SELECT j.project_id, e.job_id, e.type, e.data
      FROM (SELECT job_id, 'metrics' AS type, min(step) AS step,
                   jsonb_build_object('jobId', job_id, 'points', jsonb_agg(jsonb_build_object(
                           'name', name, 'step', step, 'value', stream_number(value)) ORDER BY step, name)) AS data
              FROM inserted WHERE name NOT LIKE 'eval/%' GROUP BY job_id
            UNION ALL
            SELECT job_id, 'evaluation', step,
                   jsonb_build_object('jobId', job_id, 'step', step,
                                      'metrics', jsonb_object_agg(name, stream_number(value)))
              FROM inserted WHERE name LIKE 'eval/%' GROUP BY job_id, step) e
      JOIN jobs j ON j.id = e.job_id
     ORDER BY e.job_id, e.step, e.type DESC;
    GET DIAGNOSTICS written = ROW_COUNT;
    IF written > 0 THEN
        PERFORM pg_notify('gantry_stream_pending', '');
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER metric_points_stream AFTER INSERT ON metric_points REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION metric_points_stream();

-- An update is a re-save of the same step by a later run: a new checkpoint (or sample) all the same.
CREATE FUNCTION artifacts_stream() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM stream_event((SELECT project_id FROM jobs WHERE id = NEW.job_id), NEW.job_id, TG_ARGV[0],
                         jsonb_build_object('step', NEW.step));
    RETURN NULL;
END
$$;

CREATE TRIGGER checkpoints_stream AFTER INSERT OR UPDATE ON checkpoints
    FOR EACH ROW EXECUTE FUNCTION artifacts_stream('checkpoint');
CREATE TRIGGER samples_stream AFTER INSERT OR UPDATE ON samples
    FOR EACH ROW EXECUTE FUNCTION artifacts_stream('sample');
