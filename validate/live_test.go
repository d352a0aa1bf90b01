package validate_test

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/roundsdev/rounds/benchmarks"
	"slices"
	"testing"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/solver"
	"github.com/roundsdev/rounds/validate"
)

// boroughDay plans a generated borough day with every care rule at 60%
// load, bounded by iterations so that it is the same on every run.
func boroughDay(tb testing.TB) (*rounds.Request, *rounds.Roster) {
	tb.Helper()
	d, err := benchmarks.NewLiveDay(context.Background(), benchmarks.LiveDayOptions{Size: "borough", Seed: 1, Load: 0.6, Iterations: 3000})
	if err != nil {
		tb.Fatal(err)
	}
	return d.Request, d.Roster
}

// liveCase is a live day on the borough roster: its events at 11:00 and
// the visits and worker they touch.
type liveCase struct {
	req    *rounds.Request
	plan   *rounds.Roster
	at     rounds.Clock
	events []rounds.Event
	// late finished 20 minutes over; early started 10 minutes before its
	// planned start; cancelled is a visit planned after at; sick is the
	// worker unavailable from off.
	late, early, noAccess, cancelled string
	// pair is a double-handed visit finished 5 minutes early;
	// underWay a visit started at its planned start and not finished by at.
	pair, underWay string
	sick           string
	off, lateEnd   rounds.Clock
}

// single reports whether visit id needs one worker.
func single(req *rounds.Request, id string) bool {
	for i := range req.Visits {
		if req.Visits[i].ID == id {
			return req.Visits[i].Workers() == 1
		}
	}
	return false
}

// newLiveCase picks, on distinct rounds of the plan, a first stop that
// ends before 10:30 (the late finish), a first stop starting after 08:30
// (the early start), a first stop before 10:30 (not reached), a visit
// planned after 13:00 and a worker out before 10:30 with visits after 12:00
// (off sick from 10:30), on a round that started by 10:00 (cancelled
// then); all single-handed.
func newLiveCase(tb testing.TB) *liveCase {
	tb.Helper()
	req, r := boroughDay(tb)
	lc := &liveCase{req: req, plan: r, at: rounds.At(11, 0), off: rounds.At(10, 30)}
	date := r.Routes[0].Date
	used := map[string]bool{}
	ev := func(kind rounds.EventKind, at rounds.Clock, visit, worker string) {
		lc.events = append(lc.events, rounds.Event{ID: fmt.Sprintf("e%d", len(lc.events)+1), Kind: kind, Date: date, At: at, VisitID: visit, WorkerID: worker})
	}
	for i := range r.Routes {
		rt := &r.Routes[i]
		if len(rt.Stops) < 3 || !single(req, rt.Stops[0].VisitID) {
			continue
		}
		first := rt.Stops[0]
		switch {
		case lc.late == "" && first.End <= rounds.At(10, 0) && rt.Stops[1].Start >= first.End+30*60:
			lc.late = first.VisitID
			ev(rounds.EventVisitStarted, first.Start, first.VisitID, rt.WorkerID)
			lc.lateEnd = first.End + 20*60
			ev(rounds.EventVisitFinished, lc.lateEnd, first.VisitID, "")
		case lc.early == "" && first.Start >= rounds.At(8, 40) && first.End <= rounds.At(10, 30):
			lc.early = first.VisitID
			ev(rounds.EventVisitStarted, first.Start-10*60, first.VisitID, rt.WorkerID)
			ev(rounds.EventVisitFinished, first.End-5*60, first.VisitID, rt.WorkerID)
		case lc.noAccess == "" && first.End <= rounds.At(10, 30):
			lc.noAccess = first.VisitID
			ev(rounds.EventNoAccess, first.Start, first.VisitID, rt.WorkerID)
		case lc.sick == "" && first.Start < lc.off && rt.Stops[len(rt.Stops)-1].Start > rounds.At(12, 0):
			lc.sick = rt.WorkerID
			ev(rounds.EventWorkerUnavailable, lc.off, "", rt.WorkerID)
		default:
			continue
		}
		used[rt.WorkerID] = true
	}
	for i := range r.Routes {
		rt := &r.Routes[i]
		if lc.cancelled != "" || used[rt.WorkerID] || len(rt.Stops) == 0 || rt.Stops[0].Start > rounds.At(10, 0) {
			continue
		}
		for _, s := range rt.Stops {
			if s.Start > rounds.At(13, 0) && single(req, s.VisitID) {
				lc.cancelled = s.VisitID
				ev(rounds.EventVisitCancelled, rounds.At(10, 0), s.VisitID, "")
				break
			}
		}
	}
	for i := range r.Routes {
		rt := &r.Routes[i]
		if used[rt.WorkerID] {
			continue
		}
		for j, s := range rt.Stops {
			end := s.End
			if j+1 < len(rt.Stops) {
				end = rt.Stops[j+1].Arrival - rounds.Clock(rt.Stops[j+1].TravelSeconds)
			}
			switch {
			case lc.underWay == "" && single(req, s.VisitID) && s.Start < lc.at-10*60 && s.End > lc.at:
				lc.underWay = s.VisitID
				ev(rounds.EventVisitStarted, s.Start, s.VisitID, rt.WorkerID)
			case lc.pair == "" && !single(req, s.VisitID) && end < lc.at-15*60:
				lc.pair = s.VisitID
				ev(rounds.EventVisitStarted, s.Start, s.VisitID, "")
				ev(rounds.EventVisitFinished, s.End-5*60, s.VisitID, "")
			default:
				continue
			}
			used[rt.WorkerID] = true
			break
		}
	}
	if lc.late == "" || lc.early == "" || lc.noAccess == "" || lc.sick == "" || lc.cancelled == "" || lc.pair == "" || lc.underWay == "" {
		tb.Fatalf("the borough day lacks a round for an event: late %q early %q no access %q sick %q cancelled %q pair %q under way %q", lc.late, lc.early, lc.noAccess, lc.sick, lc.cancelled, lc.pair, lc.underWay)
	}
	return lc
}

// merged returns the whole-day roster of the live day, its free rounds
// kept as they are.
func (lc *liveCase) merged(tb testing.TB) *rounds.Roster {
	tb.Helper()
	state, err := rounds.LiveDay(lc.req, lc.plan, lc.plan.Routes[0].Date, lc.events, lc.at)
	if err != nil {
		tb.Fatal(err)
	}
	out, err := solver.LiveRoster(context.Background(), lc.req, lc.plan, state, geo.Haversine{}, solver.FreeRounds(lc.req, state))
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// check validates r as the live day's roster.
func (lc *liveCase) check(tb testing.TB, r *rounds.Roster) []validate.Violation {
	tb.Helper()
	vs, err := validate.Roster(context.Background(), lc.req, r, geo.Haversine{}, validate.Events(lc.events, lc.at), validate.Published(lc.plan))
	if err != nil {
		tb.Fatal(err)
	}
	return vs
}

// copyRoster returns a deep copy of r.
func copyRoster(tb testing.TB, r *rounds.Roster) *rounds.Roster {
	tb.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		tb.Fatal(err)
	}
	var out rounds.Roster
	if err := json.Unmarshal(b, &out); err != nil {
		tb.Fatal(err)
	}
	return &out
}

// routeOf returns the route of worker in r.
func routeOf(tb testing.TB, r *rounds.Roster, worker string) *rounds.Route {
	tb.Helper()
	for i := range r.Routes {
		if r.Routes[i].WorkerID == worker {
			return &r.Routes[i]
		}
	}
	tb.Fatalf("no route for %s", worker)
	return nil
}

// stopOf returns the route and index of visit id in r.
func stopOf(tb testing.TB, r *rounds.Roster, id string) (*rounds.Route, int) {
	tb.Helper()
	for i := range r.Routes {
		for j, s := range r.Routes[i].Stops {
			if s.VisitID == id {
				return &r.Routes[i], j
			}
		}
	}
	tb.Fatalf("visit %s is on no round", id)
	return nil, 0
}

// TestLiveRoster: the live roster LiveRoster builds after late and early
// visits, a visit not reached, a cancellation and a worker off sick is
// valid as a live day, costed as Score costs it; and each way of breaking
// the live day is caught by its rule.
func TestLiveRoster(t *testing.T) {
	lc := newLiveCase(t)
	ctx := context.Background()
	merged := lc.merged(t)
	for _, v := range lc.check(t, merged) {
		t.Errorf("live roster: %v", v)
	}
	self, err := validate.Roster(ctx, lc.req, merged, geo.Haversine{}, validate.Events(lc.events, lc.at))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range self {
		t.Errorf("live roster as its own published roster: %v", v)
	}
	opts := []validate.Option{validate.Events(lc.events, lc.at), validate.Published(lc.plan)}
	cost, _, err := validate.Score(ctx, lc.req, merged, geo.Haversine{}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if cost != merged.Totals.Cost {
		t.Errorf("Score with the events costs the live roster %d, its totals %d", cost, merged.Totals.Cost)
	}
	if rt, j := stopOf(t, merged, lc.late); rt.Stops[j].End != lc.lateEnd {
		t.Errorf("the late visit %s ends %s on the live roster, reported %s", lc.late, rt.Stops[j].End, lc.lateEnd)
	}
	if plain, err := validate.Roster(ctx, lc.req, merged, geo.Haversine{}); err != nil || len(plain) == 0 {
		t.Errorf("without the events the live roster breaks no rule (%v): the live rules were not needed", err)
	}

	// free returns a stop an hour after at, not of the sick worker nor
	// of worker not.
	free := func(tb testing.TB, r *rounds.Roster, not string) (*rounds.Route, int) {
		tb.Helper()
		for i := range r.Routes {
			rt := &r.Routes[i]
			for j, s := range rt.Stops {
				if s.Start >= lc.at+3600 && rt.WorkerID != lc.sick && rt.WorkerID != not && single(lc.req, s.VisitID) {
					return rt, j
				}
			}
		}
		tb.Fatal("no free stop")
		return nil, 0
	}
	cases := []struct {
		name   string
		rule   string
		mutate func(tb testing.TB, r *rounds.Roster)
	}{
		{"done stop moved", validate.RuleActual, func(tb testing.TB, r *rounds.Roster) {
			rt, j := stopOf(tb, r, lc.late)
			s := &rt.Stops[j]
			s.Arrival, s.Start, s.End = s.Arrival-15*60, s.Start-15*60, s.End-15*60
		}},
		{"done stop on another round", validate.RuleFrozen, func(tb testing.TB, r *rounds.Roster) {
			rt, j := stopOf(tb, r, lc.early)
			other, k := free(tb, r, rt.WorkerID)
			s := rt.Stops[j]
			rt.Stops = slices.Delete(rt.Stops, j, j+1)
			other.Stops = slices.Insert(other.Stops, k, s)
		}},
		{"free stop before at", validate.RulePast, func(tb testing.TB, r *rounds.Roster) {
			rt, j := free(tb, r, "")
			s := &rt.Stops[j]
			shift := s.Start - (lc.at - 20*60)
			s.Arrival, s.Start, s.End = s.Arrival-shift, s.Start-shift, s.End-shift
		}},
		{"cancelled visit on a round", validate.RuleCancelled, func(tb testing.TB, r *rounds.Roster) {
			rt, j := free(tb, r, "")
			s := rt.Stops[j]
			s.VisitID = lc.cancelled
			rt.Stops = slices.Insert(rt.Stops, j, s)
		}},
		{"visit given to the sick worker", validate.RuleUnavailable, func(tb testing.TB, r *rounds.Roster) {
			rt, j := free(tb, r, "")
			s := rt.Stops[j]
			rt.Stops = slices.Delete(rt.Stops, j, j+1)
			sick := routeOf(tb, r, lc.sick)
			sick.Stops = append(sick.Stops, s)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := copyRoster(t, merged)
			tc.mutate(t, r)
			vs := lc.check(t, r)
			if !slices.ContainsFunc(vs, func(v validate.Violation) bool { return v.Rule == tc.rule }) {
				t.Errorf("no %s violation among %d: %v", tc.rule, len(vs), vs)
			}
		})
	}
}

// TestLiveRosterPositions: at 12:45, with breaks taken, and at 11:00,
// with workers reporting where they are five minutes before, the live
// roster is valid once costed by Score with the events; the stop after a
// reported position is reached from it, leaving no earlier than the time
// reported: without the positions the travel breaks.
func TestLiveRosterPositions(t *testing.T) {
	left := 0
	for _, at := range []rounds.Clock{rounds.At(11, 0), rounds.At(11, 50), rounds.At(12, 45), rounds.At(14, 30)} {
		t.Run(at.String(), func(t *testing.T) { left += livePositions(t, at) })
	}
	if left == 0 {
		t.Error("no round leaves a reported position at the time reported: the departure time of a position is not tested")
	}
}

// livePositions checks the live day at at with up to five workers
// reporting their position at at less five minutes, and returns how many
// of them leave it when reported (rather than after a break).
func livePositions(t *testing.T, at rounds.Clock) int {
	lc := newLiveCase(t)
	ctx := context.Background()
	lc.at = at
	// the visit under way at 11:00 finished as planned
	rt, j := stopOf(t, lc.plan, lc.underWay)
	lc.events = append(lc.events, rounds.Event{ID: "f-" + lc.underWay, Kind: rounds.EventVisitFinished, Date: rt.Date, At: rt.Stops[j].End, VisitID: lc.underWay})
	date := lc.plan.Routes[0].Date
	state, err := rounds.LiveDay(lc.req, lc.plan, date, lc.events, lc.at)
	if err != nil {
		t.Fatal(err)
	}
	events := slices.Clone(lc.events)
	posAt := at - 5*60
	var moved []string
	for _, lr := range state.Rounds {
		if len(lr.Frozen) == 0 || len(lr.Free) == 0 || lr.Frozen[len(lr.Frozen)-1].End > posAt-10*60 || lr.WorkerID == lc.sick {
			continue
		}
		next, k := stopOf(t, lc.plan, lr.Free[0])
		loc := next.Stops[k].Location // already at the next visit
		lc.events = append(lc.events, rounds.Event{ID: "p-" + lr.WorkerID, Kind: rounds.EventWorkerPosition, Date: date,
			At: posAt, WorkerID: lr.WorkerID, Location: &loc})
		moved = append(moved, lr.WorkerID)
		if len(moved) == 5 {
			break
		}
	}
	if len(moved) == 0 {
		t.Fatalf("no worker free at %s with visits left", posAt-10*60)
	}
	merged := lc.merged(t)
	opts := []validate.Option{validate.Events(lc.events, lc.at), validate.Published(lc.plan)}
	if merged.Totals.Cost, merged.Totals.Score, err = validate.Score(ctx, lc.req, merged, geo.Haversine{}, opts...); err != nil {
		t.Fatal(err)
	}
	for _, v := range lc.check(t, merged) {
		t.Errorf("live roster with positions %v: %v", moved, v)
	}
	vs, err := validate.Roster(ctx, lc.req, merged, geo.Haversine{}, validate.Events(events, lc.at), validate.Published(lc.plan))
	if err != nil {
		t.Fatal(err)
	}
	left := 0 // rounds that leave the position when reported
	for _, w := range moved {
		if !slices.ContainsFunc(vs, func(v validate.Violation) bool { return v.Rule == validate.RuleTravel && v.WorkerID == w }) {
			t.Errorf("without its position, worker %s's next leg is not from elsewhere: %v", w, vs)
		}
		rt := routeOf(t, merged, w)
		for _, s := range rt.Stops {
			if s.Start >= lc.at {
				if s.Arrival-rounds.Clock(s.TravelSeconds) == posAt {
					left++
				}
				break
			}
		}
	}
	t.Logf("positions of %v, %d left when reported", moved, left)
	return left
}
