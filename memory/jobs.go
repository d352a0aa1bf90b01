package memory

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"

	"github.com/roundsdev/rounds"
)

// jobRecord is a job and, while it runs, how to stop it.
type jobRecord struct {
	job    *rounds.Job
	cancel context.CancelFunc
	// cancelled is set when someone asked for the job to stop.
	cancelled bool
	// result is what a completed replication found.
	result json.RawMessage
}

// SubmitJob stores a job and queues it for a Runner.
func (s *Store) SubmitJob(ctx context.Context, j *rounds.Job) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.hasTeam(j.Team); err != nil {
		return err
	}
	if len(s.queue) == cap(s.queue) {
		return rounds.Errorf(rounds.ECONFLICT, "the job queue is full (%d jobs); try again later", cap(s.queue))
	}
	j.ID, j.State, j.CreatedAt, j.UpdatedAt = "job-"+s.id(), rounds.JobQueued, s.now(), s.now()
	j.CreatedBy = rounds.ActorFromContext(ctx)
	s.jobs[j.ID] = &jobRecord{job: clone(j)}
	if err := s.record(ctx, j.Team, rounds.AuditSubmit, "job", j.ID, nil, jobSummary(j)); err != nil {
		return err
	}
	s.queue <- j.ID
	return nil
}

// Job returns a job without its request.
func (s *Store) Job(_ context.Context, team, id string) (*rounds.Job, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, ok := s.jobs[id]
	if !ok || team != "" && r.job.Team != team {
		return nil, rounds.Errorf(rounds.ENOTFOUND, "job %s not found", id)
	}
	return jobSummary(r.job), nil
}

// CancelJob cancels a queued job or stops a running one.
func (s *Store) CancelJob(ctx context.Context, team, id string) (*rounds.Job, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.jobs[id]
	if !ok || team != "" && r.job.Team != team {
		return nil, rounds.Errorf(rounds.ENOTFOUND, "job %s not found", id)
	}
	if r.job.State.Final() {
		return nil, rounds.Errorf(rounds.ECONFLICT, "job %s has already finished (%s)", id, r.job.State)
	}
	before := jobSummary(r.job)
	r.cancelled = true
	if r.cancel != nil {
		r.cancel()
	} else {
		r.job.State, r.job.UpdatedAt = rounds.JobCancelled, s.now()
	}
	if err := s.record(ctx, team, rounds.AuditCancel, "job", id, before, jobSummary(r.job)); err != nil {
		return nil, err
	}
	return jobSummary(r.job), nil
}

// QueueDepth returns how many jobs are queued or running.
func (s *Store) QueueDepth(context.Context) (int, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	n := 0
	for _, r := range s.jobs {
		if !r.job.State.Final() {
			n++
		}
	}
	return n, nil
}

func jobSummary(j *rounds.Job) *rounds.Job {
	c := clone(j)
	c.Request = nil
	return c
}

// start marks a queued job running and returns a copy with its request
// and the context to run it in; ok is false if it should not run.
func (s *Store) start(ctx context.Context, id string) (*rounds.Job, context.Context, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.jobs[id]
	if !ok || r.job.State != rounds.JobQueued {
		return nil, nil, false
	}
	jctx, cancel := context.WithCancel(ctx)
	r.cancel = cancel
	r.job.State, r.job.UpdatedAt = rounds.JobRunning, s.now()
	r.job.Attempts++
	j := clone(r.job)
	if j.Replication != nil {
		j.Replication.File = s.simulations[j.Replication.Simulation].run.File
	}
	return j, jctx, true
}

func (s *Store) progress(id string, p rounds.Progress) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.jobs[id]; ok {
		r.job.Progress, r.job.UpdatedAt = p, s.now()
	}
}

// finish records how a run ended: the roster, report or replication's
// result written once (a repair's roster as the next version of its
// roster, if no other came first), or the job cancelled, failed, or handed back to the queue if
// its runner is stopping.
func (s *Store) finish(ctx context.Context, id string, res *rounds.JobResult, runErr error, stopping bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.jobs[id]
	if !ok {
		return nil
	}
	r.cancel()
	r.cancel = nil
	j := r.job
	j.UpdatedAt = s.now()
	switch {
	case r.cancelled:
		j.State = rounds.JobCancelled
	case runErr != nil && stopping:
		j.State = rounds.JobQueued
	case runErr != nil:
		j.State, j.Error = rounds.JobFailed, jobError(runErr)
	case j.Kind == rounds.JobReplicate:
		j.State, r.result = rounds.JobCompleted, res.Replication
	case j.Kind == rounds.JobRepair:
		v := j.Repair.Next(j.Team, j.Request, res.Roster)
		if err := s.addRosterVersion(ctx, v); rounds.ErrorCode(err) == rounds.ECONFLICT {
			j.State, j.Error = rounds.JobFailed, jobError(err)
			return nil
		} else if err != nil {
			return err
		}
		j.State, j.RosterID, j.Version, j.RepairReport = rounds.JobCompleted, v.RosterID, v.Version, res.Repair
	case res.Roster != nil:
		v := &rounds.RosterVersion{Team: j.Team, From: j.From, To: j.To, JobID: j.ID, Note: "planned", Request: j.Request, Roster: res.Roster}
		if err := s.createRoster(ctx, v); err != nil {
			return err
		}
		j.State, j.RosterID = rounds.JobCompleted, v.RosterID
	default:
		j.State, j.Report = rounds.JobCompleted, res.Report
	}
	return nil
}

// jobError is what a failed job tells its owner: a domain error's message,
// or a generic one for anything else (which the runner logs).
func jobError(err error) string {
	var e *rounds.Error
	if errors.As(err, &e) && e.Code != rounds.EINTERNAL {
		return e.Error()
	}
	return "internal error: the job failed; see the server log"
}

// Runner works a memory store's jobs with a planner in goroutines.
type Runner struct {
	store      *Store
	planner    rounds.Planner
	replicator rounds.Replicator
	workers    int
	log        *slog.Logger
	stop       context.CancelFunc
	wg         sync.WaitGroup
}

// NewRunner returns a runner of workers concurrent jobs (at least 1). A
// nil replicator fails the replications of simulation runs.
func NewRunner(s *Store, p rounds.Planner, x rounds.Replicator, workers int, log *slog.Logger) *Runner {
	return &Runner{store: s, planner: p, replicator: x, workers: max(workers, 1), log: log}
}

// Start starts working jobs until Stop.
func (r *Runner) Start(ctx context.Context) error {
	ctx, r.stop = context.WithCancel(context.WithoutCancel(ctx))
	for range r.workers {
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			for {
				select {
				case <-ctx.Done():
					return
				case id := <-r.store.queue:
					r.run(ctx, id)
				}
			}
		}()
	}
	return nil
}

// Stop stops the runner: running jobs are interrupted and handed back to
// the queue. It waits for them until ctx ends.
func (r *Runner) Stop(ctx context.Context) error {
	if r.stop == nil {
		return nil
	}
	r.stop()
	done := make(chan struct{})
	go func() { r.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (r *Runner) run(ctx context.Context, id string) {
	job, jctx, ok := r.store.start(ctx, id)
	if !ok {
		return
	}
	var res *rounds.JobResult
	var err error
	if job.Kind == rounds.JobRepair {
		err = job.Repair.Load(jctx, job.Team, r.store)
	}
	progress := func(p rounds.Progress) { r.store.progress(id, p) }
	switch {
	case err != nil:
	case job.Kind == rounds.JobReplicate:
		res, err = rounds.RunReplication(jctx, r.replicator, job, progress)
	default:
		res, err = rounds.RunJob(jctx, r.planner, job, progress)
	}
	if err != nil && rounds.ErrorCode(err) == rounds.EINTERNAL && ctx.Err() == nil && jctx.Err() == nil {
		r.log.Error("job failed", "job", id, "team", job.Team, "err", err)
	}
	if err := r.store.finish(context.WithoutCancel(ctx), id, res, err, ctx.Err() != nil); err != nil {
		r.log.Error("job result not saved", "job", id, "err", err)
	}
}
