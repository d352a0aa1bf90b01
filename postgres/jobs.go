package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/riverqueue/river"
	"github.com/roundsdev/rounds"
)

// QueueName is the river queue that carries solve and simulation jobs.
const QueueName = "rounds"

// MaxAttempts is how many times a job runs before it fails for good: a
// worker that dies mid-solve costs one attempt.
const MaxAttempts = 5

// jobArgs are the river arguments of a job: only its ID; the job's row in
// the jobs table holds the rest.
type jobArgs struct {
	JobID string `json:"jobId"`
}

// Kind names the river job kind.
func (jobArgs) Kind() string { return "rounds_job" }

// jobRow is a row of jobs.
type jobRow struct {
	ID              string    `db:"id"`
	Team            string    `db:"team_id"`
	Kind            string    `db:"kind"`
	State           string    `db:"state"`
	From            time.Time `db:"from_date"`
	To              time.Time `db:"to_date"`
	Request         []byte    `db:"request"`
	Simulation      []byte    `db:"simulation"`
	Progress        []byte    `db:"progress"`
	Skipped         int       `db:"skipped"`
	RosterID        *string   `db:"roster_id"`
	Report          []byte    `db:"report"`
	Repair          []byte    `db:"repair"`
	RosterVersion   *int      `db:"roster_version"`
	RepairReport    []byte    `db:"repair_report"`
	Error           string    `db:"error"`
	Attempts        int       `db:"attempts"`
	CancelRequested bool      `db:"cancel_requested"`
	SimulationID    *string   `db:"simulation_id"`
	Scenario        *int      `db:"scenario"`
	Replication     *int      `db:"replication"`
	CreatedBy       string    `db:"created_by"`
	CreatedAt       time.Time `db:"created_at"`
	UpdatedAt       time.Time `db:"updated_at"`
}

func (r *jobRow) toJob() (*rounds.Job, error) {
	j := &rounds.Job{ID: r.ID, Team: r.Team, Kind: rounds.JobKind(r.Kind), State: rounds.JobState(r.State), From: toDate(r.From), To: toDate(r.To),
		Skipped: r.Skipped, Error: r.Error, Attempts: r.Attempts, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
	if r.RosterID != nil {
		j.RosterID = *r.RosterID
	}
	if r.RosterVersion != nil {
		j.Version = *r.RosterVersion
	}
	if r.SimulationID != nil && r.Scenario != nil && r.Replication != nil {
		j.Replication = &rounds.ReplicationTask{Simulation: *r.SimulationID, Scenario: *r.Scenario, Replication: *r.Replication}
	}
	for _, f := range []struct {
		b []byte
		v any
	}{{r.Request, &j.Request}, {r.Simulation, &j.Simulation}, {r.Progress, &j.Progress}, {r.Report, &j.Report},
		{r.Repair, &j.Repair}, {r.RepairReport, &j.RepairReport}} {
		if f.b == nil {
			continue
		}
		if err := json.Unmarshal(f.b, f.v); err != nil {
			return nil, fmt.Errorf("job %s: %w", r.ID, err)
		}
	}
	return j, nil
}

// jobColumns are the columns of a job without its request.
const jobColumns = `id, team_id, kind, state, from_date, to_date, simulation, progress, skipped, roster_id, report, repair, roster_version, repair_report, error, attempts, cancel_requested, simulation_id, scenario, replication, created_by, created_at, updated_at`

// SubmitJob stores a job and queues it on river in one transaction.
func (s *Store) SubmitJob(ctx context.Context, j *rounds.Job) error {
	req, err := json.Marshal(j.Request)
	if err != nil {
		return err
	}
	sim, err := jsonb(j.Simulation)
	if err != nil {
		return err
	}
	var repair []byte
	if j.Repair != nil {
		if repair, err = json.Marshal(j.Repair); err != nil {
			return err
		}
	}
	j.ID, j.State, j.CreatedBy = newID(), rounds.JobQueued, rounds.ActorFromContext(ctx)
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := hasTeam(ctx, tx, j.Team); err != nil {
			return err
		}
		err := tx.GetContext(ctx, &j.CreatedAt, `INSERT INTO jobs (id, team_id, kind, state, from_date, to_date, request, simulation, repair, skipped, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING created_at`,
			j.ID, j.Team, string(j.Kind), string(j.State), string(j.From), string(j.To), req, sim, repair, j.Skipped, j.CreatedBy)
		if err != nil {
			return translate(err, "job")
		}
		j.CreatedAt = j.CreatedAt.UTC()
		j.UpdatedAt = j.CreatedAt
		if err := s.enqueue(ctx, tx, j.ID, time.Time{}); err != nil {
			return err
		}
		c := *j
		c.Request = nil
		return audit(ctx, tx, j.Team, rounds.AuditSubmit, "job", j.ID, nil, c)
	})
}

// Job returns a job without its request.
func (s *Store) Job(ctx context.Context, team, id string) (*rounds.Job, error) {
	var r jobRow
	if err := s.db.GetContext(ctx, &r, `SELECT `+jobColumns+` FROM jobs WHERE ($1 = '' OR team_id = $1) AND id = $2`, team, id); err != nil {
		return nil, translate(err, "job "+id)
	}
	return r.toJob()
}

// CancelJob cancels a queued job at once; a running one stops when its
// worker next looks (within its poll interval).
func (s *Store) CancelJob(ctx context.Context, team, id string) (*rounds.Job, error) {
	var out *rounds.Job
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var r jobRow
		if err := tx.GetContext(ctx, &r, `SELECT `+jobColumns+` FROM jobs WHERE team_id = $1 AND id = $2 FOR UPDATE`, team, id); err != nil {
			return translate(err, "job "+id)
		}
		before, err := r.toJob()
		if err != nil {
			return err
		}
		if before.State.Final() {
			return rounds.Errorf(rounds.ECONFLICT, "job %s has already finished (%s)", id, before.State)
		}
		err = tx.GetContext(ctx, &r, `UPDATE jobs SET cancel_requested = true, updated_at = now(),
			state = CASE WHEN state = 'queued' THEN 'cancelled' ELSE state END
			WHERE id = $1 RETURNING `+jobColumns, id)
		if err != nil {
			return translate(err, "cancel job "+id)
		}
		if out, err = r.toJob(); err != nil {
			return err
		}
		return audit(ctx, tx, team, rounds.AuditCancel, "job", id, before, out)
	})
	return out, err
}

// QueueDepth returns how many jobs are queued or running.
func (s *Store) QueueDepth(ctx context.Context) (int, error) {
	var n int
	err := s.db.GetContext(ctx, &n, `SELECT count(*) FROM jobs WHERE state IN ('queued', 'running')`)
	return n, translate(err, "queue depth")
}

// enqueue queues a river job that runs job id at or after at (a zero at
// means now), in tx.
func (s *Store) enqueue(ctx context.Context, tx *sqlx.Tx, id string, at time.Time) error {
	_, err := s.queue.InsertTx(ctx, tx.Tx, jobArgs{JobID: id}, &river.InsertOpts{Queue: QueueName, MaxAttempts: MaxAttempts, ScheduledAt: at})
	if err != nil {
		return fmt.Errorf("queue job %s: %w", id, err)
	}
	return nil
}

// rescueJobs takes back the running jobs whose heartbeat is older than
// after, their runner having died or stalled: each is queued again on a
// new river job, or cancelled if a cancel was asked for, or failed if it
// has had its MaxAttempts. The river job of the lost run is cancelled (it
// is still running as far as river knows; river's own rescuer settles
// it). It returns the IDs of the jobs taken back.
func (s *Store) rescueJobs(ctx context.Context, after time.Duration) ([]string, error) {
	var taken []string
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var rows []struct {
			ID         string `db:"id"`
			State      string `db:"state"`
			RiverJobID *int64 `db:"river_job_id"`
		}
		err := tx.SelectContext(ctx, &rows, `WITH stale AS (
				SELECT id, river_job_id FROM jobs
				WHERE state = 'running' AND heartbeat_at < now() - make_interval(secs => $1)
				FOR UPDATE SKIP LOCKED)
			UPDATE jobs SET updated_at = now(), river_job_id = NULL,
				state = CASE WHEN cancel_requested THEN 'cancelled' WHEN attempts >= $2 THEN 'failed' ELSE 'queued' END,
				error = CASE WHEN NOT cancel_requested AND attempts >= $2 THEN $3 ELSE error END
			FROM stale WHERE jobs.id = stale.id
			RETURNING jobs.id, jobs.state, stale.river_job_id`,
			after.Seconds(), MaxAttempts, fmt.Sprintf("internal error: the job's runner stopped on each of its %d attempts; see the server log", MaxAttempts))
		if err != nil {
			return translate(err, "rescue jobs")
		}
		for _, r := range rows {
			if r.RiverJobID != nil {
				if _, err := s.queue.JobCancelTx(ctx, tx.Tx, *r.RiverJobID); err != nil && !errors.Is(err, river.ErrNotFound) {
					return fmt.Errorf("rescue job %s: cancel river job %d: %w", r.ID, *r.RiverJobID, err)
				}
			}
			if r.State == string(rounds.JobQueued) {
				if err := s.enqueue(ctx, tx, r.ID, time.Time{}); err != nil {
					return err
				}
			}
			taken = append(taken, r.ID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return taken, nil
}
