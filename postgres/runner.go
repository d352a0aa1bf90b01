package postgres

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivertype"
	"github.com/roundsdev/rounds"
)

// RunnerConfig configures a job runner. Zero values take the defaults.
type RunnerConfig struct {
	// Planner solves the jobs. Required.
	Planner rounds.Planner
	// Logger receives job failures and river's warnings; nil discards them.
	Logger *slog.Logger
	// Workers is how many jobs this process runs at once; default 1.
	Workers int
	// PollInterval is how often the runner looks for new jobs and whether a
	// running job was cancelled; default 500 ms.
	PollInterval time.Duration
	// RescueStuckJobsAfter is how long a job may run before it is
	// interrupted, or taken back by another process if its worker died;
	// default 20 minutes (above the longest solve the API allows).
	RescueStuckJobsAfter time.Duration
	// ID names this process in river's tables; default river's.
	ID string
}

// Runner works the queued solve and simulation jobs of a Store. Several
// runners in several processes share the queue; a job whose process dies
// is rescued after RescueStuckJobsAfter and run again by another.
type Runner struct {
	client *river.Client[*sql.Tx]
}

// NewRunner returns a runner of s's jobs; call Start to begin.
func NewRunner(s *Store, cfg RunnerConfig) (*Runner, error) {
	if cfg.Planner == nil {
		return nil, errors.New("job runner: a planner is required")
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	w := &jobWorker{s: s, planner: cfg.Planner, log: log, poll: cmp.Or(cfg.PollInterval, 500*time.Millisecond)}
	workers := river.NewWorkers()
	if err := river.AddWorkerSafely(workers, w); err != nil {
		return nil, fmt.Errorf("job runner: %w", err)
	}
	rescue := cmp.Or(cfg.RescueStuckJobsAfter, 20*time.Minute)
	client, err := river.NewClient(riverdatabasesql.New(s.db.DB), &river.Config{
		ID:                cfg.ID,
		Logger:            slog.New(levelAtLeast{log.Handler(), slog.LevelWarn}),
		PollOnly:          true,
		FetchPollInterval: w.poll,
		// river rescues only jobs that have a timeout, and only after it.
		JobTimeout:           rescue,
		RescueStuckJobsAfter: rescue,
		RetryPolicy:          retryPolicy{},
		Queues:               map[string]river.QueueConfig{QueueName: {MaxWorkers: max(cfg.Workers, 1)}},
		Workers:              workers,
	})
	if err != nil {
		return nil, fmt.Errorf("job runner: %w", err)
	}
	return &Runner{client: client}, nil
}

// Start starts working jobs in the background.
func (r *Runner) Start(ctx context.Context) error { return r.client.Start(ctx) }

// Stop stops fetching jobs and waits for the running ones to finish until
// ctx ends; then it interrupts them and hands them back to the queue, where
// another process (or this one, restarted) runs them again.
func (r *Runner) Stop(ctx context.Context) error {
	err := r.client.Stop(ctx)
	if err == nil || ctx.Err() == nil {
		return err
	}
	hard, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	return r.client.StopAndCancel(hard)
}

// retryPolicy retries a job after 1, 2, 3... seconds: a job is retried
// when its worker died or was stopped, so waiting longer helps nobody.
type retryPolicy struct{}

// NextRetry returns when to run the job again.
func (retryPolicy) NextRetry(j *rivertype.JobRow) time.Time {
	return time.Now().Add(time.Duration(j.Attempt) * time.Second)
}

// levelAtLeast drops records below a level (river is chatty at info).
type levelAtLeast struct {
	slog.Handler
	min slog.Level
}

func (h levelAtLeast) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

// jobWorker runs one river job: it loads the job row, plans, and writes
// the result, the job's completion and river's in one transaction, so a
// result is written once however often the job runs.
type jobWorker struct {
	river.WorkerDefaults[jobArgs]
	s       *Store
	planner rounds.Planner
	log     *slog.Logger
	poll    time.Duration
}

// Work runs a job.
func (w *jobWorker) Work(ctx context.Context, rj *river.Job[jobArgs]) error {
	id := rj.Args.JobID
	job, err := w.s.startJob(ctx, id)
	if err != nil {
		return err
	}
	if job == nil {
		return nil // cancelled or finished meanwhile
	}
	jctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var progress sync.WaitGroup
	progress.Go(func() { w.watch(jctx, id, cancel) })
	roster, report, runErr := rounds.RunJob(jctx, w.planner, job, w.progress(jctx, id))
	cancel()
	progress.Wait()

	// Record the outcome even if ctx ended: that is how a stopping
	// process hands a job back.
	octx, ocancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer ocancel()
	if w.s.cancelRequested(octx, id) {
		if err := w.s.finishJob(octx, id, rounds.JobCancelled, ""); err != nil {
			return err
		}
		return river.JobCancel(errors.New("cancelled by request"))
	}
	if runErr != nil {
		return w.failed(octx, ctx, rj, runErr)
	}
	return w.s.inTx(octx, func(tx *sqlx.Tx) error {
		var rosterID string
		if roster != nil {
			v := &rounds.RosterVersion{Team: job.Team, From: job.From, To: job.To, JobID: id, Note: "planned", Request: job.Request, Roster: roster}
			if err := createRoster(octx, tx, v); err != nil {
				return err
			}
			rosterID = v.RosterID
		}
		if err := finishJobTx(octx, tx, id, rounds.JobCompleted, rosterID, report, ""); err != nil {
			return err
		}
		_, err := river.JobCompleteTx[*riverdatabasesql.Driver](octx, tx.Tx, rj)
		return err
	})
}

// failed records a run that ended in err. If the process is stopping, the
// job goes back to the queue; a bad request fails at once; anything else
// is retried until the last attempt.
func (w *jobWorker) failed(octx, ctx context.Context, rj *river.Job[jobArgs], err error) error {
	id := rj.Args.JobID
	if ctx.Err() != nil {
		if e := w.s.finishJob(octx, id, rounds.JobQueued, ""); e != nil {
			return e
		}
		return fmt.Errorf("job %s handed back: %w", id, ctx.Err())
	}
	code := rounds.ErrorCode(err)
	if code == rounds.EINTERNAL {
		w.log.Error("job failed", "job", id, "attempt", rj.Attempt, "err", err)
		if rj.Attempt < rj.MaxAttempts {
			if e := w.s.finishJob(octx, id, rounds.JobQueued, ""); e != nil {
				return e
			}
			return err
		}
	}
	msg := "internal error: the job failed; see the server log"
	if code != rounds.EINTERNAL {
		msg = err.Error()
	}
	if e := w.s.finishJob(octx, id, rounds.JobFailed, msg); e != nil {
		return e
	}
	return river.JobCancel(err)
}

// watch cancels the job's context when someone asks for it to stop.
func (w *jobWorker) watch(ctx context.Context, id string, cancel context.CancelFunc) {
	t := time.NewTicker(w.poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if w.s.cancelRequested(ctx, id) {
				cancel()
				return
			}
		}
	}
}

// progress returns a callback that stores the best roster's figures, at
// most once per poll interval.
func (w *jobWorker) progress(ctx context.Context, id string) func(rounds.Progress) {
	var last time.Time
	return func(p rounds.Progress) {
		if time.Since(last) < w.poll {
			return
		}
		last = time.Now()
		b, _ := json.Marshal(p)
		if _, err := w.s.db.ExecContext(ctx, `UPDATE jobs SET progress = $2, updated_at = now() WHERE id = $1`, id, b); err != nil && ctx.Err() == nil {
			w.log.Warn("job progress not saved", "job", id, "err", err)
		}
	}
}

// startJob marks a job running and returns it with its request, or nil if
// it has finished or was cancelled (marking it so if its last worker died
// before it could).
func (s *Store) startJob(ctx context.Context, id string) (*rounds.Job, error) {
	var r jobRow
	err := s.db.GetContext(ctx, &r, `UPDATE jobs SET updated_at = now(),
		state = CASE WHEN cancel_requested THEN 'cancelled' ELSE 'running' END,
		attempts = attempts + CASE WHEN cancel_requested THEN 0 ELSE 1 END
		WHERE id = $1 AND state IN ('queued', 'running') RETURNING `+jobColumns+`, request`, id)
	if errors.Is(err, sql.ErrNoRows) || err == nil && r.State == string(rounds.JobCancelled) {
		return nil, nil
	}
	if err != nil {
		return nil, translate(err, "start job "+id)
	}
	return r.toJob()
}

func (s *Store) cancelRequested(ctx context.Context, id string) bool {
	var yes bool
	err := s.db.GetContext(ctx, &yes, `SELECT cancel_requested FROM jobs WHERE id = $1`, id)
	return err == nil && yes
}

// finishJob sets a job's state outside any other transaction.
func (s *Store) finishJob(ctx context.Context, id string, state rounds.JobState, msg string) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error { return finishJobTx(ctx, tx, id, state, "", nil, msg) })
}

func finishJobTx(ctx context.Context, tx *sqlx.Tx, id string, state rounds.JobState, rosterID string, report *rounds.SimulationReport, msg string) error {
	var rep []byte
	if report != nil {
		var err error
		if rep, err = json.Marshal(report); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `UPDATE jobs SET state = $2, roster_id = NULLIF($3, ''), report = $4, error = $5, updated_at = now() WHERE id = $1`,
		id, string(state), rosterID, rep, msg)
	return translate(err, "finish job "+id)
}
