package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/simulation"
)

func runSimulate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("simulate", "simulate [flags] SCENARIOS.json", stderr)
	format := fs.String("format", "table", "output: table or csv")
	out := fs.String("out", "", "also write summary.csv, replications.csv, days.csv, result.json and the plots (SVG and PNG) to this directory")
	parallel := fs.Int("parallel", 0, "replications run at once (0: one per core)")
	capacity := fs.String("capacity", "", "search for the fewest workers of this role that meet -target")
	target := fs.String("target", "", "with -capacity: the goal, KPI>=VALUE or KPI<=VALUE (rapid_response_within_2h>=95%)")
	network := fs.String("network", "", "with -capacity: add and remove workers of this network only")
	on := fs.String("on", "", "with -capacity: start from this scenario of the file (default: the baseline)")
	maxAdded := fs.Int("max-added", 0, fmt.Sprintf("with -capacity: the most workers to add (default %d)", simulation.DefaultMaxAdded))
	travel := travelFlags(fs)
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	if *format != "table" && *format != "csv" {
		return usagef("-format %q: want table or csv", *format)
	}
	if (*capacity == "") != (*target == "") {
		return usagef("-capacity and -target go together")
	}
	if *capacity == "" && (*network != "" || *on != "" || *maxAdded != 0) {
		return usagef("-network, -on and -max-added go with -capacity")
	}
	if *parallel < 0 {
		return usagef("-parallel %d: want 0 or more", *parallel)
	}
	fh, err := os.Open(pos[0])
	if err != nil {
		return err
	}
	f, err := simulation.ReadFile(fh)
	fh.Close()
	if err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	src, err := travel.source()
	if err != nil {
		return err
	}
	if *out != "" {
		if err := os.MkdirAll(*out, 0o755); err != nil {
			return err
		}
	}
	if *capacity != "" {
		t, err := simulation.ParseTarget(*target)
		if err != nil {
			return err
		}
		search := simulation.CapacitySearch{Role: rounds.Role(*capacity), Network: *network, Scenario: *on, Target: t, MaxAdded: *maxAdded}
		return runCapacity(ctx, f, search, simulation.Options{Source: src, Parallel: *parallel}, *format, *out, stdout, stderr)
	}
	progress, endProgress := simulateProgress(stderr)
	start := time.Now()
	res, err := simulation.Run(ctx, f, simulation.Options{Source: src, Parallel: *parallel, Progress: progress})
	endProgress()
	if err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	elapsed := time.Since(start)
	days := len(res.Scenarios) * res.Replications * res.HorizonDays
	fmt.Fprintf(stderr, "simulated %d days (%d scenarios × %d replications × %d days) in %.1fs: %.2fs a day\n",
		days, len(res.Scenarios), res.Replications, res.HorizonDays, elapsed.Seconds(), elapsed.Seconds()/float64(days))
	sum := simulation.Summarise(res)
	if *out != "" {
		if err := writeSimulation(*out, res, sum); err != nil {
			return err
		}
	}
	if *format == "csv" {
		return summaryCSV(stdout, sum)
	}
	return summaryTable(stdout, res, sum)
}

// simulateProgress returns a progress line for a terminal: the days done
// of the run and an estimate of the time left.
func simulateProgress(stderr io.Writer) (progress func(done, total int), end func()) {
	f, ok := stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil, func() {}
	}
	start := time.Now()
	shown := false
	progress = func(done, total int) {
		el := time.Since(start)
		left := time.Duration(float64(el) / float64(done) * float64(total-done)).Round(time.Second)
		fmt.Fprintf(f, "\rsimulated day %d of %d (%.0f%%), %s left   ", done, total, 100*float64(done)/float64(total), left)
		shown = true
	}
	end = func() {
		if shown {
			fmt.Fprintln(f)
		}
	}
	return progress, end
}

// isShare reports whether a KPI is a share, printed as a percentage.
func isShare(kpi string) bool {
	return kpi == simulation.Coverage || kpi == simulation.RapidResponseWithin2h || kpi == simulation.TravelShare ||
		strings.HasPrefix(kpi, simulation.UtilisationPrefix)
}

// interval formats an estimate and its interval: "93.4% [92.1, 94.7]".
func interval(kpi string, iv simulation.Interval, signed bool) string {
	scale, unit, prec := 1.0, "", 2
	if isShare(kpi) {
		scale, unit, prec = 100, "%", 1
	}
	num := func(x float64) string { return strconv.FormatFloat(x*scale, 'f', prec, 64) }
	mean := num(iv.Mean)
	if signed && iv.Mean >= 0 {
		mean = "+" + mean
	}
	s := fmt.Sprintf("%s%s [%s, %s]", mean, unit, num(iv.Low), num(iv.High))
	if signed && iv.N > 1 && iv.Excludes(0) {
		s += " *"
	}
	return s
}

// summaryTable prints every KPI's mean and 95% interval per scenario,
// then each scenario's paired difference from the baseline; a * marks a
// difference whose interval excludes zero (with two replications or more).
func summaryTable(w io.Writer, res *simulation.Result, sum []simulation.Summary) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := []string{"KPI"}
	for _, s := range sum {
		head = append(head, strings.ToUpper(s.Scenario))
	}
	for _, s := range sum[1:] {
		head = append(head, strings.ToUpper(s.Scenario)+" - BASELINE")
	}
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	for k, e := range sum[0].Estimates {
		row := []string{e.KPI}
		for _, s := range sum {
			row = append(row, interval(e.KPI, s.Estimates[k].Value, false))
		}
		for _, s := range sum[1:] {
			row = append(row, interval(e.KPI, *s.Estimates[k].Difference, true))
		}
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\nMeans over %d replications of %d days from %s (seed %d) with their %.0f%% confidence intervals; differences are paired by replication (common random numbers), * where the interval excludes 0.\n",
		res.Replications, res.HorizonDays, res.Start, res.Seed, 100*simulation.Confidence)
	return err
}

// summaryCSV writes one row per scenario and KPI: the mean, its interval
// and, but for the baseline, the paired difference and its interval.
func summaryCSV(w io.Writer, sum []simulation.Summary) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"scenario", "kpi", "mean", "low", "high", "n", "difference", "difference_low", "difference_high"})
	g := func(x float64) string { return strconv.FormatFloat(x, 'g', 8, 64) }
	for _, s := range sum {
		for _, e := range s.Estimates {
			row := []string{s.Scenario, e.KPI, g(e.Value.Mean), g(e.Value.Low), g(e.Value.High), strconv.Itoa(e.Value.N), "", "", ""}
			if d := e.Difference; d != nil {
				row[6], row[7], row[8] = g(d.Mean), g(d.Low), g(d.High)
			}
			cw.Write(row)
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeSimulation writes a run's files to dir: summary.csv,
// replications.csv (every KPI of every replication), days.csv (the
// ledger of every day), the plots (simulation.WritePlots: kpis, hours and
// coverage, each as SVG and PNG) and result.json (all of it).
func writeSimulation(dir string, res *simulation.Result, sum []simulation.Summary) error {
	write := func(name string, fill func(w io.Writer) error) error {
		fh, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		if err := fill(fh); err != nil {
			fh.Close()
			return err
		}
		return fh.Close()
	}
	if err := write("summary.csv", func(w io.Writer) error { return summaryCSV(w, sum) }); err != nil {
		return err
	}
	var sets []map[string]float64
	for _, sc := range res.Scenarios {
		for _, r := range sc.Replications {
			sets = append(sets, r.KPIs)
		}
	}
	names := simulation.KPINames(sets...)
	err := write("replications.csv", func(w io.Writer) error {
		cw := csv.NewWriter(w)
		cw.Write(append([]string{"scenario", "replication"}, names...))
		for _, sc := range res.Scenarios {
			for i, r := range sc.Replications {
				row := []string{sc.Name, strconv.Itoa(i + 1)}
				for _, n := range names {
					row = append(row, strconv.FormatFloat(r.KPIs[n], 'g', 8, 64))
				}
				cw.Write(row)
			}
		}
		cw.Flush()
		return cw.Error()
	})
	if err != nil {
		return err
	}
	err = write("days.csv", func(w io.Writer) error {
		cw := csv.NewWriter(w)
		cw.Write([]string{"scenario", "replication", "date", "referrals_rapid_response", "referrals_reablement", "carried", "unplanned",
			"dispatched", "dispatched_late", "due", "made", "rolled_over", "breached", "cancelled"})
		for _, sc := range res.Scenarios {
			for i, r := range sc.Replications {
				for _, d := range r.Days {
					l := d.Ledger
					cw.Write([]string{sc.Name, strconv.Itoa(i + 1), string(d.Date),
						strconv.Itoa(d.Referrals[rounds.RapidResponse]), strconv.Itoa(d.Referrals[rounds.Reablement]),
						strconv.Itoa(d.Carried), strconv.Itoa(d.Unplanned), strconv.Itoa(d.Dispatched), strconv.Itoa(d.DispatchedLate),
						strconv.Itoa(l.Due), strconv.Itoa(l.Made),
						strconv.Itoa(l.RolledOver), strconv.Itoa(l.Breached), strconv.Itoa(l.Cancelled)})
				}
			}
		}
		cw.Flush()
		return cw.Error()
	})
	if err != nil {
		return err
	}
	if _, err := simulation.WritePlots(dir, res, sum); err != nil {
		return err
	}
	return writeJSONFile(filepath.Join(dir, "result.json"), struct {
		*simulation.Result
		Summary []simulation.Summary `json:"summary"`
	}{res, sum})
}

// runCapacity runs a capacity search, printing each step to stderr as it
// ends, then the steps (a table or CSV) and the answer; -out also gets
// capacity.csv.
func runCapacity(ctx context.Context, f *simulation.File, search simulation.CapacitySearch, opt simulation.Options,
	format, out string, stdout, stderr io.Writer) error {
	begin := time.Now()
	progress, endProgress := simulateProgress(stderr)
	opt.Progress = progress
	res, err := simulation.Capacity(ctx, f, search, opt, func(st simulation.CapacityStep) {
		endProgress()
		fmt.Fprintf(stderr, "%s %+d (%d): %s %s%s\n", search.Role, st.Change, st.Workers, search.Target.KPI,
			interval(search.Target.KPI, st.Value, false), map[bool]string{true: ", met", false: ", not met"}[st.Met])
	})
	endProgress()
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "%d steps of %d replications × %d days in %.1fs\n", len(res.Steps), f.Replications, f.HorizonDays, time.Since(begin).Seconds())
	if out != "" {
		fh, err := os.Create(filepath.Join(out, "capacity.csv"))
		if err != nil {
			return err
		}
		if err := capacityCSV(fh, res); err != nil {
			fh.Close()
			return err
		}
		if err := fh.Close(); err != nil {
			return err
		}
	}
	if format == "csv" {
		return capacityCSV(stdout, res)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "STEP\tCHANGE\t%s\t%s\tMET\n", strings.ToUpper(string(search.Role)), strings.ToUpper(search.Target.KPI))
	for i, st := range res.Steps {
		fmt.Fprintf(tw, "%d\t%+d\t%d\t%s\t%s\n", i+1, st.Change, st.Workers, interval(search.Target.KPI, st.Value, false), map[bool]string{true: "yes", false: "no"}[st.Met])
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	where := ""
	if search.Network != "" {
		where = " of " + search.Network
	}
	if !res.Found {
		_, err = fmt.Fprintf(stdout, "\nNo number of %s workers%s up to %d (%+d) meets %s.\n", search.Role, where, res.Workers+res.Search.MaxAdded, res.Search.MaxAdded, search.Target)
		return err
	}
	_, err = fmt.Fprintf(stdout, "\nThe fewest %s workers%s that meet %s: %d (%+d), means over %d replications on common random numbers.\n",
		search.Role, where, search.Target, res.Fewest, res.Change, f.Replications)
	return err
}

// capacityCSV writes the steps of a capacity search: change, workers,
// the KPI's mean and interval, met.
func capacityCSV(w io.Writer, res *simulation.CapacityResult) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"step", "change", "workers", "kpi", "mean", "low", "high", "n", "met", "fewest"})
	g := func(x float64) string { return strconv.FormatFloat(x, 'g', 8, 64) }
	for i, st := range res.Steps {
		fewest := ""
		if res.Found && st.Change == res.Change {
			fewest = "yes"
		}
		cw.Write([]string{strconv.Itoa(i + 1), strconv.Itoa(st.Change), strconv.Itoa(st.Workers), res.Search.Target.KPI,
			g(st.Value.Mean), g(st.Value.Low), g(st.Value.High), strconv.Itoa(st.Value.N), strconv.FormatBool(st.Met), fewest})
	}
	cw.Flush()
	return cw.Error()
}
