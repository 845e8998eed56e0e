-- How an eval/* value was measured: feature network (SHA-256 and output), resize, samples
-- generated, reference split and count, image format, the metric's own settings. Values measured
-- under different protocols are not comparable. Stored once per distinct protocol, keyed by the
-- SHA-256 of its canonical JSON, and referenced from each eval/* point; other points have none.
CREATE TABLE eval_protocols (
    id          text PRIMARY KEY,
    protocol    jsonb       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Nullable, so adding it rewrites nothing; loss and perf points keep NULL.
ALTER TABLE metric_points ADD COLUMN protocol text REFERENCES eval_protocols (id);
