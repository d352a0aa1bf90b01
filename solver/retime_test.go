package solver

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/fixtures"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/validate"
)

// roundsOf returns the rounds of a roster's routes.
func roundsOf(ro *rounds.Roster) []Round {
	out := make([]Round, len(ro.Routes))
	for i, rt := range ro.Routes {
		out[i] = Round{WorkerID: rt.WorkerID, Date: rt.Date}
		for _, s := range rt.Stops {
			out[i].VisitIDs = append(out[i].VisitIDs, s.VisitID)
		}
	}
	return out
}

// TestRetimeGivesTheSolvedRoster plans a day with every rule that moves
// times (double-handed and linked visits, breaks, overtime, preferences)
// and retimes the planned rounds: the result is the planned roster, to
// every time, total, cost and score, and the rounds given in another
// order of workers give it too.
func TestRetimeGivesTheSolvedRoster(t *testing.T) {
	ctx := context.Background()
	cfg := fixtures.Small
	cfg.Seed, cfg.DoubleHanded, cfg.LinkedMedication, cfg.Preferences = 2, 0.3, true, true
	req, err := fixtures.Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for i := range req.Workers {
		for j := range req.Workers[i].Shifts {
			req.Workers[i].Shifts[j].End -= rounds.Clock(3600)
			req.Workers[i].Shifts[j].OvertimeMinutes = 60
		}
	}
	req.Options = rounds.Options{Iterations: 1000, Threads: 1, Seed: 1, Break: &rounds.BreakRule{AfterShiftMinutes: 300}}
	src := geo.Haversine{}
	planned, err := (&Planner{Source: src}).Plan(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	var pairs, breaks int
	for _, rt := range planned.Routes {
		if rt.Break != nil {
			breaks++
		}
		for _, s := range rt.Stops {
			for _, v := range req.Visits {
				if v.ID == s.VisitID && v.Workers() == 2 {
					pairs++
				}
			}
		}
	}
	if pairs == 0 || breaks == 0 || planned.Totals.OvertimeSeconds == 0 {
		t.Fatalf("planned %d double-handed stops, %d breaks, %d s of overtime; want some of each", pairs, breaks, planned.Totals.OvertimeSeconds)
	}
	order := roundsOf(planned)
	got, err := Retime(ctx, req, src, order)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, planned) {
		t.Errorf("retimed roster differs from the planned one:\ngot  %+v\nwant %+v", got.Totals, planned.Totals)
	}
	for i, j := 0, len(order)-1; i < j; i, j = i+1, j-1 {
		order[i], order[j] = order[j], order[i]
	}
	if got, err = Retime(ctx, req, src, order); err != nil || !reflect.DeepEqual(got, planned) {
		t.Errorf("rounds in reverse order of workers: %v, or another roster", err)
	}
	if bad, err := validate.Roster(ctx, req, got, src); err != nil || len(bad) > 0 {
		t.Errorf("retimed roster: %v %v", err, bad)
	}
}

// TestRetimeRefuses gives Retime rounds that break each rule it names and
// checks the code, the field and the words of its error.
func TestRetimeRefuses(t *testing.T) {
	req := careRequest()
	pair := rounds.Visit{ID: "pair", ClientID: "plain", Date: "2025-12-01", DurationMinutes: 30, WorkersNeeded: 2, Priority: rounds.Routine}
	early := rounds.Visit{ID: "early", ClientID: "plain", Date: "2025-12-01", DurationMinutes: 30, Priority: rounds.Routine,
		Windows: []rounds.Window{{Start: rounds.At(8, 0), End: rounds.At(9, 0)}}}
	req.Visits = append(req.Visits, pair, early)
	const day1 = rounds.Date("2025-12-01")
	tests := []struct {
		name   string
		rounds []Round
		code   string
		field  string
		words  string
	}{
		{"no shift", []Round{{WorkerID: "nurse", Date: "2025-12-02", VisitIDs: []string{"day2"}}},
			rounds.EINVALID, "rounds[0].workerId", "no shift of this worker on 2025-12-02"},
		{"two rounds", []Round{{WorkerID: "nurse", Date: day1}, {WorkerID: "nurse", Date: day1}},
			rounds.EINVALID, "rounds[1].workerId", "a second round"},
		{"no visit", []Round{{WorkerID: "nurse", Date: day1, VisitIDs: []string{"gone"}}},
			rounds.EINVALID, "rounds[0].visitIds[0]", "no such visit"},
		{"visit twice", []Round{{WorkerID: "nurse", Date: day1, VisitIDs: []string{"wound"}}, {WorkerID: "carer", Date: day1, VisitIDs: []string{"wound"}}},
			rounds.EINVALID, "rounds[1].visitIds[0]", "needs one worker and is on an earlier round"},
		{"skills", []Round{{WorkerID: "carer", Date: day1, VisitIDs: []string{"wound"}}},
			rounds.EINFEASIBLE, "", "carer may not make visit wound: the worker lacks the skills wound_care"},
		{"declined", []Round{{WorkerID: "carer", Date: day1, VisitIDs: []string{"declined"}}},
			rounds.EINFEASIBLE, "", "the client declined this worker"},
		{"pinned", []Round{{WorkerID: "nurse", Date: day1, VisitIDs: []string{"pinned"}}},
			rounds.EINFEASIBLE, "", "the visit is pinned to carer"},
		{"date", []Round{{WorkerID: "carer", Date: day1, VisitIDs: []string{"day2"}}},
			rounds.EINFEASIBLE, "", "the visit is on 2025-12-02, the round on 2025-12-01"},
		{"half a pair", []Round{{WorkerID: "nurse", Date: day1, VisitIDs: []string{"pair"}}},
			rounds.EINFEASIBLE, "", "double-handed visit pair needs two workers and is on the round of nurse only"},
		{"pair on one round", []Round{{WorkerID: "nurse", Date: day1, VisitIDs: []string{"pair", "pair"}}},
			rounds.EINFEASIBLE, "", "needs two different workers and is twice on the round of nurse"},
		{"shift end", []Round{{WorkerID: "nurse", Date: day1, VisitIDs: []string{"late"}}},
			rounds.EINFEASIBLE, "", "nurse would be back at 19:"},
		{"window", []Round{{WorkerID: "carer", Date: day1, VisitIDs: []string{"late", "pinned"}}},
			rounds.EINFEASIBLE, "", "visit pinned cannot start within its windows: carer reaches it at 19:"},
		{"pair apart", []Round{{WorkerID: "nurse", Date: day1, VisitIDs: []string{"pair", "early"}}, {WorkerID: "carer", Date: day1, VisitIDs: []string{"pinned", "pair"}}},
			rounds.EINFEASIBLE, "", "the double-handed and linked visits pair cannot all start"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Retime(context.Background(), req, flatSource{}, tt.rounds)
			e, ok := err.(*rounds.Error)
			if !ok || e.Code != tt.code || e.Field != tt.field || !strings.Contains(e.Message, tt.words) {
				t.Errorf("error %v; want %s on %q saying %q", err, tt.code, tt.field, tt.words)
			}
		})
	}
}

// TestRetimeRefusesWithBreaks: on shifts that get a break, a missed
// window is told with the time the worker reaches the visit, not a
// placeholder of the break bookkeeping.
func TestRetimeRefusesWithBreaks(t *testing.T) {
	req := careRequest()
	req.Options.Break = &rounds.BreakRule{}
	_, err := Retime(context.Background(), req, flatSource{}, []Round{{WorkerID: "carer", Date: "2025-12-01", VisitIDs: []string{"late", "pinned"}}})
	const want = "the round of carer on 2025-12-01: visit pinned cannot start within its windows: carer reaches it at 19:"
	if err == nil || !strings.HasPrefix(err.Error(), want) || rounds.ErrorCode(err) != rounds.EINFEASIBLE {
		t.Errorf("error %v; want %q...", err, want)
	}
}
