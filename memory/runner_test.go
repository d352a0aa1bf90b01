package memory

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/fixtures"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/solver"
)

// waitFor polls job id until it reaches one of states, failing after a
// generous deadline.
func waitFor(tb testing.TB, s *Store, id string, states ...rounds.JobState) *rounds.Job {
	tb.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		j, err := s.Job(context.Background(), "", id)
		if err != nil {
			tb.Fatal(err)
		}
		for _, st := range states {
			if j.State == st {
				return j
			}
		}
	}
	tb.Fatalf("job %s never reached %v", id, states)
	return nil
}

// TestRunner runs a short solve to completion, cancels a long one while it
// runs, and stops with a job still running, which goes back to the queue.
func TestRunner(t *testing.T) {
	ctx := context.Background()
	s := NewStore()
	if err := s.CreateTeam(ctx, &rounds.Team{ID: "hf", Name: "Hammersmith"}); err != nil {
		t.Fatal(err)
	}
	cfg := fixtures.Small
	cfg.Seed = 2
	req, err := fixtures.Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	submit := func(opt rounds.Options) string {
		t.Helper()
		r := *req
		r.Options = opt
		j := &rounds.Job{Team: "hf", Kind: rounds.JobSolve, From: cfg.Date, To: cfg.Date, Request: &r}
		if err := s.SubmitJob(ctx, j); err != nil {
			t.Fatal(err)
		}
		return j.ID
	}
	r := NewRunner(s, &solver.Planner{Source: geo.Haversine{}}, nil, 1, slog.New(slog.DiscardHandler))
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}

	short := submit(rounds.Options{Iterations: 200, Threads: 1})
	if j := waitFor(t, s, short, rounds.JobCompleted, rounds.JobFailed); j.State != rounds.JobCompleted || j.RosterID == "" {
		t.Fatalf("short job ended %s (%s) with roster %q", j.State, j.Error, j.RosterID)
	}

	long := submit(rounds.Options{TimeLimitSeconds: 60, Threads: 1})
	waitFor(t, s, long, rounds.JobRunning)
	if _, err := s.CancelJob(ctx, "hf", long); err != nil {
		t.Fatal(err)
	}
	if j := waitFor(t, s, long, rounds.JobCancelled, rounds.JobCompleted, rounds.JobFailed); j.State != rounds.JobCancelled {
		t.Fatalf("cancelled job ended %s", j.State)
	}

	handedBack := submit(rounds.Options{TimeLimitSeconds: 60, Threads: 1})
	waitFor(t, s, handedBack, rounds.JobRunning)
	stopCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := r.Stop(stopCtx); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if j := waitFor(t, s, handedBack, rounds.JobQueued, rounds.JobCompleted, rounds.JobFailed); j.State != rounds.JobQueued {
		t.Errorf("a job running at Stop ended %s, want it handed back to the queue", j.State)
	}
}
