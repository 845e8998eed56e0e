-- Population-based training: a trial is a member of the population (member), and a replacement
-- is a fork of another trial's checkpoint (parent_trial at parent_step), which is its lineage.
ALTER TABLE sweep_trials
    ADD COLUMN member       integer,
    ADD COLUMN parent_trial integer,
    ADD COLUMN parent_step  bigint,
    ADD CONSTRAINT sweep_trials_parent_fk
        FOREIGN KEY (sweep_id, parent_trial) REFERENCES sweep_trials (sweep_id, trial);

-- PBT's decisions use the rung rows: rung k is its k-th decision step. A value is recorded as
-- WAITING when the member reaches the step and decided once enough of the population has been
-- recorded there; EXPLOIT replaced the member.
ALTER TABLE sweep_rungs DROP CONSTRAINT sweep_rungs_decision_check;
ALTER TABLE sweep_rungs ADD CONSTRAINT sweep_rungs_decision_check
    CHECK (decision IN ('CONTINUE', 'STOP', 'ENDED', 'WAITING', 'EXPLOIT'));
