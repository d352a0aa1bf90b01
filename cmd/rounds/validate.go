package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/validate"
)

func runValidate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("validate", "validate [flags] REQUEST.json ROSTER.json", stderr)
	travel := travelFlags(fs)
	eventsPath := fs.String("events", "", "check ROSTER.json as a live day's roster after these events (a JSON array, or {\"events\": [...]} as POST .../events takes them); needs -at")
	atFlag := fs.String("at", "", "HH:MM: the time of the live day (with -events)")
	publishedPath := fs.String("published", "", "the roster the events were reported on (with -events); omitted = ROSTER.json itself")
	referralPath := fs.String("referral", "", "a referral (as POST .../dispatch takes it) whose visit and client are added to the request first")
	pos, err := parse(fs, args, 2)
	if err != nil {
		return err
	}
	if (*eventsPath == "") != (*atFlag == "") || *publishedPath != "" && *eventsPath == "" {
		return usageError{"-events and -at go together, and -published needs them"}
	}
	req, err := readRequest(pos[0])
	if err != nil {
		return err
	}
	var roster rounds.Roster
	if err := readFileStrict(pos[1], &roster); err != nil {
		return err
	}
	var opts []validate.Option
	var at rounds.Clock
	if *atFlag != "" {
		if at, err = rounds.ParseClock(*atFlag); err != nil {
			return usageError{fmt.Sprintf("-at %q: %v", *atFlag, err)}
		}
		events, err := readEvents(*eventsPath)
		if err != nil {
			return err
		}
		opts = append(opts, validate.Events(events, at))
	}
	if *publishedPath != "" {
		var published rounds.Roster
		if err := readFileStrict(*publishedPath, &published); err != nil {
			return err
		}
		opts = append(opts, validate.Published(&published))
	}
	if *referralPath != "" {
		if req, err = withReferral(req, &roster, *referralPath, at, *atFlag != ""); err != nil {
			return err
		}
	}
	src, err := travel.source()
	if err != nil {
		return err
	}
	violations, err := validate.Roster(ctx, req, &roster, src, opts...)
	if err != nil {
		return err
	}
	for _, v := range violations {
		fmt.Fprintln(stdout, v)
	}
	if len(violations) > 0 {
		return fmt.Errorf("%d rule(s) broken", len(violations))
	}
	fmt.Fprintf(stdout, "valid: %d routes, %d visits assigned, %d unassigned\n", len(roster.Routes), roster.Totals.Assigned, roster.Totals.Unassigned)
	return nil
}

// readFileStrict decodes the JSON file at path into v, refusing unknown
// fields.
func readFileStrict(path string, v any) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := rounds.DecodeStrict(f, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// readEvents reads a file of events: a JSON array of them, or an object
// whose "events" holds them.
func readEvents(path string) ([]rounds.Event, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var events []rounds.Event
	if trimmed := bytes.TrimLeft(b, " \t\r\n"); len(trimmed) > 0 && trimmed[0] == '[' {
		err = rounds.DecodeStrict(bytes.NewReader(b), &events)
	} else {
		var body struct {
			Events []rounds.Event `json:"events"`
		}
		err = rounds.DecodeStrict(bytes.NewReader(b), &body)
		events = body.Events
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return events, nil
}

// withReferral returns req with the visit and client of the referral in
// the file at path, made on its date (else the roster's only date) and
// referred at its referredAt (else its at, else at if given).
func withReferral(req *rounds.Request, roster *rounds.Roster, path string, at rounds.Clock, given bool) (*rounds.Request, error) {
	var ref rounds.Referral
	if err := readFileStrict(path, &ref); err != nil {
		return nil, err
	}
	date := ref.Date
	if date == "" {
		for i := range roster.Routes {
			if d := roster.Routes[i].Date; date == "" || d == date {
				date = d
				continue
			}
			return nil, fmt.Errorf("%s: the roster covers several dates: give the referral's date", path)
		}
	}
	switch {
	case ref.At != nil:
		at = *ref.At
	case ref.ReferredAt == nil && !given:
		return nil, usageError{path + ": the referral gives no referredAt or at: give -at"}
	}
	out, _, err := ref.WithReferral(req, date, at)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}
