-- Per-project quotas. NULL means the server's default (gantry.quotas.*), so changing a default
-- reaches every project that never had its own value; 0 is a real limit (nothing allowed).
ALTER TABLE projects
    ADD COLUMN max_queued_jobs  integer CHECK (max_queued_jobs >= 0),
    ADD COLUMN max_running_jobs integer CHECK (max_running_jobs >= 0),
    ADD COLUMN max_stored_bytes bigint  CHECK (max_stored_bytes >= 0);

-- When a worker last took the job: the fair-share claim serves first, among projects with as
-- many running jobs, the one whose latest claim is oldest. Kept on the job rather than on the
-- project, so concurrent claims never update (and wait on) one shared row.
ALTER TABLE jobs ADD COLUMN claimed_at timestamptz;
UPDATE jobs SET claimed_at = started_at WHERE started_at IS NOT NULL;

-- The claim looks at each project with waiting jobs: its best queued job, its running jobs and
-- its latest claim are index probes, not scans of the queue.
CREATE INDEX jobs_project_queue_idx ON jobs (project_id, priority DESC, queued_at, id) WHERE state = 'QUEUED';
CREATE INDEX jobs_project_active_idx ON jobs (project_id) WHERE state IN ('RUNNING', 'CANCELLING');
CREATE INDEX jobs_project_claimed_idx ON jobs (project_id, claimed_at) WHERE claimed_at IS NOT NULL;
