package api

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/fixtures"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/solver"
	"github.com/roundsdev/rounds/validate"
)

// TestEditPlacesBreaks moves visits between the rounds of a planned day
// whose long shifts get a break, and checks that edited rosters keep their
// breaks: each round that needs one has it, between two stops, and the
// only break the validator may reject is one the moved visit pushed past
// the end of its window (the edit is then refused like any other that
// breaks a rule). The small day is tightly planned, so most moves break
// some rule, but most must keep every break valid.
func TestEditPlacesBreaks(t *testing.T) {
	ctx := context.Background()
	cfg := fixtures.Small
	cfg.Seed = 4
	req, err := fixtures.Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	req.Options = rounds.Options{Iterations: 2000, Threads: 1, Seed: 1,
		Break: &rounds.BreakRule{AfterShiftMinutes: 300}}
	src := geo.Haversine{}
	ro, err := (&solver.Planner{Source: src}).Plan(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	cur := &rounds.RosterVersion{RosterID: "r1", Team: req.Team, Version: 1, Request: req, Roster: ro}
	if bad, err := validate.Roster(ctx, req, ro, src); err != nil || len(bad) > 0 {
		t.Fatalf("planned roster: %v %v", err, bad)
	}
	edits, breakOK := 0, 0
	for _, rt := range ro.Routes {
		for _, s := range rt.Stops {
			for _, to := range ro.Routes {
				if to.WorkerID == rt.WorkerID || to.Date != rt.Date || len(to.Stops) == 0 {
					continue
				}
				pos := len(to.Stops) / 2
				e := Edit{Version: 1, Op: "move", VisitID: s.VisitID, WorkerID: to.WorkerID, Position: &pos}
				next, err := e.apply(ctx, cur, src)
				if err != nil {
					continue
				}
				bad, err := validate.Roster(ctx, next.Request, next.Roster, src)
				if err != nil {
					t.Fatal(err)
				}
				edits++
				ok := true
				for _, v := range bad {
					if v.Rule != validate.RuleBreak {
						continue
					}
					ok = false
					if !strings.Contains(v.Message, "outside the break window") {
						t.Errorf("move %s to %s: %s", s.VisitID, to.WorkerID, v.Message)
					}
				}
				got := next.Roster.Routes[slices.IndexFunc(next.Roster.Routes, func(r rounds.Route) bool {
					return r.WorkerID == to.WorkerID && r.Date == to.Date
				})]
				if ok && got.Break != nil {
					breakOK++
				}
			}
		}
	}
	if breakOK < edits/2 {
		t.Fatalf("%d of %d moves keep a valid break on the receiving round; want at least half", breakOK, edits)
	}
}
