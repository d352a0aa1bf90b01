package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/roundsdev/rounds"
)

// planDay generates and plans a small day into dir, with the extra
// generate flags, and returns the request and roster paths.
func planDay(t *testing.T, dir string, flags ...string) (req, roster string) {
	t.Helper()
	req, roster = filepath.Join(dir, "request.json"), filepath.Join(dir, "roster.json")
	args := append([]string{"generate", "-size", "small", "-seed", "4", "-out", req}, flags...)
	if code, _, stderr := runCLI(t, args...); code != 0 {
		t.Fatalf("generate exited %d: %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "solve", "-iterations", "500", "-threads", "1", "-seed", "4", "-out", roster, req); code != 0 {
		t.Fatalf("solve exited %d: %s", code, stderr)
	}
	return req, roster
}

// writeJSONTest writes v as JSON into dir/name and returns the path.
func writeJSONTest(t *testing.T, dir, name string, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestDispatchAcceptValidates: rounds dispatch ranks options for a
// referral on the live day and, with -accept, writes a roster that
// rounds validate passes against the request it writes with the
// referral's visit, also after events (in its live mode).
func TestDispatchAcceptValidates(t *testing.T) {
	dir := t.TempDir()
	req, roster := planDay(t, dir, "-double-handed", "0.2", "-linked-medication", "-preferences", "-breaks")
	r, err := readRequest(req)
	if err != nil {
		t.Fatal(err)
	}
	home := r.Clients[0].Location
	ref := writeJSONTest(t, dir, "referral.json", rounds.Referral{
		Client: &rounds.Client{ID: "new-client", Location: rounds.Location{Lat: home.Lat + 0.002, Lon: home.Lon}, Consent: true},
		Skills: []rounds.Skill{"personal_care"}, DurationMinutes: 30})
	code, stdout, stderr := runCLI(t, "dispatch", "-at", "10:15", req, roster, ref)
	if code != 0 || !strings.Contains(stdout, "RANK") {
		t.Fatalf("dispatch exited %d:\n%s%s", code, stdout, stderr)
	}
	next, req2 := filepath.Join(dir, "next.json"), filepath.Join(dir, "request2.json")
	code, stdout, stderr = runCLI(t, "dispatch", "-at", "10:15", "-accept", "1", "-out", next, "-out-request", req2, req, roster, ref)
	if code != 0 {
		t.Fatalf("dispatch -accept exited %d:\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = runCLI(t, "validate", req2, next)
	if code != 0 || !strings.HasPrefix(stdout, "valid:") {
		t.Fatalf("validate of the accepted roster exited %d: %s%s", code, stdout, stderr)
	}
	data, err := os.ReadFile(next)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"rr-1015"`) {
		t.Errorf("the accepted roster does not make the referral's visit rr-1015")
	}
	code, _, stderr = runCLI(t, "dispatch", "-at", "10:15", "-accept", "9", "-out", next, req, roster, ref)
	if code != 1 || !strings.Contains(stderr, "-accept 9") {
		t.Errorf("-accept past the options exited %d: %s", code, stderr)
	}
	// after a visit finished late, the accepted roster keeps its actual
	// times: the validator's live mode passes it
	var ro rounds.Roster
	if err := readFileStrict(roster, &ro); err != nil {
		t.Fatal(err)
	}
	var events []rounds.Event
	for _, rt := range ro.Routes {
		if st := rt.Stops; len(st) > 2 && st[0].End+600 < rounds.At(10, 15) {
			events = append(events, rounds.Event{ID: "s", Kind: rounds.EventVisitStarted, At: st[0].Start + 300, VisitID: st[0].VisitID},
				rounds.Event{ID: "f", Kind: rounds.EventVisitFinished, At: st[0].End + 600, VisitID: st[0].VisitID})
			break
		}
	}
	if len(events) == 0 {
		t.Fatal("no visit ends before 10:05")
	}
	evPath := writeJSONTest(t, dir, "events.json", events)
	code, stdout, stderr = runCLI(t, "dispatch", "-at", "10:15", "-events", evPath, "-accept", "1", "-out", next, "-out-request", req2, req, roster, ref)
	if code != 0 {
		t.Fatalf("dispatch -events -accept exited %d:\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = runCLI(t, "validate", "-events", evPath, "-at", "10:15", "-published", roster, req2, next)
	if code != 0 || !strings.HasPrefix(stdout, "valid:") {
		t.Fatalf("live validate of the accepted roster exited %d: %s%s", code, stdout, stderr)
	}
}

// TestRepairValidates: rounds repair after a worker goes off sick writes
// a roster rounds validate passes in its live mode.
func TestRepairValidates(t *testing.T) {
	dir := t.TempDir()
	req, roster := planDay(t, dir, "-double-handed", "0.2", "-preferences", "-breaks")
	var ro rounds.Roster
	if err := readFileStrict(roster, &ro); err != nil {
		t.Fatal(err)
	}
	sick := ""
	for _, rt := range ro.Routes {
		if len(rt.Stops) > 3 {
			sick = rt.WorkerID
		}
	}
	events := writeJSONTest(t, dir, "events.json", []rounds.Event{{ID: "sick", Kind: rounds.EventWorkerUnavailable, At: rounds.At(10, 30), WorkerID: sick}})
	next := filepath.Join(dir, "repaired.json")
	code, stdout, stderr := runCLI(t, "repair", "-iterations", "300", "-threads", "1", "-out", next, req, roster, events)
	if code != 0 || !strings.Contains(stdout, "Handed over") {
		t.Fatalf("repair exited %d:\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = runCLI(t, "validate", "-events", events, "-at", "10:30", "-published", roster, req, next)
	if code != 0 || !strings.HasPrefix(stdout, "valid:") {
		t.Fatalf("validate of the repaired roster exited %d: %s%s", code, stdout, stderr)
	}
	code, _, stderr = runCLI(t, "repair", req, roster, events)
	if code != 2 || !strings.Contains(stderr, "-out") {
		t.Errorf("repair without -out exited %d: %s", code, stderr)
	}
}
