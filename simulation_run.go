package rounds

import (
	"context"
	"encoding/json"
	"time"
)

// SimulationRun is a what-if simulation of a scenario file (package
// simulation's File) fanned out over the job queue: each replication of
// each scenario is one JobReplicate, so every runner of every process
// shares the run. Its state and progress follow from its jobs'.
type SimulationRun struct {
	ID   string `json:"id"`
	Team string `json:"team"`
	// File is the scenario file, as checked before the run was queued.
	File json.RawMessage `json:"file"`
	// Scenarios names the scenarios, the baseline first.
	Scenarios []string `json:"scenarios"`
	// Replications is how many times each scenario runs.
	Replications int `json:"replications"`
	// From and To are the simulated days.
	From  Date     `json:"from"`
	To    Date     `json:"to"`
	State JobState `json:"state"`
	// Done counts the replications completed, of Total (scenarios ×
	// replications).
	Done  int `json:"done"`
	Total int `json:"total"`
	// Error is why the first failed replication failed.
	Error     string    `json:"error,omitempty"`
	CreatedBy string    `json:"createdBy,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// ReplicationTask names one replication of a SimulationRun: replication
// Replication (from 0) of scenario Scenario (0 the baseline).
type ReplicationTask struct {
	Simulation  string `json:"simulation"`
	Scenario    int    `json:"scenario"`
	Replication int    `json:"replication"`
	// File is the run's scenario file; stores give it only to runners.
	File json.RawMessage `json:"-"`
}

// ReplicationResult is what a completed replication found: package
// simulation's Replication as JSON.
type ReplicationResult struct {
	Scenario    int             `json:"scenario"`
	Replication int             `json:"replication"`
	Result      json.RawMessage `json:"result"`
}

// Replicator runs one replication of a scenario file; package
// simulation implements it. Job runners use it for JobReplicate jobs.
type Replicator interface {
	// Replicate runs replication rep of scenario sc of file, calling
	// progress (if not nil) after each simulated day, and returns the
	// result as JSON. It returns an EINVALID error if the file is bad,
	// ctx's error if ctx ends first.
	Replicate(ctx context.Context, file json.RawMessage, sc, rep int, progress func(Progress)) (json.RawMessage, error)
}

// SimulationStore keeps simulation runs, queueing their replications as
// jobs and keeping their results.
type SimulationStore interface {
	// SubmitSimulation stores a run and queues one JobReplicate per
	// replication of each scenario, in one transaction; it sets ID,
	// State (JobQueued), Total and CreatedAt. ENOTFOUND if the team does
	// not exist.
	SubmitSimulation(ctx context.Context, r *SimulationRun) error
	// Simulation returns a run with its state and progress; ENOTFOUND if
	// there is none. Team "" finds it in any team.
	Simulation(ctx context.Context, team, id string) (*SimulationRun, error)
	// SimulationResults returns the results of a run's completed
	// replications, by scenario then replication.
	SimulationResults(ctx context.Context, id string) ([]ReplicationResult, error)
	// CancelSimulation cancels a run's queued replications and asks the
	// running ones to stop; ENOTFOUND if there is no run, ECONFLICT if it
	// has already finished.
	CancelSimulation(ctx context.Context, team, id string) (*SimulationRun, error)
	// Simulations returns a page of a team's runs, newest first.
	Simulations(ctx context.Context, team string, f Filter) (*Page[SimulationRun], error)
}

// Settle sets a run's State, Done and Total from the number of
// its jobs in each state: running while any job is queued or running
// (queued if none has started), then failed if any failed, cancelled if
// any was cancelled, else completed.
func (r *SimulationRun) Settle(jobs map[JobState]int) {
	r.Done = jobs[JobCompleted]
	r.Total = 0
	for _, n := range jobs {
		r.Total += n
	}
	switch {
	case jobs[JobRunning] > 0 || jobs[JobQueued] > 0 && r.Done+jobs[JobFailed]+jobs[JobCancelled] > 0:
		r.State = JobRunning
	case jobs[JobQueued] > 0:
		r.State = JobQueued
	case jobs[JobFailed] > 0:
		r.State = JobFailed
	case jobs[JobCancelled] > 0:
		r.State = JobCancelled
	default:
		r.State = JobCompleted
	}
}

// RunReplication runs the replication of a JobReplicate with x, calling
// progress after each simulated day. It returns EINVALID if the job names
// no replication or x is nil (the runner cannot replicate), and ctx's
// error if ctx ends before the replication does.
func RunReplication(ctx context.Context, x Replicator, j *Job, progress func(Progress)) (*JobResult, error) {
	t := j.Replication
	if t == nil {
		return nil, Invalid("replication", "null", "the job names no replication")
	}
	if x == nil {
		return nil, Errorf(EINVALID, "this job runner cannot run the replications of simulation %s", t.Simulation)
	}
	out, err := x.Replicate(ctx, t.File, t.Scenario, t.Replication, progress)
	if err == nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	if err != nil {
		return nil, err
	}
	return &JobResult{Replication: out}, nil
}
