package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSimulate(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "scenarios.json")
	body := `{"team": {"size": "small", "seed": 2}, "horizonDays": 2, "replications": 2, "seed": 3,
	  "solve": {"iterations": 500},
	  "scenarios": [{"name": "winter", "demand": {"multiplier": 1.3}}]}`
	if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	code, stdout, stderr := runCLI(t, "simulate", "-format", "csv", "-out", out, file)
	if code != 0 {
		t.Fatalf("simulate exited %d: %s", code, stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var sawDiff bool
	for _, r := range rows[1:] {
		if r[0] == "winter" && r[1] == "coverage" && r[6] != "" {
			sawDiff = true
		}
	}
	if rows[0][0] != "scenario" || !sawDiff {
		t.Errorf("csv lacks winter's coverage difference:\n%s", stdout)
	}
	if !strings.Contains(stderr, "simulated 8 days") {
		t.Errorf("stderr %q lacks the time per day", stderr)
	}
	for _, name := range []string{"summary.csv", "replications.csv", "days.csv", "result.json",
		"kpis.svg", "kpis.png", "hours.svg", "hours.png", "coverage.svg", "coverage.png"} {
		if fi, err := os.Stat(filepath.Join(out, name)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
	days, _ := os.ReadFile(filepath.Join(out, "days.csv"))
	if n := strings.Count(string(days), "\n"); n != 1+8 {
		t.Errorf("days.csv has %d lines, want a header and 8 days", n)
	}

	code, stdout, _ = runCLI(t, "simulate", file)
	if code != 0 || !strings.Contains(stdout, "WINTER - BASELINE") || !strings.Contains(stdout, "coverage") {
		t.Errorf("table (exit %d):\n%s", code, stdout)
	}

	code, stdout, stderr = runCLI(t, "simulate", "-capacity", "care_worker", "-target", "coverage>=10%", "-max-added", "2", "-out", out, file)
	if code != 0 || !strings.Contains(stdout, "The fewest care_worker workers that meet coverage>=0.1") || !strings.Contains(stderr, "care_worker +0") {
		t.Errorf("capacity search (exit %d):\n%s\n%s", code, stdout, stderr)
	}
	if fi, err := os.Stat(filepath.Join(out, "capacity.csv")); err != nil || fi.Size() == 0 {
		t.Errorf("capacity.csv: %v", err)
	}
	code, _, stderr = runCLI(t, "simulate", "-capacity", "surgeon", "-target", "coverage>=90%", file)
	if code == 0 || !strings.Contains(stderr, "capacity.role") || !strings.Contains(stderr, "surgeon") {
		t.Errorf("an unknown role: exit %d, %q", code, stderr)
	}
	code, _, stderr = runCLI(t, "simulate", "-capacity", "nurse", file)
	if code != 2 || !strings.Contains(stderr, "-target") {
		t.Errorf("-capacity without -target: exit %d, %q", code, stderr)
	}

	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"team": {"size": "small"}, "horizonDays": 400, "replications": 2}`), 0o644)
	code, _, stderr = runCLI(t, "simulate", bad)
	if code != 1 || !strings.Contains(stderr, "horizonDays") || !strings.Contains(stderr, "400") {
		t.Errorf("a horizon over a year: exit %d, %q", code, stderr)
	}
}
