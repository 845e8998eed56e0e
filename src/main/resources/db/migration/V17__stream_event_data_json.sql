-- A metrics event lists every point of a worker's batch, and MetricWriter sends that list as JSON
-- text. As jsonb the server parsed and rebuilt it, a cost per point; as json it only checks the
-- syntax and keeps the text (bench/curves.md). Readers use data::text and ->> alone, which json
-- has; the triggers' jsonb values convert on insert (an assignment cast), still one line each, as
-- an SSE data field must be. json has no equality operator: compare data as jsonb.
ALTER TABLE stream_events ALTER COLUMN data TYPE json;
