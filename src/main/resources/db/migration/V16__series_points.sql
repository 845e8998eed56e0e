-- Points keyed by a series id instead of (job, name), and no trigger on them: MetricWriter adds a
-- batch's rollups, its stream events and its operator sample in the statement that inserts the
-- points (bench/curves.md measures why).
--
-- A series is one metric of one job. Its id replaces the uuid and the text name in every point and
-- in the primary key: the key is two bigints, compared as integers, where (job_id, name, step) was
-- a uuid and a text of up to a few dozen bytes compared per index level. The old triggers ran per
-- statement over a transition table each, and the rollup trigger planned its statement again at
-- every batch (EXECUTE); the writer's statement is prepared once.
CREATE TABLE metric_series (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id  uuid NOT NULL,
    name    text NOT NULL,
    UNIQUE (job_id, name)
);

INSERT INTO metric_series (job_id, name)
SELECT DISTINCT job_id, name FROM metric_points ORDER BY job_id, name;

-- No foreign key to metric_series (nor to jobs, as V14 explains for metric_points): MetricWriter
-- creates a series in the transaction that holds the job's attempt fence, and a job's delete
-- removes its points and series together (jobs_delete_metrics, below). The protocol keeps no
-- foreign key to eval_protocols either: its check was an after-trigger event queued for every
-- point, eval/* or not, and the writer inserts a batch's protocols before its points in the same
-- transaction; protocols are never deleted.
CREATE TABLE series_points (
    series_id  bigint           NOT NULL,
    step       bigint           NOT NULL,
    value      double precision NOT NULL,
    protocol   text
);

INSERT INTO series_points (series_id, step, value, protocol)
SELECT s.id, p.step, p.value, p.protocol
FROM metric_points p
JOIN metric_series s ON s.job_id = p.job_id AND s.name = p.name;

ALTER TABLE series_points ADD PRIMARY KEY (series_id, step);
CREATE INDEX series_points_protocol_idx ON series_points (series_id, step) WHERE protocol IS NOT NULL;

DROP TABLE metric_points;
DROP FUNCTION metric_points_stream();
DROP FUNCTION metric_points_rollup();
DROP FUNCTION metric_points_sample();
DROP FUNCTION metric_rollups_merge_sql(text);

-- Readers keep the shape they knew. Read-only: MetricWriter is the one write path, since it is
-- what keeps rollups and the event stream in step with the points.
CREATE VIEW metric_points AS
SELECT s.job_id, s.name, p.step, p.value, p.protocol
FROM metric_series s
JOIN series_points p ON p.series_id = s.id;

CREATE OR REPLACE FUNCTION jobs_delete_metrics() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM series_points
     WHERE series_id IN (SELECT s.id FROM metric_series s JOIN deleted d ON s.job_id = d.id);
    DELETE FROM metric_series WHERE job_id IN (SELECT id FROM deleted);
    DELETE FROM metric_rollups WHERE job_id IN (SELECT id FROM deleted);
    RETURN NULL;
END
$$;
