-- The schema of rounds: every row carries its team; records keep their
-- wire-format body as jsonb beside the columns the API filters on.

-- +goose Up
CREATE TABLE teams (
    id         text PRIMARY KEY,
    name       text NOT NULL,
    skills     text[] NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
    id         text PRIMARY KEY,
    name       text NOT NULL,
    role       text NOT NULL CHECK (role IN ('admin', 'coordinator', 'dispatcher', 'planner', 'viewer')),
    teams      text[] NOT NULL DEFAULT '{}',
    hash       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE workers (
    team_id     text NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    id          text NOT NULL,
    role        text NOT NULL,
    network     text NOT NULL DEFAULT '',
    shift_dates date[] NOT NULL DEFAULT '{}',
    body        jsonb NOT NULL,
    PRIMARY KEY (team_id, id)
);
CREATE INDEX workers_role ON workers (team_id, role);
CREATE INDEX workers_network ON workers (team_id, network);

CREATE TABLE clients (
    team_id text NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    id      text NOT NULL,
    network text NOT NULL DEFAULT '',
    consent boolean NOT NULL DEFAULT false,
    body    jsonb NOT NULL,
    PRIMARY KEY (team_id, id)
);
CREATE INDEX clients_network ON clients (team_id, network);

CREATE TABLE episodes (
    team_id    text NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    id         text NOT NULL,
    client_id  text NOT NULL,
    pathway    text NOT NULL CHECK (pathway IN ('rapid_response', 'reablement')),
    start_date date NOT NULL,
    end_date   date NOT NULL CHECK (end_date >= start_date),
    body       jsonb NOT NULL,
    PRIMARY KEY (team_id, id),
    FOREIGN KEY (team_id, client_id) REFERENCES clients (team_id, id)
);
CREATE INDEX episodes_client ON episodes (team_id, client_id);
CREATE INDEX episodes_dates ON episodes (team_id, start_date, end_date);

CREATE TABLE visits (
    team_id    text NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    id         text NOT NULL,
    client_id  text NOT NULL,
    episode_id text,
    date       date NOT NULL,
    priority   text NOT NULL CHECK (priority IN ('rapid_response', 'reablement', 'routine')),
    body       jsonb NOT NULL,
    PRIMARY KEY (team_id, id),
    FOREIGN KEY (team_id, client_id) REFERENCES clients (team_id, id),
    FOREIGN KEY (team_id, episode_id) REFERENCES episodes (team_id, id)
);
CREATE INDEX visits_date ON visits (team_id, date, id);
CREATE INDEX visits_client ON visits (team_id, client_id);
CREATE INDEX visits_episode ON visits (team_id, episode_id) WHERE episode_id IS NOT NULL;

CREATE TABLE jobs (
    id               text PRIMARY KEY,
    team_id          text NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    kind             text NOT NULL CHECK (kind IN ('solve', 'simulate')),
    state            text NOT NULL CHECK (state IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
    from_date        date NOT NULL,
    to_date          date NOT NULL CHECK (to_date >= from_date),
    request          jsonb NOT NULL,
    simulation       jsonb,
    progress         jsonb NOT NULL DEFAULT '{}',
    skipped          integer NOT NULL DEFAULT 0,
    roster_id        text,
    report           jsonb,
    error            text NOT NULL DEFAULT '',
    attempts         integer NOT NULL DEFAULT 0,
    cancel_requested boolean NOT NULL DEFAULT false,
    created_by       text NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_team ON jobs (team_id, created_at DESC);
CREATE INDEX jobs_active ON jobs (state) WHERE state IN ('queued', 'running');

CREATE TABLE rosters (
    team_id    text NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    id         text NOT NULL,
    from_date  date NOT NULL,
    to_date    date NOT NULL CHECK (to_date >= from_date),
    job_id     text UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (team_id, id)
);
CREATE INDEX rosters_created ON rosters (team_id, created_at DESC);

CREATE TABLE roster_versions (
    team_id    text NOT NULL,
    roster_id  text NOT NULL,
    version    integer NOT NULL CHECK (version >= 1),
    status     text NOT NULL CHECK (status IN ('draft', 'published', 'superseded')),
    note       text NOT NULL DEFAULT '',
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    request    jsonb NOT NULL,
    roster     jsonb NOT NULL,
    PRIMARY KEY (team_id, roster_id, version),
    FOREIGN KEY (team_id, roster_id) REFERENCES rosters (team_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX roster_versions_one_published ON roster_versions (team_id, roster_id) WHERE status = 'published';

CREATE TABLE audit_log (
    id        bigserial PRIMARY KEY,
    team_id   text,
    actor     text NOT NULL,
    action    text NOT NULL,
    entity    text NOT NULL,
    entity_id text NOT NULL,
    before    jsonb,
    after     jsonb,
    at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_team ON audit_log (team_id, id DESC);

-- +goose StatementBegin
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- +goose Down
DROP TABLE audit_log;
DROP FUNCTION audit_log_append_only();
DROP TABLE roster_versions;
DROP TABLE rosters;
DROP TABLE jobs;
DROP TABLE visits;
DROP TABLE episodes;
DROP TABLE clients;
DROP TABLE workers;
DROP TABLE api_keys;
DROP TABLE teams;
