// Package benchmarks runs rounds' solver on public benchmark sets and
// measures quality (gap to the best known) and speed.
package benchmarks

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/roundsdev/rounds/fixtures"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/solver"
)

// SolomonProblem converts a Solomon instance to a solver Problem under the
// DIMACS convention: every arc's distance and travel time is
// floor(10·euclid), in tenths; times and service are scaled by 10; the
// fleet is free up to the file's vehicle number; the objective is distance
// alone. Location 0 is the depot, location c is customer c, and visit i is
// customer i+1.
func SolomonProblem(s *fixtures.Solomon) (*solver.Problem, error) {
	nodes := append([]fixtures.SolomonNode{s.Depot}, s.Customers...)
	n := len(nodes)
	m := geo.NewMatrix(n)
	for i, a := range nodes {
		for j, b := range nodes {
			m.Set(i, j, DimacsTenths(a.X-b.X, a.Y-b.Y))
		}
	}
	vehicles := make([]solver.Vehicle, s.Vehicles)
	for k := range vehicles {
		vehicles[k] = solver.Vehicle{
			Earliest: int32(10 * s.Depot.Ready),
			Latest:   int32(10 * s.Depot.Due),
			Capacity: int32(s.Capacity),
		}
	}
	visits := make([]solver.Visit, len(s.Customers))
	for i, c := range s.Customers {
		visits[i] = solver.Visit{
			Location: i + 1,
			Duration: int32(10 * c.Service),
			Windows:  []solver.Window{{Start: int32(10 * c.Ready), End: int32(10 * c.Due)}},
			Demand:   int32(c.Demand),
			Penalty:  1e9,
		}
	}
	return solver.NewProblem([]geo.Matrix{m}, vehicles, visits)
}

// DimacsTenths returns floor(10·sqrt(dx²+dy²)): a Euclidean distance
// truncated to tenths, in tenths.
func DimacsTenths(dx, dy int) int32 {
	return int32(math.Floor(10 * math.Sqrt(float64(dx*dx+dy*dy))))
}

// SolomonOptions tune RunSolomon.
type SolomonOptions struct {
	// Solver options for each instance (time or iteration limit, seed,
	// threads).
	Solver solver.Options
	// Instances lists lower-case instance names to run (such as "r101");
	// empty runs every *.txt in the folder.
	Instances []string
	// Log, if set, receives one line per instance.
	Log io.Writer
}

// SolomonResult is the outcome on one instance.
type SolomonResult struct {
	Instance string
	Vehicles int
	// Cost is the DIMACS distance (tenths truncated per arc).
	Cost float64
	// BestKnown is the distance-only best known, 0 if unknown; Gap is
	// 100·(Cost-BestKnown)/BestKnown.
	BestKnown  float64
	Gap        float64
	Unassigned int
	Seconds    float64
}

// RunSolomon solves each Solomon instance in dir, writes outDir/NAME.sol
// in CVRPLIB format and outDir/results.csv (instance, vehicles, cost,
// best-known, gap %, seconds), taking best-known values from
// dir/bks_distance_only.csv when present.
func RunSolomon(ctx context.Context, dir, outDir string, opt SolomonOptions) ([]SolomonResult, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		return nil, err
	}
	slices.Sort(files)
	bks, err := ReadBestKnown(filepath.Join(dir, "bks_distance_only.csv"))
	if err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	var want map[string]bool
	if len(opt.Instances) > 0 {
		want = make(map[string]bool)
		for _, name := range opt.Instances {
			want[strings.ToLower(name)] = true
		}
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, err
	}
	var results []SolomonResult
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".txt")
		if want != nil && !want[name] {
			continue
		}
		delete(want, name)
		res, routes, err := solveSolomonFile(ctx, f, opt.Solver)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		res.Instance = name
		if b, ok := bks[name]; ok {
			res.BestKnown = b
			res.Gap = 100 * (res.Cost - b) / b
		}
		if err := os.WriteFile(filepath.Join(outDir, name+".sol"), []byte(FormatCVRPLIB(routes, res.Cost)), 0o644); err != nil {
			return nil, err
		}
		if opt.Log != nil {
			fmt.Fprintf(opt.Log, "%-6s vehicles %2d cost %8.1f bks %8.1f gap %6.2f%% unassigned %d %.2fs\n",
				name, res.Vehicles, res.Cost, res.BestKnown, res.Gap, res.Unassigned, res.Seconds)
		}
		results = append(results, res)
		if ctx.Err() != nil {
			break
		}
	}
	for name := range want {
		return nil, fmt.Errorf("instances: no file %s.txt in %s", name, dir)
	}
	return results, writeResults(filepath.Join(outDir, "results.csv"), results)
}

// solveSolomonFile solves one instance and returns its result and routes
// as customer numbers.
func solveSolomonFile(ctx context.Context, path string, opt solver.Options) (SolomonResult, [][]int, error) {
	f, err := os.Open(path)
	if err != nil {
		return SolomonResult{}, nil, err
	}
	defer f.Close()
	inst, err := fixtures.ReadSolomon(f)
	if err != nil {
		return SolomonResult{}, nil, err
	}
	p, err := SolomonProblem(inst)
	if err != nil {
		return SolomonResult{}, nil, err
	}
	begin := time.Now()
	sol, err := solver.Solve(ctx, p, opt)
	if err != nil {
		return SolomonResult{}, nil, err
	}
	res := SolomonResult{Seconds: time.Since(begin).Seconds(), Unassigned: len(sol.Unassigned), Cost: float64(sol.Travel) / 10}
	var routes [][]int
	for _, r := range sol.Routes {
		if len(r) == 0 {
			continue
		}
		c := make([]int, len(r))
		for i, v := range r {
			c[i] = v + 1
		}
		routes = append(routes, c)
	}
	res.Vehicles = len(routes)
	return res, routes, nil
}

// FormatCVRPLIB writes routes of customer numbers in CVRPLIB solution
// format: "Route #k: c1 c2 ..." lines, then "Cost X".
func FormatCVRPLIB(routes [][]int, cost float64) string {
	var b strings.Builder
	for k, r := range routes {
		fmt.Fprintf(&b, "Route #%d:", k+1)
		for _, c := range r {
			fmt.Fprintf(&b, " %d", c)
		}
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "Cost %.1f\n", cost)
	return b.String()
}

// ReadBestKnown reads a best-known table with columns instance, vehicles,
// distance (and any more), keyed by lower-case instance name.
func ReadBestKnown(path string) (map[string]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := make(map[string]float64)
	for i, row := range rows {
		if i == 0 || len(row) < 3 {
			continue
		}
		d, err := strconv.ParseFloat(row[2], 64)
		if err != nil {
			return nil, fmt.Errorf("%s row %d: distance %q is not a number", path, i+1, row[2])
		}
		out[strings.ToLower(row[0])] = d
	}
	return out, nil
}

func writeResults(path string, results []SolomonResult) error {
	var b strings.Builder
	b.WriteString("instance,vehicles,cost,best_known,gap_pct,seconds\n")
	for _, r := range results {
		fmt.Fprintf(&b, "%s,%d,%.1f,%.1f,%.3f,%.3f\n", r.Instance, r.Vehicles, r.Cost, r.BestKnown, r.Gap, r.Seconds)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
