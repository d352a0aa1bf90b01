package postgres_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/postgres"
	"github.com/roundsdev/rounds/postgres/pgtest"
)

// workerEnv, when set to a database URL, makes the test binary a job
// worker process that TestKilledWorker kills mid-solve.
const workerEnv = "ROUNDS_TEST_WORKER_URL"

func TestMain(m *testing.M) {
	if url := os.Getenv(workerEnv); url != "" {
		os.Exit(runWorker(url))
	}
	os.Exit(m.Run())
}

// runWorker works jobs with a planner that takes a minute, until killed.
func runWorker(url string) int {
	ctx := context.Background()
	s, err := postgres.Open(ctx, url)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	r, err := postgres.NewRunner(s, postgres.RunnerConfig{Planner: slowPlanner{time.Minute}, PollInterval: 100 * time.Millisecond, ID: "doomed"})
	if err == nil {
		err = r.Start(ctx)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	time.Sleep(2 * time.Minute)
	return 0
}

// slowPlanner leaves every visit unassigned, after a delay or when ctx ends.
type slowPlanner struct{ delay time.Duration }

func (p slowPlanner) Plan(ctx context.Context, req *rounds.Request) (*rounds.Roster, error) {
	select {
	case <-time.After(p.delay):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	r := &rounds.Roster{Team: req.Team, Routes: []rounds.Route{}, Unassigned: []rounds.Unassigned{}}
	for _, v := range req.Visits {
		r.Unassigned = append(r.Unassigned, rounds.Unassigned{VisitID: v.ID, ClientID: v.ClientID, Priority: v.Priority, Reason: rounds.ReasonNoWorkerOnShift})
	}
	r.Totals = rounds.Totals{Visits: len(req.Visits), Unassigned: len(req.Visits)}
	return r, nil
}

// TestKilledWorker starts a job in a second process, kills that process
// with SIGKILL mid-solve, and checks that a worker in this process rescues
// the job, completes it, and writes its roster once.
func TestKilledWorker(t *testing.T) {
	s, url := pgtest.New(t)
	ctx := actorContext(t)
	mustTeam(t, ctx, s, "hf")
	req := &rounds.Request{Team: "hf", Workers: []rounds.Worker{}, Clients: []rounds.Client{}, Visits: []rounds.Visit{}}
	job := &rounds.Job{Team: "hf", Kind: rounds.JobSolve, From: "2025-03-03", To: "2025-03-03", Request: req}
	wantCode(t, "submit", s.SubmitJob(ctx, job), "")

	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), workerEnv+"="+url)
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { child.Process.Kill(); child.Wait() })
	j := waitFor(t, s, job.ID, 30*time.Second, func(j *rounds.Job) bool { return j.State == rounds.JobRunning })
	if j.Attempts != 1 {
		t.Fatalf("running job has %d attempts, want 1", j.Attempts)
	}
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	child.Wait()
	// The dead process led river's maintenance; its lease would lapse in
	// 15 s. Drop it so the rescuer here starts at once.
	if _, err := s.DB().Exec(`DELETE FROM river_leader`); err != nil {
		t.Fatal(err)
	}

	r, err := postgres.NewRunner(s, postgres.RunnerConfig{Planner: slowPlanner{0}, PollInterval: 100 * time.Millisecond, RescueStuckJobsAfter: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stop, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		r.Stop(stop)
	})
	j = waitFor(t, s, job.ID, 40*time.Second, func(j *rounds.Job) bool { return j.State.Final() })
	if j.State != rounds.JobCompleted || j.Attempts != 2 || j.RosterID == "" {
		t.Fatalf("job ended %s after %d attempts with roster %q, want completed after 2", j.State, j.Attempts, j.RosterID)
	}
	var rosters int
	if err := s.DB().QueryRow(`SELECT count(*) FROM rosters WHERE job_id = $1`, job.ID).Scan(&rosters); err != nil || rosters != 1 {
		t.Errorf("job %s has %d rosters (%v), want 1", job.ID, rosters, err)
	}
}

// waitFor polls a job until done returns true.
func waitFor(tb testing.TB, s rounds.Store, id string, limit time.Duration, done func(*rounds.Job) bool) *rounds.Job {
	tb.Helper()
	var j *rounds.Job
	var err error
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if j, err = s.Job(context.Background(), "", id); err == nil && done(j) {
			return j
		}
	}
	tb.Fatalf("job %s: %+v, %v after %s", id, j, err, limit)
	return nil
}
