-- What-if simulation runs fanned out over the job queue: a run keeps its
-- scenario file; each replication of each scenario is a job of kind
-- 'replicate' that names the run, and keeps its result (the
-- replication's KPIs and days) in jobs.result. Such a job has no
-- planning request. (00003 is the live day's events and repair jobs.)

-- +goose Up
CREATE TABLE simulations (
    id           text PRIMARY KEY,
    team_id      text NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    file         jsonb NOT NULL,
    scenarios    jsonb NOT NULL,
    replications integer NOT NULL CHECK (replications > 0),
    from_date    date NOT NULL,
    to_date      date NOT NULL CHECK (to_date >= from_date),
    created_by   text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX simulations_team ON simulations (team_id, created_at DESC);

ALTER TABLE jobs
    DROP CONSTRAINT jobs_kind_check,
    ADD CONSTRAINT jobs_kind_check CHECK (kind IN ('solve', 'simulate', 'repair', 'replicate')),
    ALTER COLUMN request DROP NOT NULL,
    ADD COLUMN simulation_id text REFERENCES simulations (id) ON DELETE CASCADE,
    ADD COLUMN scenario integer,
    ADD COLUMN replication integer,
    ADD COLUMN result jsonb,
    ADD CONSTRAINT jobs_replicate CHECK ((kind = 'replicate') = (simulation_id IS NOT NULL AND scenario IS NOT NULL AND replication IS NOT NULL)),
    ADD CONSTRAINT jobs_request CHECK (kind = 'replicate' OR request IS NOT NULL);
CREATE UNIQUE INDEX jobs_simulation ON jobs (simulation_id, scenario, replication) WHERE simulation_id IS NOT NULL;

-- +goose Down
DROP INDEX jobs_simulation;
DELETE FROM jobs WHERE kind = 'replicate';
ALTER TABLE jobs
    DROP CONSTRAINT jobs_request,
    DROP CONSTRAINT jobs_replicate,
    DROP COLUMN result,
    DROP COLUMN replication,
    DROP COLUMN scenario,
    DROP COLUMN simulation_id,
    ALTER COLUMN request SET NOT NULL,
    DROP CONSTRAINT jobs_kind_check,
    ADD CONSTRAINT jobs_kind_check CHECK (kind IN ('solve', 'simulate', 'repair'));
DROP TABLE simulations;
