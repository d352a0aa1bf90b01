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
// with SIGKILL mid-solve, and checks that a runner in this process takes
// the job back once its heartbeat is older than the rescue window,
// completes it, and writes its roster once.
func TestKilledWorker(t *testing.T) {
	s, url := pgtest.New(t)
	ctx := actorContext(t)
	mustTeam(t, ctx, s, "hf")
	job := emptySolve(t, ctx, s)

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

	startRunner(t, s, postgres.RunnerConfig{Planner: slowPlanner{0}, PollInterval: 100 * time.Millisecond, RescueAfter: time.Second})
	j = waitFor(t, s, job.ID, 40*time.Second, func(j *rounds.Job) bool { return j.State.Final() })
	if j.State != rounds.JobCompleted || j.Attempts != 2 || j.RosterID == "" {
		t.Fatalf("job ended %s after %d attempts with roster %q, want completed after 2", j.State, j.Attempts, j.RosterID)
	}
	wantRosters(t, s, job.ID, 1)
}

// TestTakenBackRunStoresNothing stalls a run (its runner writes no
// heartbeat and its planner waits), lets another runner take the job back
// and complete it, then lets the stalled run end, with a roster or an
// error: it must store no second roster nor touch the job.
func TestTakenBackRunStoresNothing(t *testing.T) {
	for _, fail := range []bool{false, true} {
		t.Run(fmt.Sprintf("fail=%v", fail), func(t *testing.T) { testTakenBackRun(t, fail) })
	}
}

func testTakenBackRun(t *testing.T, fail bool) {
	s, _ := pgtest.New(t)
	ctx := actorContext(t)
	mustTeam(t, ctx, s, "hf")
	job := emptySolve(t, ctx, s)

	release := make(chan struct{})
	stalled := startRunner(t, s, postgres.RunnerConfig{Planner: gatedPlanner{release, fail}, PollInterval: time.Hour, RescueAfter: 3 * time.Hour})
	waitFor(t, s, job.ID, 30*time.Second, func(j *rounds.Job) bool { return j.State == rounds.JobRunning })
	if _, err := s.DB().Exec(`UPDATE jobs SET heartbeat_at = now() - interval '1 hour' WHERE id = $1`, job.ID); err != nil {
		t.Fatal(err)
	}

	startRunner(t, s, postgres.RunnerConfig{Planner: slowPlanner{0}, PollInterval: 100 * time.Millisecond, RescueAfter: time.Second})
	done := waitFor(t, s, job.ID, 40*time.Second, func(j *rounds.Job) bool { return j.State.Final() })
	if done.State != rounds.JobCompleted || done.Attempts != 2 || done.RosterID == "" {
		t.Fatalf("job ended %s after %d attempts with roster %q, want completed after 2", done.State, done.Attempts, done.RosterID)
	}

	close(release)
	stop, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := stalled.Stop(stop); err != nil {
		t.Fatal(err)
	}
	after, err := s.Job(context.Background(), "", job.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.State != done.State || after.RosterID != done.RosterID || after.Attempts != done.Attempts {
		t.Errorf("the stalled run changed the job to %s, roster %q, %d attempts; want %s, %q, %d",
			after.State, after.RosterID, after.Attempts, done.State, done.RosterID, done.Attempts)
	}
	wantRosters(t, s, job.ID, 1)
}

// TestRescueSettles checks what a runner does with a running job whose
// heartbeat stopped when the job was to be cancelled or has had its
// attempts: it settles it instead of queueing it again.
func TestRescueSettles(t *testing.T) {
	s, _ := pgtest.New(t)
	ctx := actorContext(t)
	mustTeam(t, ctx, s, "hf")
	cancelled, spent := emptySolve(t, ctx, s), emptySolve(t, ctx, s)
	// Both look started by a runner that died an hour ago.
	_, err := s.DB().Exec(`UPDATE jobs SET state = 'running', heartbeat_at = now() - interval '1 hour',
		cancel_requested = (id = $1), attempts = CASE WHEN id = $2 THEN $3 ELSE 1 END`, cancelled.ID, spent.ID, postgres.MaxAttempts)
	if err != nil {
		t.Fatal(err)
	}
	startRunner(t, s, postgres.RunnerConfig{Planner: slowPlanner{0}, PollInterval: 100 * time.Millisecond, RescueAfter: time.Second})
	for id, want := range map[string]rounds.JobState{cancelled.ID: rounds.JobCancelled, spent.ID: rounds.JobFailed} {
		j := waitFor(t, s, id, 40*time.Second, func(j *rounds.Job) bool { return j.State.Final() })
		if j.State != want || want == rounds.JobFailed && j.Error == "" {
			t.Errorf("job %s ended %s (error %q), want %s", id, j.State, j.Error, want)
		}
		wantRosters(t, s, id, 0)
	}
}

// gatedPlanner waits until release is closed, whatever its context says,
// as a run that has stalled; then it plans, or fails if fail is set.
type gatedPlanner struct {
	release chan struct{}
	fail    bool
}

func (p gatedPlanner) Plan(_ context.Context, req *rounds.Request) (*rounds.Roster, error) {
	<-p.release
	if p.fail {
		return nil, rounds.Invalid("visits", len(req.Visits), "a stalled run's failure")
	}
	return slowPlanner{0}.Plan(context.Background(), req)
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

// TestLongJobKeepsItsRunner runs a job five times longer than the rescue
// window and checks that no runner takes it back: it completes on its
// first attempt with one roster.
func TestLongJobKeepsItsRunner(t *testing.T) {
	s, _ := pgtest.New(t)
	ctx := actorContext(t)
	mustTeam(t, ctx, s, "hf")
	job := emptySolve(t, ctx, s)
	startRunner(t, s, postgres.RunnerConfig{Planner: slowPlanner{1500 * time.Millisecond}, PollInterval: 100 * time.Millisecond, RescueAfter: 300 * time.Millisecond})
	j := waitFor(t, s, job.ID, 40*time.Second, func(j *rounds.Job) bool { return j.State.Final() })
	if j.State != rounds.JobCompleted || j.Attempts != 1 {
		t.Fatalf("job ended %s after %d attempts, want completed after 1", j.State, j.Attempts)
	}
	wantRosters(t, s, job.ID, 1)
}

// emptySolve submits a solve of a day with no visits.
func emptySolve(tb testing.TB, ctx context.Context, s *postgres.Store) *rounds.Job {
	tb.Helper()
	req := &rounds.Request{Team: "hf", Workers: []rounds.Worker{}, Clients: []rounds.Client{}, Visits: []rounds.Visit{}}
	job := &rounds.Job{Team: "hf", Kind: rounds.JobSolve, From: "2025-03-03", To: "2025-03-03", Request: req}
	wantCode(tb, "submit", s.SubmitJob(ctx, job), "")
	return job
}

// startRunner starts a runner that stops at the end of the test.
func startRunner(tb testing.TB, s *postgres.Store, cfg postgres.RunnerConfig) *postgres.Runner {
	tb.Helper()
	r, err := postgres.NewRunner(s, cfg)
	if err != nil {
		tb.Fatal(err)
	}
	if err := r.Start(context.Background()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		stop, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		r.Stop(stop)
	})
	return r
}

// wantRosters checks how many rosters a job wrote.
func wantRosters(tb testing.TB, s *postgres.Store, job string, want int) {
	tb.Helper()
	var n int
	if err := s.DB().QueryRow(`SELECT count(*) FROM roster_versions v JOIN rosters r ON r.team_id = v.team_id AND r.id = v.roster_id WHERE r.job_id = $1`, job).Scan(&n); err != nil || n != want {
		tb.Errorf("job %s has %d roster versions (%v), want %d", job, n, err, want)
	}
}
