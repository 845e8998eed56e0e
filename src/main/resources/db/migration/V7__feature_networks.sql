-- Uploaded feature networks (TorchScript modules for the perceptual loss and the metrics). The
-- module's bytes are an object in the object store, content-addressed by SHA-256
-- (feature-networks/<sha256>); several rows may name one object, which is deleted only when no
-- row names it any more. A row is PROCESSING from the moment its bytes are stored until a
-- generation process has validated it: READY with each output's shape, or FAILED with the reason.
CREATE TABLE feature_networks (
    id                uuid PRIMARY KEY,
    name              text        NOT NULL,
    state             text        NOT NULL CHECK (state IN ('PROCESSING', 'READY', 'FAILED')),
    failure_reason    text,
    -- The descriptor as uploaded (input channels, size, resize, range, mean, std; outputs).
    descriptor        jsonb       NOT NULL,
    -- Set once READY: [{"side": 32, "shapes": {"relu1_2": [64, 32, 32], ...}}, ...].
    probes            jsonb       NOT NULL DEFAULT '[]',
    parameters        bigint,
    module_bytes      bigint      NOT NULL,
    module_sha256     text        NOT NULL,
    -- NULL once FAILED: a failed row names no object.
    module_key        text,
    -- The server validating a PROCESSING row, and when it last said so: a row whose heartbeat
    -- stops (its server died) is taken over and validated again by another sweep.
    owner             text,
    heartbeat_at      timestamptz,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL
);

CREATE INDEX feature_networks_created_idx ON feature_networks (created_at DESC, id DESC);
CREATE INDEX feature_networks_processing_idx ON feature_networks (heartbeat_at) WHERE state = 'PROCESSING';
CREATE INDEX feature_networks_module_key_idx ON feature_networks (module_key) WHERE module_key IS NOT NULL;

-- The term "perceptual" now takes an uploaded network; its former random-network form is
-- "perceptual-random". Jobs stored before (params {"layers": n}) keep running and resuming as
-- they were: their term is renamed, its parameters and the network it builds from the job's seed
-- are unchanged.
UPDATE jobs
   SET spec = jsonb_set(
           spec,
           '{loss,terms}',
           (SELECT jsonb_agg(
                       CASE WHEN t ->> 'type' = 'perceptual' AND NOT (coalesce(t -> 'params', '{}'::jsonb) ? 'network')
                            THEN jsonb_set(t, '{type}', '"perceptual-random"')
                            ELSE t END
                       ORDER BY n)
              FROM jsonb_array_elements(spec -> 'loss' -> 'terms') WITH ORDINALITY AS e(t, n)))
 WHERE jsonb_typeof(spec -> 'loss' -> 'terms') = 'array'
   AND jsonb_array_length(spec -> 'loss' -> 'terms') > 0
   AND EXISTS (SELECT 1 FROM jsonb_array_elements(spec -> 'loss' -> 'terms') t WHERE t ->> 'type' = 'perceptual');
