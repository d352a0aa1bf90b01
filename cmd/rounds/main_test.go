package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/roundsdev/rounds"
)

// runCLI runs one command line and returns its exit code and output.
func runCLI(tb testing.TB, args ...string) (code int, stdout, stderr string) {
	tb.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestGenerateSolveValidate(t *testing.T) {
	dir := t.TempDir()
	req := filepath.Join(dir, "request.json")
	roster := filepath.Join(dir, "roster.json")
	if code, _, stderr := runCLI(t, "generate", "-size", "small", "-seed", "3", "-out", req); code != 0 {
		t.Fatalf("generate exited %d: %s", code, stderr)
	}
	code, stdout, stderr := runCLI(t, "solve", "-iterations", "300", "-threads", "1", "-seed", "3", "-out", roster, req)
	if code != 0 {
		t.Fatalf("solve exited %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "Visits:") || !strings.Contains(stdout, "WORKER") {
		t.Errorf("solve -out did not print the table:\n%s", stdout)
	}
	code, stdout, stderr = runCLI(t, "validate", req, roster)
	if code != 0 || !strings.HasPrefix(stdout, "valid:") {
		t.Fatalf("validate exited %d: %s%s", code, stdout, stderr)
	}

	// A roster that breaks a rule is reported and fails.
	b, err := os.ReadFile(roster)
	if err != nil {
		t.Fatal(err)
	}
	var r rounds.Roster
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	r.Totals.TravelSeconds += 60
	broken := filepath.Join(dir, "broken.json")
	if err := writeJSONFile(broken, &r); err != nil {
		t.Fatal(err)
	}
	if code, stdout, _ = runCLI(t, "validate", req, broken); code != 1 || stdout == "" {
		t.Errorf("validate of a tampered roster exited %d with %q, want 1 and the broken rule", code, stdout)
	}
}

// TestGenerateBreaksWithPairsAndLinks generates a borough day with
// double-handed and linked medication visits and the default breaks,
// then solves and validates it.
func TestGenerateBreaksWithPairsAndLinks(t *testing.T) {
	dir := t.TempDir()
	req := filepath.Join(dir, "request.json")
	roster := filepath.Join(dir, "roster.json")
	if code, _, stderr := runCLI(t, "generate", "-size", "borough", "-double-handed", "0.1", "-linked-medication", "-breaks", "-out", req); code != 0 {
		t.Fatalf("generate exited %d: %s", code, stderr)
	}
	b, err := os.ReadFile(req)
	if err != nil {
		t.Fatal(err)
	}
	var r rounds.Request
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if r.Options.Break == nil || *r.Options.Break != (rounds.BreakRule{}) {
		t.Fatalf("options.break = %+v, want the default rule", r.Options.Break)
	}
	if code, _, stderr := runCLI(t, "solve", "-iterations", "100", "-threads", "1", "-seed", "1", "-out", roster, req); code != 0 {
		t.Fatalf("solve exited %d: %s", code, stderr)
	}
	b, err = os.ReadFile(roster)
	if err != nil {
		t.Fatal(err)
	}
	var ro rounds.Roster
	if err := json.Unmarshal(b, &ro); err != nil {
		t.Fatal(err)
	}
	breaks := 0
	for _, rt := range ro.Routes {
		if rt.Break != nil {
			breaks++
		}
	}
	if breaks == 0 {
		t.Error("no route has a break")
	}
	if code, stdout, stderr := runCLI(t, "validate", req, roster); code != 0 || !strings.HasPrefix(stdout, "valid:") {
		t.Fatalf("validate exited %d: %s%s", code, stdout, stderr)
	}
}

func TestSolveFormats(t *testing.T) {
	dir := t.TempDir()
	req := filepath.Join(dir, "request.json")
	if code, _, stderr := runCLI(t, "generate", "-size", "small", "-seed", "5", "-out", req); code != 0 {
		t.Fatalf("generate exited %d: %s", code, stderr)
	}
	code, stdout, stderr := runCLI(t, "solve", "-iterations", "50", "-threads", "1", "-format", "geojson", req)
	if code != 0 {
		t.Fatalf("solve exited %d: %s", code, stderr)
	}
	var fc struct {
		Type     string            `json:"type"`
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal([]byte(stdout), &fc); err != nil || fc.Type != "FeatureCollection" || len(fc.Features) == 0 {
		t.Errorf("geojson output is not a non-empty FeatureCollection (err %v): %.200s", err, stdout)
	}
	code, stdout, _ = runCLI(t, "solve", "-iterations", "50", "-threads", "1", req)
	var r rounds.Roster
	if code != 0 || json.Unmarshal([]byte(stdout), &r) != nil || len(r.Routes) == 0 {
		t.Errorf("json output exited %d and does not hold a roster: %.200s", code, stdout)
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		say  string
	}{
		{"no command", nil, 2, "Usage"},
		{"unknown command", []string{"fly"}, 2, `unknown command "fly"`},
		{"solve without request", []string{"solve"}, 2, "want 1 argument"},
		{"bad format", []string{"solve", "-format", "xml", "r.json"}, 2, `-format "xml"`},
		{"missing file", []string{"solve", "/nonexistent/r.json"}, 1, "no such file"},
		{"bad size", []string{"generate", "-size", "huge"}, 2, "huge"},
		{"validate missing request", []string{"validate", "a.json", "b.json"}, 1, "no such file"},
		{"unknown bench", []string{"bench", "tsplib"}, 2, `"tsplib"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.say) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, tt.code, tt.say)
			}
		})
	}
}

func TestSolveRejectsBadRequest(t *testing.T) {
	dir := t.TempDir()
	req := filepath.Join(dir, "request.json")
	if err := os.WriteFile(req, []byte(`{"workers":[],"clients":[],"visits":[],"colour":"red"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "solve", req)
	if code != 1 || !strings.Contains(stderr, "colour") {
		t.Errorf("exit %d, stderr %q; want 1 naming the unknown field", code, stderr)
	}
}

// TestHelpNamesEveryCommand checks that "rounds help" has a line for every
// command run dispatches and every benchmark set bench dispatches.
func TestHelpNamesEveryCommand(t *testing.T) {
	code, _, help := runCLI(t, "help")
	if code != 0 {
		t.Fatalf("help exited %d", code)
	}
	var lines []string
	for name := range commands {
		if name != "bench" {
			lines = append(lines, "rounds "+name+" ")
		}
	}
	for name := range benchSets {
		lines = append(lines, "rounds bench "+name+" ")
	}
	for _, line := range lines {
		if !strings.Contains(help, "\n  "+line) {
			t.Errorf("help has no line for %q:\n%s", strings.TrimSpace(line), help)
		}
	}
}
