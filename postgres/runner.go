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
	// Replicator runs the replications of simulation runs; without it
	// this runner fails them.
	Replicator rounds.Replicator
	// Logger receives job failures and river's warnings; nil discards them.
	Logger *slog.Logger
	// Workers is how many jobs this process runs at once; default 1.
	Workers int
	// PollInterval is how often the runner looks for new jobs and, for
	// each job it runs, writes the job's heartbeat and looks whether it
	// was cancelled; default 500 ms.
	PollInterval time.Duration
	// RescueAfter is how old a running job's heartbeat may grow before a
	// runner takes the job back and queues it again: its runner has died
	// or stalled. Runners look every RescueAfter/3, so a dead runner's job
	// runs again within about 4/3 RescueAfter. Default 30 s; it must be at
	// least 3 poll intervals.
	RescueAfter time.Duration
	// ID names this process in river's tables; default river's.
	ID string
}

// Runner works the queued solve and simulation jobs of a Store. Several
// runners in several processes share the queue. A running job's runner
// writes its heartbeat every poll interval, and every runner takes back
// the jobs whose heartbeat is older than RescueAfter, so the job of a
// process that died runs again within a minute however long the other
// jobs' time limits are. Each job's own time limit is its timeout.
type Runner struct {
	client      *river.Client[*sql.Tx]
	s           *Store
	log         *slog.Logger
	rescueAfter time.Duration
	// stopRescue ends the rescue loop; rescuing waits for it.
	stopRescue context.CancelFunc
	rescuing   sync.WaitGroup
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
	w := &jobWorker{s: s, planner: cfg.Planner, replicator: cfg.Replicator, log: log, poll: cmp.Or(cfg.PollInterval, 500*time.Millisecond)}
	rescue := cmp.Or(cfg.RescueAfter, 30*time.Second)
	if rescue < 3*w.poll {
		return nil, fmt.Errorf("job runner: rescue after %s must be at least 3 poll intervals (%s)", rescue, 3*w.poll)
	}
	workers := river.NewWorkers()
	if err := river.AddWorkerSafely(workers, w); err != nil {
		return nil, fmt.Errorf("job runner: %w", err)
	}
	client, err := river.NewClient(riverdatabasesql.New(s.db.DB), &river.Config{
		ID:                cfg.ID,
		Logger:            slog.New(levelAtLeast{log.Handler(), slog.LevelWarn}),
		PollOnly:          true,
		FetchPollInterval: w.poll,
		// A job's own time limit bounds it (see jobWorker.Work), and the
		// heartbeat, not river, tells a dead run from a long one. River's
		// rescuer then only settles the river job of a run taken back,
		// which rescueJobs has marked cancelled.
		JobTimeout:           -1,
		RescueStuckJobsAfter: rescue,
		RetryPolicy:          retryPolicy{},
		Queues:               map[string]river.QueueConfig{QueueName: {MaxWorkers: max(cfg.Workers, 1)}},
		Workers:              workers,
	})
	if err != nil {
		return nil, fmt.Errorf("job runner: %w", err)
	}
	return &Runner{client: client, s: s, log: log, rescueAfter: rescue}, nil
}

// Start starts working jobs, and taking back those of dead runners, in
// the background.
func (r *Runner) Start(ctx context.Context) error {
	if err := r.client.Start(ctx); err != nil {
		return err
	}
	rctx, cancel := context.WithCancel(ctx)
	r.stopRescue = cancel
	r.rescuing.Go(func() { r.rescue(rctx) })
	return nil
}

// Stop stops fetching jobs and waits for the running ones to finish until
// ctx ends; then it interrupts them and hands them back to the queue, where
// another process (or this one, restarted) runs them again.
func (r *Runner) Stop(ctx context.Context) error {
	if r.stopRescue != nil {
		r.stopRescue()
		r.rescuing.Wait()
	}
	err := r.client.Stop(ctx)
	if err == nil || ctx.Err() == nil {
		return err
	}
	hard, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	return r.client.StopAndCancel(hard)
}

// rescue takes back the jobs of dead runners every RescueAfter/3 until
// ctx ends.
func (r *Runner) rescue(ctx context.Context) {
	t := time.NewTicker(r.rescueAfter / 3)
	defer t.Stop()
	for {
		taken, err := r.s.rescueJobs(ctx, r.rescueAfter)
		if err != nil && ctx.Err() == nil {
			r.log.Warn("jobs of dead runners not taken back", "err", err)
		}
		for _, id := range taken {
			r.log.Warn("job taken back: its runner sent no heartbeat", "job", id, "for", r.rescueAfter.String())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// retryPolicy retries a river job after 1, 2, 3... seconds. River retries
// one only when its run could not record its outcome (a database error);
// a run that fails or is handed back queues its job on a new river job.
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

// jobWorker runs one river job: it takes the job's lease, plans, and
// writes the outcome, the job's new state and river's in one transaction
// that checks the lease, so a result is written once however often the
// job runs.
type jobWorker struct {
	river.WorkerDefaults[jobArgs]
	s          *Store
	planner    rounds.Planner
	replicator rounds.Replicator
	log        *slog.Logger
	poll       time.Duration
}

// errJobLost is the cause of a run's end when another runner has taken its
// job back: the run may write nothing more.
var errJobLost = errors.New("the job was taken back from this run")

// errOverran is the cause of a run's end when the job outlived its timeout.
var errOverran = errors.New("the job ran past its time limit")

// Work runs a job. The river job holds the job's lease (river_job_id)
// from startJob until the job ends, is handed back or is taken back.
func (w *jobWorker) Work(ctx context.Context, rj *river.Job[jobArgs]) error {
	id := rj.Args.JobID
	job, err := w.s.startJob(ctx, id, rj.ID)
	if err != nil || job == nil {
		return err // nil job: cancelled, finished or run by another river job meanwhile
	}
	res, runErr := w.run(ctx, rj.ID, job)
	if errors.Is(runErr, errJobLost) {
		w.log.Warn("job taken back from this runner; another runs it", "job", id, "attempt", job.Attempts)
		return nil
	}
	// Record the outcome even if ctx ended: that is how a stopping
	// process hands a job back.
	octx, ocancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer ocancel()
	err = w.s.inTx(octx, func(tx *sqlx.Tx) error {
		if err := holdJob(octx, tx, id, rj.ID); err != nil {
			return err
		}
		if err := w.record(octx, ctx, tx, job, res, runErr); err != nil {
			return err
		}
		_, err := river.JobCompleteTx[*riverdatabasesql.Driver](octx, tx.Tx, rj)
		return err
	})
	if errors.Is(err, errJobLost) {
		w.log.Warn("job taken back from this runner before it could record its result; another runs it", "job", id, "attempt", job.Attempts)
		return nil
	}
	return err
}

// run plans job under its time limit, writing its heartbeat and progress
// as lease holder, and stopping if it is cancelled or taken back (then it
// returns errJobLost) or overruns (errOverran).
func (w *jobWorker) run(ctx context.Context, lease int64, job *rounds.Job) (*rounds.JobResult, error) {
	jctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	if limit := timeLimit(job); limit > 0 {
		var stop context.CancelFunc
		jctx, stop = context.WithTimeoutCause(jctx, limit, errOverran)
		defer stop()
	}
	var watching sync.WaitGroup
	watching.Go(func() { w.watch(jctx, job.ID, lease, cancel) })
	var res *rounds.JobResult
	var err error
	switch job.Kind {
	case rounds.JobRepair:
		err = job.Repair.Load(jctx, job.Team, w.s)
	case rounds.JobReplicate:
		err = w.s.loadReplication(jctx, job)
	}
	switch {
	case err != nil:
	case job.Kind == rounds.JobReplicate:
		res, err = rounds.RunReplication(jctx, w.replicator, job, w.progress(jctx, job.ID, lease))
	default:
		res, err = rounds.RunJob(jctx, w.planner, job, w.progress(jctx, job.ID, lease))
	}
	cause := context.Cause(jctx)
	cancel(nil)
	watching.Wait()
	if errors.Is(cause, errJobLost) || errors.Is(cause, errOverran) {
		return nil, cause
	}
	return res, err
}

// loadReplication reads the scenario file of a replication job's run.
func (s *Store) loadReplication(ctx context.Context, j *rounds.Job) error {
	t := j.Replication
	if t == nil {
		return rounds.Invalid("replication", "null", "the replication job names no simulation")
	}
	var file []byte
	if err := s.db.GetContext(ctx, &file, `SELECT file FROM simulations WHERE id = $1`, t.Simulation); err != nil {
		return translate(err, "simulation "+t.Simulation)
	}
	t.File = file
	return nil
}

// record writes how a run of job ended in tx: cancelled if that was asked
// for; completed with its roster, report or replication result (a
// repair's roster as the next version of its roster, failed if another
// version came first); queued
// again on a new river job if the process is stopping (ctx ended) or the
// run hit an internal error and has attempts left; else failed.
func (w *jobWorker) record(octx, ctx context.Context, tx *sqlx.Tx, job *rounds.Job, res *rounds.JobResult, runErr error) error {
	id := job.ID
	var cancelled bool
	if err := tx.GetContext(octx, &cancelled, `SELECT cancel_requested FROM jobs WHERE id = $1`, id); err != nil {
		return translate(err, "job "+id)
	}
	switch {
	case cancelled:
		return finishJobTx(octx, tx, id, rounds.JobCancelled, "", nil, "")
	case runErr == nil && job.Kind == rounds.JobRepair:
		v := job.Repair.Next(job.Team, job.Request, res.Roster)
		if _, err := tx.ExecContext(octx, `SAVEPOINT repaired`); err != nil {
			return err
		}
		if err := addRosterVersion(octx, tx, v); rounds.ErrorCode(err) == rounds.ECONFLICT {
			if _, err := tx.ExecContext(octx, `ROLLBACK TO SAVEPOINT repaired`); err != nil {
				return err
			}
			return finishJobTx(octx, tx, id, rounds.JobFailed, "", nil, err.Error())
		} else if err != nil {
			return err
		}
		rep, err := json.Marshal(res.Repair)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(octx, `UPDATE jobs SET roster_version = $2, repair_report = $3 WHERE id = $1`, id, v.Version, rep)
		if err != nil {
			return translate(err, "finish job "+id)
		}
		return finishJobTx(octx, tx, id, rounds.JobCompleted, v.RosterID, nil, "")
	case runErr == nil && job.Kind == rounds.JobReplicate:
		if _, err := tx.ExecContext(octx, `UPDATE jobs SET result = $2 WHERE id = $1`, id, []byte(res.Replication)); err != nil {
			return translate(err, "result of job "+id)
		}
		return finishJobTx(octx, tx, id, rounds.JobCompleted, "", nil, "")
	case runErr == nil:
		var rosterID string
		if res.Roster != nil {
			v := &rounds.RosterVersion{Team: job.Team, From: job.From, To: job.To, JobID: id, Note: "planned", Request: job.Request, Roster: res.Roster}
			if err := createRoster(octx, tx, v); err != nil {
				return err
			}
			rosterID = v.RosterID
		}
		return finishJobTx(octx, tx, id, rounds.JobCompleted, rosterID, res.Report, "")
	case ctx.Err() != nil:
		w.log.Info("job handed back", "job", id, "attempt", job.Attempts)
		return w.s.requeueTx(octx, tx, id, time.Time{})
	case errors.Is(runErr, errOverran):
		w.log.Error("job failed", "job", id, "attempt", job.Attempts, "err", runErr, "limit", timeLimit(job))
		return finishJobTx(octx, tx, id, rounds.JobFailed, "", nil, fmt.Sprintf("internal error: the job ran past its time limit of %s; see the server log", timeLimit(job)))
	}
	code := rounds.ErrorCode(runErr)
	if code == rounds.EINTERNAL {
		w.log.Error("job failed", "job", id, "attempt", job.Attempts, "err", runErr)
		if job.Attempts < MaxAttempts {
			return w.s.requeueTx(octx, tx, id, time.Now().Add(time.Duration(job.Attempts)*time.Second))
		}
	}
	msg := "internal error: the job failed; see the server log"
	if code != rounds.EINTERNAL {
		msg = runErr.Error()
	}
	return finishJobTx(octx, tx, id, rounds.JobFailed, "", nil, msg)
}

// timeLimit is how long a run of job may take: its request's time limit
// (a repair's budget; 10 s if it sets none, as the planner does), once per day for a
// simulation, doubled and a minute added for building the problem and
// storing the result; 0 (none) for a search bounded by iterations alone.
func timeLimit(job *rounds.Job) time.Duration {
	if job.Request == nil {
		return 0
	}
	o := job.Request.Options
	limit := time.Duration(o.TimeLimitSeconds * float64(time.Second))
	iterations := o.Iterations
	if rj := job.Repair; rj != nil {
		limit, iterations = time.Duration(rj.TimeLimitSeconds*float64(time.Second)), rj.Iterations
	}
	if limit == 0 {
		if iterations > 0 {
			return 0
		}
		limit = rounds.DefaultTimeLimit
	}
	if job.Kind == rounds.JobSimulate {
		limit *= time.Duration(job.To.DaysSince(job.From) + 1)
	}
	return 2*limit + time.Minute
}

// watch writes the job's heartbeat every poll interval while the run
// holds its lease, and cancels the run when someone asks for the job to
// stop or another runner has taken it back (cause errJobLost).
func (w *jobWorker) watch(ctx context.Context, id string, lease int64, cancel context.CancelCauseFunc) {
	t := time.NewTicker(w.poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		var cancelled bool
		err := w.s.db.GetContext(ctx, &cancelled, `UPDATE jobs SET heartbeat_at = now()
			WHERE id = $1 AND state = 'running' AND river_job_id = $2 RETURNING cancel_requested`, id, lease)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			cancel(errJobLost)
			return
		case err != nil:
			if ctx.Err() == nil {
				w.log.Warn("job heartbeat not saved", "job", id, "err", err)
			}
		case cancelled:
			cancel(nil)
			return
		}
	}
}

// progress returns a callback that stores the best roster's figures, with
// a heartbeat, at most once per poll interval while the run holds the
// job's lease.
func (w *jobWorker) progress(ctx context.Context, id string, lease int64) func(rounds.Progress) {
	var last time.Time
	return func(p rounds.Progress) {
		if time.Since(last) < w.poll {
			return
		}
		last = time.Now()
		b, _ := json.Marshal(p)
		_, err := w.s.db.ExecContext(ctx, `UPDATE jobs SET progress = $2, heartbeat_at = now(), updated_at = now()
			WHERE id = $1 AND state = 'running' AND river_job_id = $3`, id, b, lease)
		if err != nil && ctx.Err() == nil {
			w.log.Warn("job progress not saved", "job", id, "err", err)
		}
	}
}

// startJob gives the job's lease to river job lease and marks it running,
// returning it with its request, or nil if it has finished, was cancelled
// (marking it so if it was queued) or another river job holds it. The
// river job that holds it may start it again (river retries it when
// recording its outcome failed).
func (s *Store) startJob(ctx context.Context, id string, lease int64) (*rounds.Job, error) {
	var r jobRow
	err := s.db.GetContext(ctx, &r, `UPDATE jobs SET updated_at = now(), heartbeat_at = now(), river_job_id = $2,
		state = CASE WHEN cancel_requested THEN 'cancelled' ELSE 'running' END,
		attempts = attempts + CASE WHEN cancel_requested THEN 0 ELSE 1 END
		WHERE id = $1 AND (state = 'queued' OR state = 'running' AND river_job_id = $2) RETURNING `+jobColumns+`, request`, id, lease)
	if errors.Is(err, sql.ErrNoRows) || err == nil && r.State == string(rounds.JobCancelled) {
		return nil, nil
	}
	if err != nil {
		return nil, translate(err, "start job "+id)
	}
	return r.toJob()
}

// holdJob locks the job's row in tx and returns errJobLost unless it is
// running under river job lease.
func holdJob(ctx context.Context, tx *sqlx.Tx, id string, lease int64) error {
	var held bool
	err := tx.GetContext(ctx, &held, `SELECT coalesce(state = 'running' AND river_job_id = $2, false) FROM jobs WHERE id = $1 FOR UPDATE`, id, lease)
	if err != nil {
		return translate(err, "job "+id)
	}
	if !held {
		return errJobLost
	}
	return nil
}

// requeueTx queues a job again, due at at (now if zero), on a new river
// job: the lease of the run that held it ends.
func (s *Store) requeueTx(ctx context.Context, tx *sqlx.Tx, id string, at time.Time) error {
	if _, err := tx.ExecContext(ctx, `UPDATE jobs SET state = 'queued', river_job_id = NULL, updated_at = now() WHERE id = $1`, id); err != nil {
		return translate(err, "queue job "+id)
	}
	return s.enqueue(ctx, tx, id, at)
}

func finishJobTx(ctx context.Context, tx *sqlx.Tx, id string, state rounds.JobState, rosterID string, report *rounds.SimulationReport, msg string) error {
	var rep []byte
	if report != nil {
		var err error
		if rep, err = json.Marshal(report); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `UPDATE jobs SET state = $2, roster_id = NULLIF($3, ''), report = $4, error = $5, river_job_id = NULL, updated_at = now() WHERE id = $1`,
		id, string(state), rosterID, rep, msg)
	return translate(err, "finish job "+id)
}
