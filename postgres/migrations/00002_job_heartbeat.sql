-- A running job's heartbeat and lease: its runner writes heartbeat_at
-- while it runs the job, and river_job_id names the river job whose run
-- holds it. A runner takes back a running job whose heartbeat is stale
-- and queues it again; the run it took it from can then write nothing.
-- Jobs running when this migration ran count from its time.

-- +goose Up
ALTER TABLE jobs
    ADD COLUMN heartbeat_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN river_job_id bigint;

-- +goose Down
ALTER TABLE jobs DROP COLUMN heartbeat_at, DROP COLUMN river_job_id;
