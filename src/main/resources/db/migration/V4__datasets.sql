-- Uploaded datasets. The bytes are objects in the object store, content-addressed by SHA-256
-- (datasets/uploads/<sha256>, datasets/tensors/<sha256>); several rows may name the same objects,
-- and an object is deleted only when no row names it any more.
CREATE TABLE datasets (
    id                uuid PRIMARY KEY,
    name              text        NOT NULL,
    -- NULL while an upload whose format was not declared is still arriving.
    format            text CHECK (format IN ('zip', 'idx', 'npy')),
    state             text        NOT NULL CHECK (state IN ('PROCESSING', 'READY', 'FAILED')),
    failure_reason    text,
    -- Set once READY.
    image_count       integer,
    channels          integer,
    height            integer,
    width             integer,
    class_names       jsonb       NOT NULL DEFAULT '[]',
    class_counts      jsonb       NOT NULL DEFAULT '[]',
    -- Entries left out, by reason: {"not-an-image": 3, "corrupt": 1}.
    skipped           jsonb       NOT NULL DEFAULT '{}',
    -- What was done to fit the images into one tensor (crop and resize), or NULL when nothing.
    preprocessing     text,
    upload_bytes      bigint,
    upload_sha256     text,
    upload_key        text,
    tensor_bytes      bigint,
    tensor_sha256     text,
    tensor_key        text,
    -- Progress while PROCESSING: phase 'upload' (bytes_received grows) then 'decode' (items).
    phase             text CHECK (phase IN ('upload', 'decode')),
    bytes_received    bigint      NOT NULL DEFAULT 0,
    items_processed   integer     NOT NULL DEFAULT 0,
    items_total       integer,
    -- The server process working on a PROCESSING row, and when it last said so: a row whose
    -- heartbeat stops (the server died or restarted) is failed by the next sweep.
    owner             text,
    heartbeat_at      timestamptz,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL
);

CREATE INDEX datasets_created_idx ON datasets (created_at DESC, id DESC);
CREATE INDEX datasets_processing_idx ON datasets (heartbeat_at) WHERE state = 'PROCESSING';
CREATE INDEX datasets_upload_key_idx ON datasets (upload_key) WHERE upload_key IS NOT NULL;
CREATE INDEX datasets_tensor_key_idx ON datasets (tensor_key) WHERE tensor_key IS NOT NULL;
