package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/postgres/pgtest"
)

// TestImportGenerated imports a generated day into a team of a fresh
// database, then checks that importing it again stores nothing and names
// the clash.
func TestImportGenerated(t *testing.T) {
	st, url := pgtest.New(t)
	t.Setenv("DATABASE_URL", url)
	ctx := context.Background()
	if err := st.CreateTeam(ctx, &rounds.Team{ID: "hf", Name: "Hammersmith & Fulham"}); err != nil {
		t.Fatal(err)
	}
	req := filepath.Join(t.TempDir(), "request.json")
	if code, _, stderr := runCLI(t, "generate", "-size", "small", "-seed", "3", "-out", req); code != 0 {
		t.Fatalf("generate exited %d: %s", code, stderr)
	}
	day, err := readRequest(req)
	if err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "import", req); code != 2 || !strings.Contains(stderr, "-team") {
		t.Errorf("import without -team exited %d: %s, want 2 asking for -team", code, stderr)
	}
	if code, _, stderr := runCLI(t, "import", "-team", "nobody", req); code != 1 || !strings.Contains(stderr, "team nobody not found") {
		t.Errorf("import into a missing team exited %d: %s", code, stderr)
	}
	code, stdout, stderr := runCLI(t, "import", "-team", "hf", req)
	if code != 0 || !strings.HasPrefix(stdout, "imported ") {
		t.Fatalf("import exited %d: %s%s", code, stdout, stderr)
	}
	if n := storedVisits(t, st, "hf"); n != len(day.Visits) {
		t.Fatalf("%d visits stored, want %d", n, len(day.Visits))
	}
	code, _, stderr = runCLI(t, "import", "-team", "hf", req)
	if code != 1 || !strings.Contains(stderr, "workers[0].id") {
		t.Errorf("second import exited %d: %s, want 1 naming workers[0].id", code, stderr)
	}
	if n := storedVisits(t, st, "hf"); n != len(day.Visits) {
		t.Errorf("after the second import %d visits, want %d", n, len(day.Visits))
	}
}

// storedVisits returns how many visits the team holds.
func storedVisits(tb testing.TB, st rounds.Store, team string) int {
	tb.Helper()
	p, err := st.Visits().List(context.Background(), team, rounds.Filter{Limit: 1})
	if err != nil {
		tb.Fatal(err)
	}
	return p.Total
}
