package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/roundsdev/rounds/benchmarks"
	"github.com/roundsdev/rounds/solver"
)

// benchSets are the benchmark sets "rounds bench NAME" runs.
var benchSets = map[string]command{
	"solomon":   benchSolomon,
	"mankowska": benchMankowska,
	"care":      benchCare,
	"dispatch":  benchDispatch,
}

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usagef("want a benchmark set: solomon, mankowska, care or dispatch")
	}
	set, ok := benchSets[args[0]]
	if !ok {
		return usagef("unknown benchmark set %q: want solomon, mankowska, care or dispatch", args[0])
	}
	return set(ctx, args[1:], stdout, stderr)
}

func benchSolomon(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench solomon", "bench solomon DIR [flags]", stderr)
	limit := fs.Duration("time", 0, "time limit per instance (default 1s unless -iterations is set)")
	iterations := fs.Int("iterations", 0, "iteration limit per instance and thread (reproducible)")
	seed := fs.Int64("seed", 1, "random seed")
	threads := fs.Int("threads", 1, "parallel searches per instance")
	out := fs.String("out", "bin/bench/solomon", "folder for NAME.sol files and results.csv")
	instances := fs.String("instances", "", "comma-separated instance names (default: every *.txt in DIR)")
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	opt := benchmarks.SolomonOptions{
		Solver: solver.Options{TimeLimit: *limit, Iterations: *iterations, Seed: *seed, Threads: *threads},
		Log:    stderr,
	}
	if *limit == 0 && *iterations == 0 {
		opt.Solver.TimeLimit = 1e9
	}
	if *instances != "" {
		opt.Instances = strings.Split(strings.ToLower(*instances), ",")
	}
	results, err := benchmarks.RunSolomon(ctx, pos[0], *out, opt)
	if err != nil {
		return err
	}
	writeGapTable(stdout, results)
	fmt.Fprintf(stdout, "solutions and results.csv in %s\n", *out)
	return nil
}

// writeGapTable prints the average and worst gap per instance family
// (c1, c2, r1, r2, rc1, rc2) and over all instances.
func writeGapTable(w io.Writer, results []benchmarks.SolomonResult) {
	type agg struct {
		n             int
		sum, worst    float64
		seconds       float64
		worstInstance string
		unassigned    int
	}
	fams := map[string]*agg{}
	add := func(key string, r benchmarks.SolomonResult) {
		a := fams[key]
		if a == nil {
			a = &agg{worst: -1e9}
			fams[key] = a
		}
		a.n++
		a.sum += r.Gap
		a.seconds += r.Seconds
		a.unassigned += r.Unassigned
		if r.Gap > a.worst {
			a.worst, a.worstInstance = r.Gap, r.Instance
		}
	}
	for _, r := range results {
		if r.BestKnown == 0 {
			continue
		}
		add(family(r.Instance), r)
		add("all", r)
	}
	keys := make([]string, 0, len(fams))
	for k := range fams {
		if k != "all" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	keys = append(keys, "all")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "family\tinstances\tavg gap %\tworst gap %\tworst\tavg s\tunassigned\t")
	for _, k := range keys {
		a, ok := fams[k]
		if !ok {
			continue
		}
		fmt.Fprintf(tw, "%s\t%d\t%.2f\t%.2f\t%s\t%.2f\t%d\t\n", k, a.n, a.sum/float64(a.n), a.worst, a.worstInstance, a.seconds/float64(a.n), a.unassigned)
	}
	tw.Flush()
}

// family returns the Solomon family of an instance: its letters and first
// digit ("rc2" for "rc208").
func family(name string) string {
	i := strings.IndexAny(name, "0123456789")
	if i < 0 || i+1 > len(name) {
		return name
	}
	return name[:i+1]
}
