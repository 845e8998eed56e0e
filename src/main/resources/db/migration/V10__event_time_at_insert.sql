-- now() is the start of the transaction: an event inserted by a transaction that began earlier but
-- wrote later (a cancel waiting on a lock, a worker's long flush) got an earlier time than events
-- inserted before it, so the audit trail ran backwards. clock_timestamp() is the time of the
-- insert itself, taken together with the id from the sequence, so ordering by at agrees with
-- ordering by id (up to inserts within the same microsecond, which id still orders).
ALTER TABLE job_events ALTER COLUMN at SET DEFAULT clock_timestamp();
