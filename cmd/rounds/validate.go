package main

import (
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
	pos, err := parse(fs, args, 2)
	if err != nil {
		return err
	}
	req, err := readRequest(pos[0])
	if err != nil {
		return err
	}
	f, err := os.Open(pos[1])
	if err != nil {
		return err
	}
	defer f.Close()
	var roster rounds.Roster
	if err := rounds.DecodeStrict(f, &roster); err != nil {
		return fmt.Errorf("%s: %w", pos[1], err)
	}
	src, err := travel.source()
	if err != nil {
		return err
	}
	violations, err := validate.Roster(ctx, req, &roster, src)
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
