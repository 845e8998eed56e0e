-- Sweeps: a base job spec and a search space, expanded once into trials. Every trial's spec is
-- stored at creation, so the driver only submits and watches; all its state is in these rows and
-- any server can pick a sweep up after a restart.
CREATE TABLE sweeps (
    id              uuid PRIMARY KEY,
    project_id      uuid        NOT NULL REFERENCES projects (id),
    name            text        NOT NULL,
    state           text        NOT NULL CHECK (state IN ('RUNNING', 'COMPLETED', 'CANCELLED')),
    -- The request as accepted, with its defaults filled in. json, not jsonb: the order of the
    -- space's paths is the grid's order and the order of the analysis.
    request         json        NOT NULL,
    parallel_trials integer     NOT NULL,
    created_at      timestamptz NOT NULL,
    finished_at     timestamptz,
    updated_at      timestamptz NOT NULL
);
CREATE INDEX sweeps_project_created_idx ON sweeps (project_id, created_at DESC, id DESC);
CREATE INDEX sweeps_running_idx ON sweeps (created_at) WHERE state = 'RUNNING';

-- One row per trial: a configuration of the space and one of its seeds. job_id is set when the
-- driver submits the trial as an ordinary job; the job's own row says how it ran.
CREATE TABLE sweep_trials (
    sweep_id        uuid    NOT NULL REFERENCES sweeps (id) ON DELETE CASCADE,
    trial           integer NOT NULL,
    configuration   integer NOT NULL,
    seed            bigint  NOT NULL,
    -- Spec path to value, such as {"loss.terms[1].weight": 0.1}; the seed is not among them.
    params          json    NOT NULL,
    spec            jsonb   NOT NULL,
    eval_every      bigint  NOT NULL,
    steps           bigint  NOT NULL,
    job_id          uuid    UNIQUE REFERENCES jobs (id),
    -- Why the trial was never submitted (its dataset was deleted meanwhile, say).
    skipped_reason  text,
    PRIMARY KEY (sweep_id, trial)
);

-- Early stopping: the objective of each trial at each rung it reached, and what was decided
-- there, in the order the driver saw them (ASHA compares a trial with those recorded before it).
CREATE TABLE sweep_rungs (
    sweep_id    uuid             NOT NULL REFERENCES sweeps (id) ON DELETE CASCADE,
    rung        integer          NOT NULL,
    trial       integer          NOT NULL,
    step        bigint           NOT NULL,
    value       double precision NOT NULL,
    decision    text             NOT NULL CHECK (decision IN ('CONTINUE', 'STOP', 'ENDED')),
    seq         bigserial,
    PRIMARY KEY (sweep_id, rung, trial),
    FOREIGN KEY (sweep_id, trial) REFERENCES sweep_trials (sweep_id, trial) ON DELETE CASCADE
);
