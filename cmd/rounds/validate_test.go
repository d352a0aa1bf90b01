package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/solver"
)

// TestValidateLive: a live day's roster (a visit that finished early, the
// rest of the day re-timed by solver.LiveRoster) passes validate with
// -events and -at, breaks the duration rule without them, and a stop
// moved off its reported start is reported as actual_times.
func TestValidateLive(t *testing.T) {
	dir := t.TempDir()
	reqPath := filepath.Join(dir, "request.json")
	planPath := filepath.Join(dir, "plan.json")
	if code, _, stderr := runCLI(t, "generate", "-size", "small", "-seed", "3", "-out", reqPath); code != 0 {
		t.Fatalf("generate exited %d: %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "solve", "-iterations", "300", "-threads", "1", "-seed", "3", "-out", planPath, reqPath); code != 0 {
		t.Fatalf("solve exited %d: %s", code, stderr)
	}
	req, err := readRequest(reqPath)
	if err != nil {
		t.Fatal(err)
	}
	var plan rounds.Roster
	if err := readFileStrict(planPath, &plan); err != nil {
		t.Fatal(err)
	}
	var done *rounds.Stop
	var worker string
	for i := range plan.Routes {
		if rt := &plan.Routes[i]; len(rt.Stops) >= 2 {
			done, worker = &rt.Stops[0], rt.WorkerID
			break
		}
	}
	if done == nil {
		t.Fatal("the plan has no round of two visits")
	}
	date := plan.Routes[0].Date
	at := done.End
	events := []rounds.Event{
		{ID: "e1", Kind: rounds.EventVisitStarted, Date: date, At: done.Start, VisitID: done.VisitID, WorkerID: worker},
		{ID: "e2", Kind: rounds.EventVisitFinished, Date: date, At: done.End - 5*60, VisitID: done.VisitID},
	}
	state, err := rounds.LiveDay(req, &plan, date, events, at)
	if err != nil {
		t.Fatal(err)
	}
	live, err := solver.LiveRoster(context.Background(), req, &plan, state, geo.Haversine{}, solver.FreeRounds(req, state))
	if err != nil {
		t.Fatal(err)
	}
	livePath, eventsPath := filepath.Join(dir, "live.json"), filepath.Join(dir, "events.json")
	if err := writeJSONFile(livePath, live); err != nil {
		t.Fatal(err)
	}
	if err := writeJSONFile(eventsPath, map[string]any{"events": events}); err != nil {
		t.Fatal(err)
	}
	flags := []string{"-events", eventsPath, "-at", at.String(), "-published", planPath}
	if code, stdout, stderr := runCLI(t, append([]string{"validate", reqPath, livePath}, flags...)...); code != 0 || !strings.HasPrefix(stdout, "valid:") {
		t.Fatalf("validate of the live roster exited %d: %s%s", code, stdout, stderr)
	}
	if code, stdout, _ := runCLI(t, "validate", reqPath, livePath); code != 1 || !strings.Contains(stdout, "duration") {
		t.Errorf("validate of the live roster without its events exited %d with %q, want 1 and the early finish's duration", code, stdout)
	}

	b, err := os.ReadFile(livePath)
	if err != nil {
		t.Fatal(err)
	}
	var moved rounds.Roster
	if err := json.Unmarshal(b, &moved); err != nil {
		t.Fatal(err)
	}
	for i := range moved.Routes {
		if rt := &moved.Routes[i]; rt.WorkerID == worker {
			rt.Stops[0].Start += 60
			rt.Stops[0].End += 60
		}
	}
	movedPath := filepath.Join(dir, "moved.json")
	if err := writeJSONFile(movedPath, &moved); err != nil {
		t.Fatal(err)
	}
	if code, stdout, _ := runCLI(t, append([]string{"validate", reqPath, movedPath}, flags...)...); code != 1 || !strings.Contains(stdout, "actual_times") {
		t.Errorf("validate of a live roster with a done visit moved exited %d with %q, want 1 and actual_times", code, stdout)
	}
	if code, _, _ := runCLI(t, "validate", "-events", eventsPath, reqPath, livePath); code != 2 {
		t.Errorf("validate -events without -at exited %d, want 2", code)
	}
}
