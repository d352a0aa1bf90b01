package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/roundsdev/rounds/benchmarks"
	"github.com/roundsdev/rounds/solver"
)

func benchMankowska(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench mankowska", "bench mankowska DIR [flags]", stderr)
	limit := fs.Duration("time", 0, "time limit per instance (default 10s unless -iterations is set)")
	iterations := fs.Int("iterations", 0, "iteration limit per instance and thread (reproducible)")
	seed := fs.Int64("seed", 1, "random seed")
	threads := fs.Int("threads", 1, "parallel searches per instance")
	out := fs.String("out", "bin/bench/mankowska", "folder for NAME.json solutions and results.csv")
	instances := fs.String("instances", "", "comma-separated instance names or article ids such as A1,E10 (default: every instance in DIR)")
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	opt := benchmarks.MankowskaOptions{
		Solver: solver.Options{TimeLimit: *limit, Iterations: *iterations, Seed: *seed, Threads: *threads},
		Log:    stderr,
	}
	if *limit == 0 && *iterations == 0 {
		opt.Solver.TimeLimit = solver.DefaultTimeLimit
	}
	if *instances != "" {
		opt.Instances = strings.Split(*instances, ",")
	}
	results, err := benchmarks.RunMankowska(ctx, pos[0], *out, opt)
	if err != nil {
		return err
	}
	writeMankowskaTable(stdout, results)
	fmt.Fprintf(stdout, "solutions and results.csv in %s\n", *out)
	return nil
}

// writeMankowskaTable prints the average and worst gap per set (A to G,
// the letter of the article id) and over all instances.
func writeMankowskaTable(w io.Writer, results []benchmarks.MankowskaResult) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "set\tinstances\tavg gap %\tworst gap %\tworst\tavg s\tunassigned\t")
	row := func(set string, rs []benchmarks.MankowskaResult) {
		if len(rs) == 0 {
			return
		}
		sum, worst, secs, unassigned, which := 0.0, math.Inf(-1), 0.0, 0, ""
		for _, r := range rs {
			sum += r.Gap
			secs += r.Seconds
			unassigned += r.Unassigned
			if r.Gap > worst {
				worst, which = r.Gap, r.ArticleID
			}
		}
		n := float64(len(rs))
		fmt.Fprintf(tw, "%s\t%d\t%.2f\t%.2f\t%s\t%.2f\t%d\t\n", set, len(rs), sum/n, worst, which, secs/n, unassigned)
	}
	sets := map[string][]benchmarks.MankowskaResult{}
	var known []benchmarks.MankowskaResult
	for _, r := range results {
		if r.BestKnown == 0 || r.ArticleID == "" {
			continue
		}
		sets[r.ArticleID[:1]] = append(sets[r.ArticleID[:1]], r)
		known = append(known, r)
	}
	for _, set := range []string{"A", "B", "C", "D", "E", "F", "G"} {
		row(set, sets[set])
	}
	row("all", known)
	tw.Flush()
}
