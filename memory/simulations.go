package memory

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/roundsdev/rounds"
)

// simulationRecord is a simulation run and its replications' jobs, by
// scenario then replication.
type simulationRecord struct {
	run  *rounds.SimulationRun
	jobs []string
}

// SubmitSimulation stores a run and queues its replications.
func (s *Store) SubmitSimulation(ctx context.Context, run *rounds.SimulationRun) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.hasTeam(run.Team); err != nil {
		return err
	}
	n := len(run.Scenarios) * run.Replications
	if free := cap(s.queue) - len(s.queue); n > free {
		return rounds.Errorf(rounds.ECONFLICT, "the job queue has room for %d jobs, the run needs %d; try again later", free, n)
	}
	run.ID, run.CreatedAt, run.UpdatedAt = "simulation-"+s.id(), s.now(), s.now()
	run.CreatedBy = rounds.ActorFromContext(ctx)
	rec := &simulationRecord{run: clone(run)}
	rec.run.File = slices.Clone(run.File)
	for sc := range run.Scenarios {
		for rep := range run.Replications {
			j := &rounds.Job{ID: "job-" + s.id(), Team: run.Team, Kind: rounds.JobReplicate, State: rounds.JobQueued,
				From: run.From, To: run.To, CreatedBy: run.CreatedBy, CreatedAt: s.now(), UpdatedAt: s.now()}
			j.Replication = &rounds.ReplicationTask{Simulation: run.ID, Scenario: sc, Replication: rep}
			s.jobs[j.ID] = &jobRecord{job: j}
			rec.jobs = append(rec.jobs, j.ID)
		}
	}
	s.simulations[run.ID] = rec
	*run = *s.settled(rec)
	if err := s.record(ctx, run.Team, rounds.AuditSubmit, "simulation", run.ID, nil, run); err != nil {
		return err
	}
	for _, id := range rec.jobs {
		s.queue <- id
	}
	return nil
}

// settled returns a copy of a run with its state and progress. The caller
// holds s.mu.
func (s *Store) settled(rec *simulationRecord) *rounds.SimulationRun {
	run := clone(rec.run)
	run.File = slices.Clone(rec.run.File)
	counts := map[rounds.JobState]int{}
	for _, id := range rec.jobs {
		j := s.jobs[id].job
		counts[j.State]++
		if j.UpdatedAt.After(run.UpdatedAt) {
			run.UpdatedAt = j.UpdatedAt
		}
		if j.State == rounds.JobFailed && run.Error == "" {
			run.Error = j.Error
		}
	}
	run.Settle(counts)
	return run
}

// simulation returns a run's record, ENOTFOUND if there is none in team
// (any team if ""). The caller holds s.mu.
func (s *Store) simulation(team, id string) (*simulationRecord, error) {
	rec, ok := s.simulations[id]
	if !ok || team != "" && rec.run.Team != team {
		return nil, rounds.Errorf(rounds.ENOTFOUND, "simulation %s not found", id)
	}
	return rec, nil
}

// Simulation returns a run with its progress.
func (s *Store) Simulation(_ context.Context, team, id string) (*rounds.SimulationRun, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	rec, err := s.simulation(team, id)
	if err != nil {
		return nil, err
	}
	return s.settled(rec), nil
}

// SimulationResults returns the results of a run's completed replications.
func (s *Store) SimulationResults(_ context.Context, id string) ([]rounds.ReplicationResult, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	rec, err := s.simulation("", id)
	if err != nil {
		return nil, err
	}
	var out []rounds.ReplicationResult
	for _, jid := range rec.jobs {
		r := s.jobs[jid]
		if r.job.State == rounds.JobCompleted && r.result != nil {
			t := r.job.Replication
			out = append(out, rounds.ReplicationResult{Scenario: t.Scenario, Replication: t.Replication, Result: slices.Clone(r.result)})
		}
	}
	return out, nil
}

// CancelSimulation cancels a run's queued replications and stops its
// running ones.
func (s *Store) CancelSimulation(ctx context.Context, team, id string) (*rounds.SimulationRun, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, err := s.simulation(team, id)
	if err != nil {
		return nil, err
	}
	before := s.settled(rec)
	if before.State.Final() {
		return nil, rounds.Errorf(rounds.ECONFLICT, "simulation %s has already finished (%s)", id, before.State)
	}
	for _, jid := range rec.jobs {
		r := s.jobs[jid]
		if r.job.State.Final() {
			continue
		}
		r.cancelled = true
		if r.cancel != nil {
			r.cancel()
		} else {
			r.job.State, r.job.UpdatedAt = rounds.JobCancelled, s.now()
		}
	}
	after := s.settled(rec)
	if err := s.record(ctx, team, rounds.AuditCancel, "simulation", id, before, after); err != nil {
		return nil, err
	}
	return after, nil
}

// Simulations returns a page of a team's runs, newest first.
func (s *Store) Simulations(_ context.Context, team string, f rounds.Filter) (*rounds.Page[rounds.SimulationRun], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var all []*simulationRecord
	for _, rec := range s.simulations {
		if rec.run.Team == team {
			all = append(all, rec)
		}
	}
	slices.SortFunc(all, func(a, b *simulationRecord) int {
		return cmp.Or(b.run.CreatedAt.Compare(a.run.CreatedAt), strings.Compare(b.run.ID, a.run.ID))
	})
	lo := min(max(f.Offset, 0), len(all))
	hi := min(lo+f.PageLimit(), len(all))
	p := &rounds.Page[rounds.SimulationRun]{Items: []rounds.SimulationRun{}, Total: len(all), Offset: lo, Limit: f.PageLimit()}
	for _, rec := range all[lo:hi] {
		p.Items = append(p.Items, *s.settled(rec))
	}
	return p, nil
}
