-- The live day: the events of each published roster, keyed by the
-- caller's event id and kept in the order stored (seq); and repair jobs,
-- which re-plan the rest of a live day and store the next version of the
-- roster (repair holds what they re-plan, roster_version the version
-- they wrote).

-- +goose Up
CREATE TABLE roster_events (
    team_id    text NOT NULL,
    roster_id  text NOT NULL,
    id         text NOT NULL,
    seq        integer NOT NULL CHECK (seq >= 1),
    body       jsonb NOT NULL,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (team_id, roster_id, id),
    UNIQUE (team_id, roster_id, seq),
    FOREIGN KEY (team_id, roster_id) REFERENCES rosters (team_id, id) ON DELETE CASCADE
);

ALTER TABLE jobs
    DROP CONSTRAINT jobs_kind_check,
    ADD CONSTRAINT jobs_kind_check CHECK (kind IN ('solve', 'simulate', 'repair')),
    ADD COLUMN repair jsonb,
    ADD COLUMN roster_version integer,
    ADD COLUMN repair_report jsonb;

-- +goose Down
DELETE FROM jobs WHERE kind = 'repair';
ALTER TABLE jobs
    DROP COLUMN repair_report,
    DROP COLUMN roster_version,
    DROP COLUMN repair,
    DROP CONSTRAINT jobs_kind_check,
    ADD CONSTRAINT jobs_kind_check CHECK (kind IN ('solve', 'simulate'));
DROP TABLE roster_events;
