package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/term"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/solver"
)

func runSolve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("solve", "solve [flags] REQUEST.json", stderr)
	limit := fs.Duration("time", 0, "search time limit (0: the request's options, else 10s)")
	iterations := fs.Int("iterations", 0, "search iterations per thread (0: the request's options; bounded runs are reproducible)")
	seed := fs.Int64("seed", -1, "random seed (-1: the request's options)")
	threads := fs.Int("threads", 0, "parallel searches (0: the request's options, else one per core)")
	format := fs.String("format", "json", "output: json, table or geojson")
	out := fs.String("out", "", "write the JSON roster to this file and print the table")
	travel := travelFlags(fs)
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	if *format != "json" && *format != "table" && *format != "geojson" {
		return usagef("-format %q: want json, table or geojson", *format)
	}
	req, err := readRequest(pos[0])
	if err != nil {
		return err
	}
	if *limit > 0 {
		req.Options.TimeLimitSeconds = limit.Seconds()
	}
	if *iterations > 0 {
		req.Options.Iterations = *iterations
	}
	if *seed >= 0 {
		req.Options.Seed = *seed
	}
	if *threads > 0 {
		req.Options.Threads = *threads
	}
	src, err := travel.source()
	if err != nil {
		return err
	}
	progress, endProgress := progressPrinter(stderr)
	planner := solver.Planner{Source: src, Progress: progress}
	start := time.Now()
	roster, err := planner.Plan(ctx, req)
	endProgress()
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "solved in %.1fs: %d of %d visits assigned, travel %d min, cost %d\n",
		time.Since(start).Seconds(), roster.Totals.Assigned, roster.Totals.Visits, roster.Totals.TravelSeconds/60, roster.Totals.Cost)
	if *out != "" {
		if err := writeJSONFile(*out, roster); err != nil {
			return err
		}
		if *format == "json" {
			*format = "table"
		}
	}
	switch *format {
	case "table":
		return writeTable(stdout, roster)
	case "geojson":
		return writeJSON(stdout, rosterGeoJSON(roster))
	}
	return writeJSON(stdout, roster)
}

// progressPrinter returns a solver progress callback that rewrites one
// status line on stderr, once the solve has run for a second, when stderr
// is a terminal (otherwise nil), and a function that ends that line.
func progressPrinter(stderr io.Writer) (progress func(solver.Progress), end func()) {
	f, ok := stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil, func() {}
	}
	var last time.Duration
	progress = func(p solver.Progress) {
		if p.Elapsed < time.Second || p.Elapsed-last < 200*time.Millisecond {
			return
		}
		last = p.Elapsed
		fmt.Fprintf(f, "\r%5.1fs  best cost %d  unassigned %d  iterations %d   ", p.Elapsed.Seconds(), p.Cost, p.Unassigned, p.Iterations)
	}
	end = func() {
		if last > 0 {
			fmt.Fprintln(f)
		}
	}
	return progress, end
}

func readRequest(path string) (*rounds.Request, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	req, err := rounds.DecodeRequest(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return req, nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// writeJSONFile writes v to path through a temporary file, so that a
// failed write leaves no half-written file behind.
func writeJSONFile(path string, v any) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".rounds-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := writeJSON(tmp, v); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
