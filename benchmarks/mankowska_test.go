package benchmarks

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/roundsdev/rounds/fixtures"
	"github.com/roundsdev/rounds/solver"
)

// mankowskaDir returns the shared Mankowska instances folder; it skips
// the test when the folder is absent, unless CI is set.
func mankowskaDir(tb testing.TB) string {
	tb.Helper()
	dir := filepath.Join("..", "..", "shared", "benchdata", "hhcrsp", "mankowska", "instances")
	if _, err := os.Stat(filepath.Join(dir, "InstanzCPLEX_HCSRP_10_1.txt")); err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("Mankowska data missing: %v", err)
		}
		tb.Skipf("Mankowska data missing: %v", err)
	}
	return dir
}

// TestMankowskaSolutionsPassTheIndependentChecker solves a few instances
// (simultaneous and precedence double services, 10 to 50 patients) and
// has hhc_check.py confirm each solution and its objective.
func TestMankowskaSolutionsPassTheIndependentChecker(t *testing.T) {
	dir := mankowskaDir(t)
	checker := filepath.Join(dir, "..", "..", "..", "..", "tools", "hhc_check.py")
	out := t.TempDir()
	names := []string{"A3", "B7", "C2"}
	res, err := RunMankowska(context.Background(), dir, out, MankowskaOptions{
		Solver:    solver.Options{Iterations: 500, Seed: 3, Threads: 1},
		Instances: names,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != len(names) {
		t.Fatalf("%d results for %d instances", len(res), len(names))
	}
	for _, r := range res {
		t.Run(r.ArticleID, func(t *testing.T) {
			inst, _ := filepath.Glob(filepath.Join(dir, r.Instance+".txt*"))
			var got struct {
				Feasible  bool     `json:"feasible"`
				Objective float64  `json:"objective"`
				Problems  []string `json:"violations"`
			}
			runChecker(t, checker, &got, inst[0], filepath.Join(out, r.Instance+".json"))
			if !got.Feasible || math.Abs(got.Objective-r.Objective) > 0.01 {
				t.Fatalf("checker says feasible=%v objective %.3f (%v); we say %.3f", got.Feasible, got.Objective, got.Problems, r.Objective)
			}
			if r.Unassigned > 0 || r.Gap > 10 {
				t.Errorf("objective %.3f, best known %.3f, gap %.2f%%, unassigned %d", r.Objective, r.BestKnown, r.Gap, r.Unassigned)
			}
		})
	}
}

func TestMankowskaProblemKeepsTheRules(t *testing.T) {
	dir := mankowskaDir(t)
	m, err := openFirst(dir, "InstanzCPLEX_HCSRP_25_1")
	if err != nil {
		t.Fatal(err)
	}
	p, tasks, err := MankowskaProblem(m)
	if err != nil {
		t.Fatal(err)
	}
	want := m.Patients() + len(m.Double)
	if p.NumVisits() != want || len(tasks) != want || len(p.Links) != len(m.Double) || p.NumVehicles() != m.Caregivers {
		t.Fatalf("%d visits, %d tasks, %d links, %d vehicles; want %d, %d, %d, %d",
			p.NumVisits(), len(tasks), len(p.Links), p.NumVehicles(), want, want, len(m.Double), m.Caregivers)
	}
	for i, l := range p.Links {
		a, b := tasks[l.From], tasks[l.To]
		d := m.Double[i]
		if !l.Pair || a.Node != d.Node || b.Node != d.Node || a.Service != d.First || b.Service != d.Second {
			t.Errorf("link %d %+v joins %+v and %+v, want patient %d services %d then %d", i, l, a, b, d.Node, d.First, d.Second)
		}
	}
	for v, task := range tasks {
		for k := range m.Caregivers {
			if p.Allowed(v, k) != m.Qualified[k][task.Service] {
				t.Errorf("task %+v on caregiver %d: allowed %v, qualified %v", task, k, p.Allowed(v, k), m.Qualified[k][task.Service])
			}
		}
	}
}

// openFirst opens dir/name.txt or dir/name.txt.gz.
func openFirst(dir, name string) (*fixtures.Mankowska, error) {
	files, err := filepath.Glob(filepath.Join(dir, name+".txt*"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no instance %s in %s", name, dir)
	}
	return fixtures.OpenMankowska(files[0])
}
