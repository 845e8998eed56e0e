-- Tenancy: every job, dataset and feature network belongs to a project; checkpoints, samples,
-- metric points and events reach it through their job. Workers are shared infrastructure.
CREATE TABLE projects (
    id          uuid PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- The default project: rows from before V9 move here, and the first owner key is made in it.
INSERT INTO projects (id, name) VALUES ('00000000-0000-0000-0000-000000000001', 'default');

-- Only the SHA-256 of a key is stored; the prefix is what lists show so a user can tell keys apart.
CREATE TABLE api_keys (
    id            uuid PRIMARY KEY,
    project_id    uuid NOT NULL REFERENCES projects (id),
    name          text NOT NULL,
    role          text NOT NULL CHECK (role IN ('VIEWER', 'EDITOR', 'ADMIN', 'OWNER')),
    prefix        text NOT NULL,
    secret_sha256 text NOT NULL UNIQUE,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz,
    last_used_at  timestamptz,
    revoked_at    timestamptz
);
CREATE INDEX api_keys_project_idx ON api_keys (project_id, created_at DESC);

-- No DEFAULT on project_id: code that forgets the project fails instead of filing the row under
-- the default project, where the wrong people would see it.
ALTER TABLE jobs ADD COLUMN project_id uuid REFERENCES projects (id);
UPDATE jobs SET project_id = '00000000-0000-0000-0000-000000000001';
ALTER TABLE jobs ALTER COLUMN project_id SET NOT NULL;
-- An idempotency key is the client's, so it is unique per project: a key another project
-- happens to use must neither collide nor reveal that project's job.
ALTER TABLE jobs DROP CONSTRAINT jobs_idempotency_key_key;
ALTER TABLE jobs ADD CONSTRAINT jobs_project_idempotency_key UNIQUE (project_id, idempotency_key);
CREATE INDEX jobs_project_created_idx ON jobs (project_id, created_at DESC, id DESC);

ALTER TABLE datasets ADD COLUMN project_id uuid REFERENCES projects (id);
UPDATE datasets SET project_id = '00000000-0000-0000-0000-000000000001';
ALTER TABLE datasets ALTER COLUMN project_id SET NOT NULL;

ALTER TABLE feature_networks ADD COLUMN project_id uuid REFERENCES projects (id);
UPDATE feature_networks SET project_id = '00000000-0000-0000-0000-000000000001';
ALTER TABLE feature_networks ALTER COLUMN project_id SET NOT NULL;

-- Every mutation through the API, allowed or refused. key_id and project_id are plain values, not
-- foreign keys: the trail must outlive a deleted key or project.
CREATE TABLE audit_events (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL,
    key_id      uuid,
    key_prefix  text,
    project_id  uuid,
    action      text NOT NULL,
    target      text,
    status      int NOT NULL
);
CREATE INDEX audit_events_project_idx ON audit_events (project_id, id DESC);
