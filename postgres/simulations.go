package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/roundsdev/rounds"
)

// simulationRow is a row of simulations with the counts of its jobs'
// states.
type simulationRow struct {
	ID           string    `db:"id"`
	Team         string    `db:"team_id"`
	File         []byte    `db:"file"`
	Scenarios    []byte    `db:"scenarios"`
	Replications int       `db:"replications"`
	From         time.Time `db:"from_date"`
	To           time.Time `db:"to_date"`
	CreatedBy    string    `db:"created_by"`
	CreatedAt    time.Time `db:"created_at"`
	UpdatedAt    time.Time `db:"updated_at"`
	Queued       int       `db:"queued"`
	Running      int       `db:"running"`
	Completed    int       `db:"completed"`
	Failed       int       `db:"failed"`
	Cancelled    int       `db:"cancelled"`
	Error        string    `db:"error"`
	Total        int       `db:"total"`
}

func (r *simulationRow) toRun() (*rounds.SimulationRun, error) {
	run := &rounds.SimulationRun{ID: r.ID, Team: r.Team, File: r.File, Replications: r.Replications, From: toDate(r.From), To: toDate(r.To),
		Error: r.Error, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
	if err := json.Unmarshal(r.Scenarios, &run.Scenarios); err != nil {
		return nil, fmt.Errorf("simulation %s: %w", r.ID, err)
	}
	run.Settle(map[rounds.JobState]int{rounds.JobQueued: r.Queued, rounds.JobRunning: r.Running,
		rounds.JobCompleted: r.Completed, rounds.JobFailed: r.Failed, rounds.JobCancelled: r.Cancelled})
	return run, nil
}

// simulationSelect reads runs with their jobs' counts; add a WHERE.
const simulationSelect = `SELECT s.id, s.team_id, s.file, s.scenarios, s.replications, s.from_date, s.to_date, s.created_by, s.created_at,
		coalesce(j.updated_at, s.created_at) AS updated_at, j.queued, j.running, j.completed, j.failed, j.cancelled, j.error
	FROM simulations s CROSS JOIN LATERAL (SELECT max(updated_at) AS updated_at,
		count(*) FILTER (WHERE state = 'queued') AS queued, count(*) FILTER (WHERE state = 'running') AS running,
		count(*) FILTER (WHERE state = 'completed') AS completed, count(*) FILTER (WHERE state = 'failed') AS failed,
		count(*) FILTER (WHERE state = 'cancelled') AS cancelled,
		coalesce((array_agg(error ORDER BY scenario, replication) FILTER (WHERE state = 'failed'))[1], '') AS error
		FROM jobs WHERE simulation_id = s.id) j`

// SubmitSimulation stores a run and queues its replications on river in
// one transaction.
func (s *Store) SubmitSimulation(ctx context.Context, run *rounds.SimulationRun) error {
	names, err := json.Marshal(run.Scenarios)
	if err != nil {
		return err
	}
	run.ID, run.CreatedBy = newID(), rounds.ActorFromContext(ctx)
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := hasTeam(ctx, tx, run.Team); err != nil {
			return err
		}
		err := tx.GetContext(ctx, &run.CreatedAt, `INSERT INTO simulations (id, team_id, file, scenarios, replications, from_date, to_date, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING created_at`,
			run.ID, run.Team, []byte(run.File), names, run.Replications, string(run.From), string(run.To), run.CreatedBy)
		if err != nil {
			return translate(err, "simulation")
		}
		run.CreatedAt = run.CreatedAt.UTC()
		run.UpdatedAt = run.CreatedAt
		counts := map[rounds.JobState]int{}
		for sc := range run.Scenarios {
			for rep := range run.Replications {
				id := newID()
				_, err := tx.ExecContext(ctx, `INSERT INTO jobs (id, team_id, kind, state, from_date, to_date, simulation_id, scenario, replication, created_by)
					VALUES ($1, $2, 'replicate', 'queued', $3, $4, $5, $6, $7, $8)`,
					id, run.Team, string(run.From), string(run.To), run.ID, sc, rep, run.CreatedBy)
				if err != nil {
					return translate(err, "replication job")
				}
				if err := s.enqueue(ctx, tx, id, time.Time{}); err != nil {
					return err
				}
				counts[rounds.JobQueued]++
			}
		}
		run.Settle(counts)
		return audit(ctx, tx, run.Team, rounds.AuditSubmit, "simulation", run.ID, nil, run)
	})
}

// Simulation returns a run with its progress.
func (s *Store) Simulation(ctx context.Context, team, id string) (*rounds.SimulationRun, error) {
	var r simulationRow
	if err := s.db.GetContext(ctx, &r, simulationSelect+` WHERE ($1 = '' OR s.team_id = $1) AND s.id = $2`, team, id); err != nil {
		return nil, translate(err, "simulation "+id)
	}
	return r.toRun()
}

// SimulationResults returns the results of a run's completed replications.
func (s *Store) SimulationResults(ctx context.Context, id string) ([]rounds.ReplicationResult, error) {
	var rows []struct {
		Scenario    int    `db:"scenario"`
		Replication int    `db:"replication"`
		Result      []byte `db:"result"`
	}
	err := s.db.SelectContext(ctx, &rows, `SELECT scenario, replication, result FROM jobs
		WHERE simulation_id = $1 AND state = 'completed' AND result IS NOT NULL ORDER BY scenario, replication`, id)
	if err != nil {
		return nil, translate(err, "results of simulation "+id)
	}
	out := make([]rounds.ReplicationResult, len(rows))
	for i, r := range rows {
		out[i] = rounds.ReplicationResult{Scenario: r.Scenario, Replication: r.Replication, Result: r.Result}
	}
	return out, nil
}

// CancelSimulation cancels a run's queued replications at once; running
// ones stop when their runner next looks (within its poll interval).
func (s *Store) CancelSimulation(ctx context.Context, team, id string) (*rounds.SimulationRun, error) {
	var out *rounds.SimulationRun
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `SELECT 1 FROM simulations WHERE team_id = $1 AND id = $2 FOR UPDATE`, team, id); err != nil {
			return translate(err, "simulation "+id)
		}
		var r simulationRow
		if err := tx.GetContext(ctx, &r, simulationSelect+` WHERE s.team_id = $1 AND s.id = $2`, team, id); err != nil {
			return translate(err, "simulation "+id)
		}
		before, err := r.toRun()
		if err != nil {
			return err
		}
		if before.State.Final() {
			return rounds.Errorf(rounds.ECONFLICT, "simulation %s has already finished (%s)", id, before.State)
		}
		_, err = tx.ExecContext(ctx, `UPDATE jobs SET cancel_requested = true, updated_at = now(),
			state = CASE WHEN state = 'queued' THEN 'cancelled' ELSE state END
			WHERE simulation_id = $1 AND state IN ('queued', 'running')`, id)
		if err != nil {
			return translate(err, "cancel simulation "+id)
		}
		if err := tx.GetContext(ctx, &r, simulationSelect+` WHERE s.id = $1`, id); err != nil {
			return translate(err, "simulation "+id)
		}
		if out, err = r.toRun(); err != nil {
			return err
		}
		return audit(ctx, tx, team, rounds.AuditCancel, "simulation", id, before, out)
	})
	return out, err
}

// Simulations returns a page of a team's runs, newest first.
func (s *Store) Simulations(ctx context.Context, team string, f rounds.Filter) (*rounds.Page[rounds.SimulationRun], error) {
	var rows []simulationRow
	err := s.db.SelectContext(ctx, &rows, `SELECT *, count(*) OVER () AS total FROM (`+simulationSelect+` WHERE s.team_id = $1) s
		ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3`, team, f.PageLimit(), max(f.Offset, 0))
	if err != nil {
		return nil, translate(err, "list simulations")
	}
	items := make([]rounds.SimulationRun, len(rows))
	total := 0
	for i := range rows {
		run, err := rows[i].toRun()
		if err != nil {
			return nil, err
		}
		items[i], total = *run, rows[i].Total
	}
	return newPage(items, total, f), nil
}
