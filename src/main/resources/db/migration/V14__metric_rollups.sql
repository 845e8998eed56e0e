-- Per series, the lowest, highest and last point of each aligned block of 2^level steps
-- (block b of level k holds steps b·2^k … (b+1)·2^k − 1), at levels 6, 9, 12 and 15. A chart of a
-- million points reads the coarsest level that still gives it enough buckets, a few thousand
-- rows, instead of sorting every point (MetricQuery).
--
-- Lowest and highest are points, not just values: ordered by (value, step), so ties go to the
-- earlier step, and PostgreSQL orders NaN above every number, as the raw query does. A block of a
-- coarser level is exactly the combination of its finer blocks (min of mins, max of maxes, sum of
-- counts, last of lasts), never an average of averages.
CREATE TABLE metric_rollups (
    job_id     uuid             NOT NULL,
    name       text             NOT NULL,
    level      smallint         NOT NULL,
    block      bigint           NOT NULL,
    points     integer          NOT NULL,
    min_step   bigint           NOT NULL,
    min_value  double precision NOT NULL,
    max_step   bigint           NOT NULL,
    max_value  double precision NOT NULL,
    last_step  bigint           NOT NULL,
    last_value double precision NOT NULL,
    PRIMARY KEY (job_id, name, level, block)
);

-- The statement that adds a set of points (a table or a trigger's transition table, with job_id,
-- name, step, value) to the rollups. Text, run with EXECUTE by the trigger and by the backfill
-- below: a transition table is visible only to the trigger function's own statements, not to a
-- function it calls. Steps travel as float8 inside the arrays: exact up to 2^53, far beyond any run
-- (jobs are limited to 10^7 steps).
CREATE FUNCTION metric_rollups_merge_sql(points_table text) RETURNS text LANGUAGE sql IMMUTABLE AS $fn$
    SELECT format($sql$
        WITH finest AS (
            SELECT job_id, name, step >> 6 AS block, count(*) AS points,
                   min(ARRAY[value, step]) AS lowest,
                   max(ARRAY[value, -step]) AS highest,
                   max(ARRAY[step, value]) AS last
            FROM %I
            GROUP BY job_id, name, step >> 6
        ),
        blocks AS (
            SELECT job_id, name, 6 AS level, block, points, lowest, highest, last
            FROM finest
            UNION ALL
            SELECT f.job_id, f.name, l.level, f.block >> (l.level - 6), sum(f.points),
                   min(f.lowest), max(f.highest), max(f.last)
            FROM finest f
            CROSS JOIN unnest('{9, 12, 15}'::int[]) AS l(level)
            GROUP BY f.job_id, f.name, l.level, f.block >> (l.level - 6)
        )
        INSERT INTO metric_rollups AS r
            (job_id, name, level, block, points, min_step, min_value, max_step, max_value, last_step, last_value)
        SELECT job_id, name, level, block, points,
               lowest[2]::bigint, lowest[1], (-highest[2])::bigint, highest[1], last[1]::bigint, last[2]
        FROM blocks
        -- One lock order for every writer: two transactions adding points to the same series
        -- update its rollup rows in the same order, so they queue instead of deadlocking.
        ORDER BY job_id, name, level, block
        ON CONFLICT (job_id, name, level, block) DO UPDATE SET
            points = r.points + excluded.points,
            min_step = CASE WHEN (excluded.min_value, excluded.min_step) < (r.min_value, r.min_step)
                            THEN excluded.min_step ELSE r.min_step END,
            min_value = CASE WHEN (excluded.min_value, excluded.min_step) < (r.min_value, r.min_step)
                             THEN excluded.min_value ELSE r.min_value END,
            max_step = CASE WHEN (excluded.max_value, -excluded.max_step) > (r.max_value, -r.max_step)
                            THEN excluded.max_step ELSE r.max_step END,
            max_value = CASE WHEN (excluded.max_value, -excluded.max_step) > (r.max_value, -r.max_step)
                             THEN excluded.max_value ELSE r.max_value END,
            last_step = greatest(r.last_step, excluded.last_step),
            last_value = CASE WHEN excluded.last_step > r.last_step THEN excluded.last_value ELSE r.last_value END
        $sql$, points_table)
$fn$;

-- Only the points an INSERT actually added reach the transition table: a replayed step that
-- ON CONFLICT DO NOTHING skips changes no rollup, so a retried batch cannot count twice or move a
-- block's lowest point to a value the series does not hold. Points are never updated or deleted
-- but with their job (below), and the rollups go with them.
CREATE FUNCTION metric_points_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE metric_rollups_merge_sql('inserted');
    RETURN NULL;
END
$$;

CREATE TRIGGER metric_points_rollup AFTER INSERT ON metric_points REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION metric_points_rollup();

-- The points stored before this migration.
DO $$
BEGIN
    EXECUTE metric_rollups_merge_sql('metric_points');
END
$$;

-- The few points that carry a protocol (eval/*), so a downsampled query learns with one probe
-- whether it must look its chosen points up for their protocols.
CREATE INDEX metric_points_protocol_idx ON metric_points (job_id, name, step) WHERE protocol IS NOT NULL;

-- No foreign key from points (nor rollups) to jobs. Its check ran once per point, as a
-- FOR KEY SHARE probe of the job row, and cost as much as inserting the point (bench/curves.md).
-- It proved nothing the writer does not hold already: MetricWriter locks the job row FOR SHARE
-- for its whole transaction (the attempt fence), so the job cannot be deleted before the points
-- commit, and a job deleted first fails the fence and gets no point. Deleting a job still deletes
-- its points and rollups, in the same statement, by trigger instead of by cascade.
ALTER TABLE metric_points DROP CONSTRAINT metric_points_job_id_fkey;

CREATE FUNCTION jobs_delete_metrics() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM metric_points WHERE job_id IN (SELECT id FROM deleted);
    DELETE FROM metric_rollups WHERE job_id IN (SELECT id FROM deleted);
    RETURN NULL;
END
$$;

CREATE TRIGGER jobs_delete_metrics AFTER DELETE ON jobs REFERENCING OLD TABLE AS deleted
    FOR EACH STATEMENT EXECUTE FUNCTION jobs_delete_metrics();
