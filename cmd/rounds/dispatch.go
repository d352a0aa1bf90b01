package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/solver"
)

func runDispatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("dispatch", "dispatch [flags] REQUEST.json ROSTER.json REFERRAL.json", stderr)
	atFlag := fs.String("at", "", "the time of the live day, HH:MM (default: the referral's at, else now)")
	eventsPath := fs.String("events", "", "events of the day so far (a JSON list)")
	k := fs.Int("k", 0, "how many options (default: the referral's k, else 5)")
	format := fs.String("format", "table", "output: table or json")
	accept := fs.Int("accept", 0, "accept the option of this rank and write the new roster to -out")
	out := fs.String("out", "", "with -accept: write the whole day's new roster here")
	outRequest := fs.String("out-request", "", "with -accept: write the request with the referral's visit here")
	travel := travelFlags(fs)
	pos, err := parse(fs, args, 3)
	if err != nil {
		return err
	}
	if *format != "table" && *format != "json" {
		return usagef("-format %q: want table or json", *format)
	}
	if *accept != 0 && *out == "" {
		return usagef("-accept needs -out")
	}
	req, roster, err := readLive(pos[0], pos[1])
	if err != nil {
		return err
	}
	var ref rounds.Referral
	if err := readFileStrict(pos[2], &ref); err != nil {
		return err
	}
	if *k != 0 {
		ref.K = *k
	}
	at, err := liveAt(*atFlag, ref.At, nil)
	if err != nil {
		return err
	}
	date, err := liveDate(roster, ref.Date)
	if err != nil {
		return err
	}
	var events []rounds.Event
	if *eventsPath != "" {
		if events, err = readEvents(*eventsPath); err != nil {
			return err
		}
	}
	state, err := liveState(req, roster, date, events, at)
	if err != nil {
		return err
	}
	src, err := travel.source()
	if err != nil {
		return err
	}
	start := time.Now()
	live, err := solver.NewLive(ctx, req, roster, state, src)
	if err != nil {
		return err
	}
	ready := time.Since(start)
	start = time.Now()
	d, err := live.Options(ctx, &ref)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "live day at %s built in %v; %d option(s) in %v\n", at, ready.Round(time.Millisecond), len(d.Options), time.Since(start).Round(time.Microsecond))
	if *format == "json" {
		if err := writeJSON(stdout, d); err != nil {
			return err
		}
	} else if err := writeOptions(stdout, d); err != nil {
		return err
	}
	if *accept == 0 {
		return nil
	}
	if *accept < 0 || *accept > len(d.Options) {
		return fmt.Errorf("-accept %d: there are %d option(s)", *accept, len(d.Options))
	}
	next, req1, err := solver.Accept(ctx, req, roster, state, &ref, &d.Options[*accept-1], src)
	if err != nil {
		return err
	}
	if err := writeJSONFile(*out, next); err != nil {
		return err
	}
	if *outRequest != "" {
		if err := writeJSONFile(*outRequest, req1); err != nil {
			return err
		}
	}
	fmt.Fprintf(stderr, "accepted option %d: the day's cost is %d (%+d)\n", *accept, next.Totals.Cost, next.Totals.Cost-live.Day().Totals.Cost)
	return nil
}

func runRepair(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("repair", "repair [flags] REQUEST.json ROSTER.json EVENTS.json -out NEW.json", stderr)
	atFlag := fs.String("at", "", "the time of the live day, HH:MM (default: the last event's time)")
	limit := fs.Duration("time", 2*time.Second, "time budget")
	iterations := fs.Int("iterations", 0, "search iterations per thread instead of the time budget (reproducible)")
	seed := fs.Int64("seed", 1, "random seed")
	threads := fs.Int("threads", 0, "parallel searches (0: one per core)")
	out := fs.String("out", "", "write the whole day's repaired roster here")
	format := fs.String("format", "table", "report: table or json")
	travel := travelFlags(fs)
	pos, err := parse(fs, args, 3)
	if err != nil {
		return err
	}
	if *out == "" {
		return usagef("-out is required")
	}
	if *format != "table" && *format != "json" {
		return usagef("-format %q: want table or json", *format)
	}
	req, roster, err := readLive(pos[0], pos[1])
	if err != nil {
		return err
	}
	events, err := readEvents(pos[2])
	if err != nil {
		return err
	}
	date, err := liveDate(roster, "")
	if err != nil {
		return err
	}
	at, err := liveAt(*atFlag, nil, events)
	if err != nil {
		return err
	}
	state, err := liveState(req, roster, date, events, at)
	if err != nil {
		return err
	}
	src, err := travel.source()
	if err != nil {
		return err
	}
	next, rep, err := solver.Repair(ctx, req, roster, state, src, *limit, solver.Options{Iterations: *iterations, Seed: *seed, Threads: *threads})
	if err != nil {
		return err
	}
	if err := writeJSONFile(*out, next); err != nil {
		return err
	}
	if *format == "json" {
		return writeJSON(stdout, rep)
	}
	return writeRepair(stdout, rep)
}

// readLive reads a request and its published roster.
func readLive(reqPath, rosterPath string) (*rounds.Request, *rounds.Roster, error) {
	req, err := readRequest(reqPath)
	if err != nil {
		return nil, nil, err
	}
	var roster rounds.Roster
	if err := readFileStrict(rosterPath, &roster); err != nil {
		return nil, nil, err
	}
	return req, &roster, nil
}

// liveAt returns the live time: the flag, else given, else the last
// event's time, else the time of day now.
func liveAt(flag string, given *rounds.Clock, events []rounds.Event) (rounds.Clock, error) {
	switch {
	case flag != "":
		at, err := rounds.ParseClock(flag)
		if err != nil {
			return 0, usagef("-at %q: %v", flag, err)
		}
		return at, nil
	case given != nil:
		return *given, nil
	case len(events) > 0:
		at := events[0].At
		for _, e := range events {
			at = max(at, e.At)
		}
		return at, nil
	}
	now := time.Now()
	return rounds.At(now.Hour(), now.Minute()), nil
}

// liveDate returns date, or the roster's only date.
func liveDate(roster *rounds.Roster, date rounds.Date) (rounds.Date, error) {
	if date != "" {
		return date, nil
	}
	for _, rt := range roster.Routes {
		if date == "" {
			date = rt.Date
		} else if rt.Date != date {
			return "", rounds.Invalid("referral.date", `""`, "the roster covers %s and %s: name the date", date, rt.Date)
		}
	}
	if date == "" {
		return "", rounds.Invalid("roster.routes", 0, "the roster has no route")
	}
	return date, nil
}

// liveState returns the live state of the roster's date at at after the
// events, checked by ValidateEvents.
func liveState(req *rounds.Request, roster *rounds.Roster, date rounds.Date, events []rounds.Event, at rounds.Clock) (*rounds.LiveState, error) {
	events, err := rounds.ValidateEvents(req, roster, events)
	if err != nil {
		return nil, err
	}
	return rounds.LiveDay(req, roster, date, events, at)
}

// writeOptions prints a dispatch answer as a table, or why nothing fits.
func writeOptions(w io.Writer, d *rounds.Dispatch) error {
	v := d.Visit
	deadline := ""
	if dl, ok := v.LatestStart(); ok {
		deadline = ", deadline " + dl.String()
	}
	skills := "no skill needed"
	if len(v.Skills) > 0 {
		names := make([]string, len(v.Skills))
		for i, s := range v.Skills {
			names[i] = string(s)
		}
		skills = strings.Join(names, "+")
	}
	fmt.Fprintf(w, "Referral %s for %s: %s, %d min, %d worker(s), at %s%s\n", v.ID, v.ClientID, skills,
		v.DurationMinutes, v.Workers(), d.At, deadline)
	if len(d.Options) == 0 {
		fmt.Fprintf(w, "No option meets the deadline: %s\n%s\n", strings.Join(d.Reasons, ", "), d.Detail)
		if d.EarliestStart != nil {
			fmt.Fprintf(w, "Earliest start anyone could make: %s by %s\n", *d.EarliestStart, d.EarliestWorker)
		}
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RANK\tWORKER\tSTART\tSLACK\tAFTER\tMOVED\tCHAIN\tTRAVEL+\tOVERTIME+\tCOST+\tKNOWS\tNETWORK")
	for _, o := range d.Options {
		who := o.WorkerID
		if o.PartnerID != "" {
			who += "+" + o.PartnerID
		}
		late := 0
		for _, m := range o.Moved {
			if m.Late {
				late++
			}
		}
		moved := fmt.Sprint(len(o.Moved))
		if late > 0 {
			moved += fmt.Sprintf(" (%d late)", late)
		}
		chain := "-"
		switch {
		case o.Handover != nil:
			chain = fmt.Sprintf("%s to %s", o.Handover.VisitID, o.Handover.ToWorkerID)
		case len(o.Dropped) > 0:
			chain = fmt.Sprintf("drop %s (%s)", o.Dropped[0].VisitID, o.Dropped[0].Priority)
		}
		after := o.After
		if after == "" {
			after = "-"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%+d\t%s\t%s\n", o.Rank, who, o.Start, minutes(o.SlackSeconds), after, moved, chain,
			signedMinutes(o.ExtraTravelSeconds), signedMinutes(o.ExtraOvertimeSeconds), o.CostChange, yesNo(o.KnowsClient), crossing(o.CrossesNetwork))
	}
	return tw.Flush()
}

// writeRepair prints a repair report.
func writeRepair(w io.Writer, rep *rounds.RepairReport) error {
	fmt.Fprintf(w, "Repaired in %.2fs: cost %d, disruption %d\n", rep.Seconds, rep.Cost, rep.DisruptionCost)
	fmt.Fprintf(w, "Handed over %d, moved > 30 min %d, dropped %d, newly made %d\n", len(rep.HandedOver), len(rep.Moved), len(rep.Dropped), len(rep.Added))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, h := range rep.HandedOver {
		fmt.Fprintf(tw, "handed over\t%s\t%s -> %s\n", h.VisitID, h.FromWorkerID, h.ToWorkerID)
	}
	for _, m := range rep.Moved {
		fmt.Fprintf(tw, "moved\t%s\t%s: %s -> %s\n", m.VisitID, m.WorkerID, m.OldStart, m.NewStart)
	}
	for _, d := range rep.Dropped {
		fmt.Fprintf(tw, "dropped\t%s\t%s (%s)\n", d.VisitID, d.WorkerID, d.Priority)
	}
	return tw.Flush()
}

// signedMinutes writes a change of time in whole minutes, with its sign.
func signedMinutes(sec int) string { return fmt.Sprintf("%+d min", sec/60) }

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "-"
}

func crossing(b bool) string {
	if b {
		return "crosses"
	}
	return "-"
}
