package postgres

import (
	"context"
	"encoding/json"
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
	Error           string    `db:"error"`
	Attempts        int       `db:"attempts"`
	CancelRequested bool      `db:"cancel_requested"`
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
	for _, f := range []struct {
		b []byte
		v any
	}{{r.Request, &j.Request}, {r.Simulation, &j.Simulation}, {r.Progress, &j.Progress}, {r.Report, &j.Report}} {
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
const jobColumns = `id, team_id, kind, state, from_date, to_date, simulation, progress, skipped, roster_id, report, error, attempts, cancel_requested, created_by, created_at, updated_at`

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
	j.ID, j.State, j.CreatedBy = newID(), rounds.JobQueued, rounds.ActorFromContext(ctx)
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := hasTeam(ctx, tx, j.Team); err != nil {
			return err
		}
		err := tx.GetContext(ctx, &j.CreatedAt, `INSERT INTO jobs (id, team_id, kind, state, from_date, to_date, request, simulation, skipped, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING created_at`,
			j.ID, j.Team, string(j.Kind), string(j.State), string(j.From), string(j.To), req, sim, j.Skipped, j.CreatedBy)
		if err != nil {
			return translate(err, "job")
		}
		j.CreatedAt = j.CreatedAt.UTC()
		j.UpdatedAt = j.CreatedAt
		if _, err := s.queue.InsertTx(ctx, tx.Tx, jobArgs{JobID: j.ID}, &river.InsertOpts{Queue: QueueName, MaxAttempts: MaxAttempts}); err != nil {
			return fmt.Errorf("queue job %s: %w", j.ID, err)
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
