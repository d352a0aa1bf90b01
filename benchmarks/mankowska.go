package benchmarks

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/roundsdev/rounds/fixtures"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/solver"
)

// MankowskaScale is the number of solver time units per Mankowska minute
// (and distance unit): distances and durations are rounded up to it, so
// a schedule feasible for the solver is feasible in exact arithmetic.
const MankowskaScale = 1000

// mankowskaLateLimit is how late, in minutes past its soft end, a service
// may start: far beyond any good solution, it bounds the schedules.
const mankowskaLateLimit = 600

// MankowskaTask is one service of one patient: solver visit i is task i.
type MankowskaTask struct {
	Node, Service int
}

// MankowskaProblem converts a Mankowska instance to a solver Problem: one
// vehicle per caregiver from depot node 0 to node Nodes-1, with a skill
// per service it is qualified for; one visit per service a patient needs,
// earliest start e hard, soft end l with a lateness cost of 1 per unit,
// and the max-tardiness term as WithMaxLateness(1); the two services of a
// double-service patient form a pair linked with their gap (0/0 means
// simultaneous). Travel cost is distance. All values are scaled by
// MankowskaScale and rounded up, so the solver's cost is 3 times the
// objective, scaled, up to rounding.
func MankowskaProblem(m *fixtures.Mankowska) (*solver.Problem, []MankowskaTask, error) {
	n := m.Nodes
	up := func(x float64) int32 { return int32(math.Ceil(x*MankowskaScale - 1e-6)) }
	mat := geo.NewMatrix(n)
	for i := range n {
		for j := range n {
			mat.Set(i, j, up(m.Dist(i, j)))
		}
	}
	vehicles := make([]solver.Vehicle, m.Caregivers)
	for k := range vehicles {
		var skills uint64
		for s, ok := range m.Qualified[k] {
			if ok {
				skills |= 1 << s
			}
		}
		vehicles[k] = solver.Vehicle{Start: 0, End: n - 1, Latest: 1 << 30, Skills: skills}
	}
	var tasks []MankowskaTask
	var visits []solver.Visit
	first := make([]int, n) // first task of each node
	for i := 1; i < n-1; i++ {
		first[i] = len(tasks)
		for _, s := range m.ServicesOf(i) {
			tasks = append(tasks, MankowskaTask{Node: i, Service: s})
			visits = append(visits, solver.Visit{
				Location: i,
				Duration: up(m.ServiceDuration(i, 0, s)),
				Windows:  []solver.Window{{Start: up(m.Earliest[i]), End: up(m.Latest[i] + mankowskaLateLimit)}},
				Skills:   1 << s,
				Penalty:  1e12,
				SoftEnd:  up(m.Latest[i]),
				Lateness: 1,
			})
		}
	}
	links := make([]solver.Link, 0, len(m.Double))
	for _, d := range m.Double {
		a := first[d.Node]
		links = append(links, solver.Link{From: a, To: a + 1, MinGap: up(d.MinGap), MaxGap: up(d.MaxGap), Pair: true})
	}
	p, err := solver.NewProblem([]geo.Matrix{mat}, vehicles, visits, solver.WithLinks(links), solver.WithMaxLateness(1))
	return p, tasks, err
}

// MankowskaOptions tune RunMankowska.
type MankowskaOptions struct {
	// Solver options for each instance.
	Solver solver.Options
	// Instances lists instance names (file names without extension) or
	// article ids ("A1", "E10") to run, in any case; empty runs all.
	Instances []string
	// Log, if set, receives one line per instance.
	Log io.Writer
}

// MankowskaResult is the outcome on one instance.
type MankowskaResult struct {
	Instance, ArticleID string
	// Objective is (distance + total tardiness + max tardiness) / 3 of the
	// solution written, recomputed in floating point.
	Objective                              float64
	Distance, TotalTardiness, MaxTardiness float64
	// BestKnown is bks.csv's objective, 0 if unknown; Gap is
	// 100·(Objective-BestKnown)/BestKnown.
	BestKnown, Gap float64
	Unassigned     int
	Seconds        float64
}

// MankowskaSolution is a solution in the iolab-uniud/hhcrsp JSON format.
type MankowskaSolution struct {
	Routes []MankowskaRoute `json:"routes"`
}

// MankowskaRoute is one caregiver's route ("c1" is caregiver 0).
type MankowskaRoute struct {
	Caregiver string           `json:"caregiver_id"`
	Locations []MankowskaVisit `json:"locations"`
}

// MankowskaVisit is one service on a route: patient "p7" is node 7,
// service "s3" is service 2; ArrivalTime is the start of service.
type MankowskaVisit struct {
	Patient       string  `json:"patient"`
	Service       string  `json:"service"`
	ArrivalTime   float64 `json:"arrival_time"`
	DepartureTime float64 `json:"departure_time"`
}

// RunMankowska solves each instance (*.txt and *.txt.gz) in dir, writes
// outDir/NAME.json in the iolab-uniud/hhcrsp format and
// outDir/results.csv (instance, objective, best-known, gap %, seconds),
// taking best-known objectives from bks.csv in dir or its parent.
func RunMankowska(ctx context.Context, dir, outDir string, opt MankowskaOptions) ([]MankowskaResult, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.txt*"))
	if err != nil {
		return nil, err
	}
	slices.SortFunc(files, func(a, b string) int { return compareInstances(mankowskaName(a), mankowskaName(b)) })
	bks := map[string]fixtures.MankowskaBKS{}
	for _, path := range []string{filepath.Join(dir, "bks.csv"), filepath.Join(dir, "..", "bks.csv")} {
		rows, err := fixtures.ReadMankowskaBKS(path)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			bks[r.Instance] = r
		}
		break
	}
	want := map[string]bool{}
	for _, name := range opt.Instances {
		want[strings.ToLower(name)] = true
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, err
	}
	var results []MankowskaResult
	for _, f := range files {
		name := mankowskaName(f)
		row := bks[name]
		if len(opt.Instances) > 0 && !want[strings.ToLower(name)] && !want[strings.ToLower(row.ArticleID)] {
			continue
		}
		delete(want, strings.ToLower(name))
		delete(want, strings.ToLower(row.ArticleID))
		res, sol, err := solveMankowskaFile(ctx, f, opt.Solver)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		res.Instance, res.ArticleID = name, row.ArticleID
		if row.Objective > 0 {
			res.BestKnown = row.Objective
			res.Gap = 100 * (res.Objective - row.Objective) / row.Objective
		}
		b, err := json.MarshalIndent(sol, "", " ")
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(outDir, name+".json"), b, 0o644); err != nil {
			return nil, err
		}
		if opt.Log != nil {
			fmt.Fprintf(opt.Log, "%-4s %-26s obj %8.3f (dist %8.3f tard %7.3f max %6.3f) bks %8.3f gap %6.2f%% unassigned %d %.1fs\n",
				res.ArticleID, name, res.Objective, res.Distance, res.TotalTardiness, res.MaxTardiness, res.BestKnown, res.Gap, res.Unassigned, res.Seconds)
		}
		results = append(results, res)
		if ctx.Err() != nil {
			break
		}
	}
	for name := range want {
		return nil, fmt.Errorf("instances: no instance %s in %s", name, dir)
	}
	return results, writeMankowskaResults(filepath.Join(outDir, "results.csv"), results)
}

// mankowskaName returns the instance name of a file: its base name
// without .txt or .txt.gz.
func mankowskaName(path string) string {
	return strings.TrimSuffix(strings.TrimSuffix(filepath.Base(path), ".gz"), ".txt")
}

// compareInstances orders names by their numbers (size, then index), so
// that _10_2 comes before _10_10 and _25_1.
func compareInstances(a, b string) int {
	na, nb := numbers(a), numbers(b)
	if c := slices.Compare(na, nb); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

func numbers(s string) []int {
	var out []int
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r < '0' || r > '9' }) {
		n := 0
		fmt.Sscan(f, &n)
		out = append(out, n)
	}
	return out
}

// solveMankowskaFile solves one instance and returns its result and
// solution.
func solveMankowskaFile(ctx context.Context, path string, opt solver.Options) (MankowskaResult, *MankowskaSolution, error) {
	m, err := fixtures.OpenMankowska(path)
	if err != nil {
		return MankowskaResult{}, nil, err
	}
	p, tasks, err := MankowskaProblem(m)
	if err != nil {
		return MankowskaResult{}, nil, err
	}
	begin := time.Now()
	sol, err := solver.Solve(ctx, p, opt)
	if err != nil {
		return MankowskaResult{}, nil, err
	}
	res := MankowskaResult{Seconds: time.Since(begin).Seconds(), Unassigned: len(sol.Unassigned)}
	starts, err := p.Schedule(sol.Routes)
	if err != nil {
		return MankowskaResult{}, nil, fmt.Errorf("solution has no schedule: %w", err)
	}
	out := &MankowskaSolution{Routes: make([]MankowskaRoute, len(sol.Routes))}
	start := make(map[MankowskaTask]float64, len(tasks))
	for k, r := range sol.Routes {
		rt := MankowskaRoute{Caregiver: fmt.Sprintf("c%d", k+1), Locations: []MankowskaVisit{}}
		at := 0
		for _, v := range r {
			t := tasks[v]
			s := float64(starts[v]) / MankowskaScale
			start[t] = s
			rt.Locations = append(rt.Locations, MankowskaVisit{
				Patient: fmt.Sprintf("p%d", t.Node), Service: fmt.Sprintf("s%d", t.Service+1),
				ArrivalTime: s, DepartureTime: s + m.ServiceDuration(t.Node, k, t.Service),
			})
			res.Distance += m.Dist(at, t.Node)
			at = t.Node
		}
		if len(r) > 0 {
			res.Distance += m.Dist(at, m.Nodes-1)
		}
		out.Routes[k] = rt
	}
	for t, s := range start {
		late := max(0, s-m.Latest[t.Node])
		res.TotalTardiness += late
		res.MaxTardiness = max(res.MaxTardiness, late)
	}
	res.Objective = (res.Distance + res.TotalTardiness + res.MaxTardiness) / 3
	return res, out, nil
}

func writeMankowskaResults(path string, results []MankowskaResult) error {
	var b strings.Builder
	b.WriteString("instance,article_id,objective,best_known,gap_pct,seconds,distance,total_tardiness,max_tardiness,unassigned\n")
	for _, r := range results {
		fmt.Fprintf(&b, "%s,%s,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%d\n", r.Instance, r.ArticleID, r.Objective, r.BestKnown, r.Gap,
			r.Seconds, r.Distance, r.TotalTardiness, r.MaxTardiness, r.Unassigned)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
