package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/fixtures"
)

func runGenerate(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("generate", "generate [flags]", stderr)
	size := fs.String("size", "borough", "team size: "+strings.Join(fixtures.SizeNames, ", "))
	seed := fs.Int64("seed", 1, "random seed: the same flags give the same request")
	date := fs.String("date", string(fixtures.DefaultDate), "first day of the horizon, YYYY-MM-DD")
	days := fs.Int("days", 1, fmt.Sprintf("days in the horizon (1-%d)", fixtures.MaxDays))
	boroughs := fs.String("boroughs", "", "comma-separated London boroughs (default: the size's own)")
	double := fs.Float64("double-handed", 0, "share of reablement clients whose hoist calls need two workers (0-1)")
	linked := fs.Bool("linked-medication", false, "link a client's lunch medication prompt to the morning one (3-6 hours apart) and evening insulin to morning insulin (8-11 hours)")
	prefs := fs.Bool("preferences", false, "give clients preferred workers: a key worker and a case manager from their network")
	breaks := fs.Bool("breaks", false, "give shifts over 6 hours the default break (options.break): 30 minutes inside 12:00-14:00")
	load := fs.Float64("load", 0, fmt.Sprintf("visit minutes as a share of the team's working minutes (0-%g), in place of the size's number of visits; 0 keeps the size's day (borough: 900 visits, a load of about 0.81)", fixtures.MaxLoad))
	out := fs.String("out", "", "write the request to this file instead of stdout")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	cfg, err := fixtures.SizeByName(*size)
	if err != nil {
		return usageError{err.Error()}
	}
	cfg.Seed = *seed
	cfg.Date = rounds.Date(*date)
	cfg.Days = *days
	cfg.DoubleHanded, cfg.LinkedMedication, cfg.Preferences = *double, *linked, *prefs
	cfg.Load = *load
	if *boroughs != "" {
		cfg.Boroughs = strings.Split(*boroughs, ",")
	}
	req, err := fixtures.Generate(cfg)
	if err != nil {
		return err
	}
	if *breaks {
		req.Options.Break = &rounds.BreakRule{}
	}
	fmt.Fprintf(stderr, "generated %d workers, %d clients, %d visits (load %.2f)\n", len(req.Workers), len(req.Clients), len(req.Visits), fixtures.VisitLoad(req))
	if *out != "" {
		return writeJSONFile(*out, req)
	}
	return writeJSON(stdout, req)
}
