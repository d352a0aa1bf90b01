package solver

import (
	"context"
	"strings"
	"testing"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/fixtures"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/validate"
)

// TestBreakOnSamsDay plans Sam's day, 08:00-16:00, with and without the
// default break (30 minutes starting 12:00-13:30), clients 10 minutes
// from home.
func TestBreakOnSamsDay(t *testing.T) {
	tests := []struct {
		name   string
		visits []rounds.Visit
		// with the break: the starts of the visits made, and when the
		// break starts ("" when the route is empty)
		starts []string
		brk    string
		// without the break, the starts
		plain []string
	}{
		{
			name:   "the break shifts a visit",
			visits: []rounds.Visit{away("x", 10, 60, win("12:00", "13:00")), away("y", 10, 60, win("13:00", "13:45"))},
			starts: []string{"12:00", "13:30"}, brk: "13:00",
			plain: []string{"12:00", "13:00"},
		},
		{
			name:   "the break leaves a visit out",
			visits: []rounds.Visit{away("x", 10, 120, win("11:50", "12:10"))},
			plain:  []string{"11:50"},
		},
		{
			name:   "the break fills a wait and costs nothing",
			visits: []rounds.Visit{away("a", 10, 60, win("09:00", "09:00")), away("b", 10, 60, win("13:00", "13:00"))},
			starts: []string{"09:00", "13:00"}, brk: "12:00",
			plain: []string{"09:00", "13:00"},
		},
		{
			name:   "the break follows the last visit",
			visits: []rounds.Visit{away("a", 10, 60, win("12:20", "12:20"))},
			starts: []string{"12:20"}, brk: "13:20",
			plain: []string{"12:20"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := samsDay("16:00", 0, tt.visits)
			plain := planChecked(t, req)
			req.Options.Break = &rounds.BreakRule{}
			ro := planChecked(t, req)
			for _, c := range []struct {
				ro    *rounds.Roster
				want  []string
				brk   string
				label string
			}{{plain, tt.plain, "", "without"}, {ro, tt.starts, tt.brk, "with"}} {
				rt := c.ro.Routes[0]
				var got []string
				for _, s := range rt.Stops {
					got = append(got, s.Start.String())
				}
				if strings.Join(got, " ") != strings.Join(c.want, " ") {
					t.Errorf("%s the break: starts %v, want %v", c.label, got, c.want)
				}
				gotBrk := ""
				if rt.Break != nil {
					gotBrk = rt.Break.Start.String()
				}
				if gotBrk != c.brk {
					t.Errorf("%s the break: break at %q, want %q", c.label, gotBrk, c.brk)
				}
			}
			for _, u := range ro.Unassigned {
				if u.Suggestion != nil && u.Suggestion.Kind == rounds.SuggestAssign {
					t.Errorf("%s is said to fit as the round is, but the break leaves no room: %s", u.VisitID, u.Detail)
				}
			}
			if len(tt.starts) == len(tt.plain) && ro.Totals.TravelSeconds != plain.Totals.TravelSeconds {
				t.Errorf("travel %d s with the break, %d s without: where the break is taken costs no travel", ro.Totals.TravelSeconds, plain.Totals.TravelSeconds)
			}
		})
	}
}

// breakProblem is randomProblem(seed) with a break of 300 starting in
// 3000-4500 for every other vehicle.
func breakProblem(tb testing.TB, seed int64, visits, vehicles int) *Problem {
	tb.Helper()
	p := randomProblem(tb, seed, visits, vehicles)
	vs := append([]Vehicle(nil), p.Vehicles...)
	for k := range vs {
		if k%2 == 0 {
			vs[k].Break = Break{Duration: 300, Window: Window{3000, 4500}}
		}
	}
	q, err := NewProblem(p.Travel, vs, p.Visits)
	if err != nil {
		tb.Fatal(err)
	}
	return q
}

// fitsByHand reports whether vehicle k can serve visits r in order,
// trying its break in every gap: the route's rules spelled out, sharing
// nothing with the labels.
func fitsByHand(p *Problem, k int, r []int32) bool {
	veh := &p.Vehicles[k]
	var work, load int32
	at := int32(veh.Start)
	for _, v := range r {
		work += p.travel(k, at, p.loc[v]) + p.dur[v]
		load += p.demand[v]
		at = p.loc[v]
	}
	work += p.travel(k, at, int32(veh.End))
	if len(r) == 0 {
		return true
	}
	if work > p.maxWork[k] || load > p.capacity[k] {
		return false
	}
	gaps := []int{-1}
	if veh.Break.Duration > 0 {
		gaps = gaps[:0]
		for g := 0; g <= len(r); g++ {
			gaps = append(gaps, g)
		}
	}
	for _, g := range gaps {
		t, at, ok := veh.Earliest, int32(veh.Start), true
		for i := 0; i <= len(r) && ok; i++ {
			if i == g {
				b := max(t, veh.Break.Window.Start)
				ok = b <= veh.Break.Window.End
				t = b + veh.Break.Duration
			}
			if i == len(r) {
				t += p.travel(k, at, int32(veh.End))
				break
			}
			v := r[i]
			s, fits := p.earliestStart(v, t+p.travel(k, at, p.loc[v]))
			ok = ok && fits
			t, at = s+p.dur[v], p.loc[v]
		}
		if ok && t <= veh.Latest {
			return true
		}
	}
	return false
}

// TestBreakInsertionIsExact compares the O(1) insertion check of routes
// with breaks against trying every place for the break by hand, and
// checks that solutions pass Check.
func TestBreakInsertionIsExact(t *testing.T) {
	checked, fit := 0, 0
	for seed := int64(1); seed <= 6; seed++ {
		p := breakProblem(t, seed, 60, 6)
		sol, err := Solve(context.Background(), p, Options{Iterations: 200, Seed: seed, Threads: 1})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Check(sol); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		s := newState(p)
		s.regret()
		for k := range s.routes {
			r := &s.routes[k]
			if !fitsByHand(p, k, r.visits) {
				t.Fatalf("seed %d: route %d %v does not fit by hand", seed, k, r.visits)
			}
			for k2 := range s.routes { // a's head joined to b's tail, on a's vehicle
				b := &s.routes[k2]
				for i := 0; i <= r.size(); i++ {
					for j := 1; j <= b.last(); j++ {
						seq := append(append([]int32(nil), r.visits[:i]...), b.visits[j-1:]...)
						allowed := true
						for _, v := range seq {
							allowed = allowed && p.Allowed(int(v), k)
						}
						_, got := p.chain(r, i, nil, b, j)
						if want := allowed && fitsByHand(p, k, seq); got != want {
							t.Fatalf("seed %d: head %d of route %d, tail %d of route %d: chain %v, by hand %v", seed, i, k, j, k2, got, want)
						}
					}
				}
			}
			for v := int32(0); v < int32(p.NumVisits()); v++ {
				if s.routeOf[v] == int32(k) || !p.Allowed(int(v), k) {
					continue
				}
				for pos := 0; pos <= r.size(); pos++ {
					seq := append(append(append([]int32(nil), r.visits[:pos]...), v), r.visits[pos:]...)
					_, got := r.insertDelta(p, v, pos)
					_, chained := p.chain(r, pos, []int32{v}, r, pos+1)
					want := fitsByHand(p, k, seq)
					if got != want || chained != want {
						t.Fatalf("seed %d: %d into route %d at %d: insertDelta %v, chain %v, by hand %v", seed, v, k, pos, got, chained, want)
					}
					checked++
					if want {
						fit++
					}
				}
			}
		}
	}
	if fit == 0 || fit == checked {
		t.Errorf("%d of %d insertions fit: the test shows nothing", fit, checked)
	}
	t.Logf("%d of %d insertions fit", fit, checked)
}

// TestCheckCatchesMissingBreak: a route whose only visit leaves no room
// for the break (neither before, which makes it late, nor after, when the
// window has passed) is refused; with a wider window it is accepted.
func TestCheckCatchesMissingBreak(t *testing.T) {
	m := geo.NewMatrix(2)
	m.Set(0, 1, 10)
	m.Set(1, 0, 10)
	for _, tt := range []struct {
		name string
		end  int32 // of the break window
		ok   bool
	}{{"no room", 200, false}, {"room after the visit", 600, true}} {
		t.Run(tt.name, func(t *testing.T) {
			vs := []Vehicle{{Latest: 2000, Break: Break{Duration: 100, Window: Window{0, tt.end}}}}
			p, err := NewProblem([]geo.Matrix{m}, vs, []Visit{{Location: 1, Duration: 500, Windows: []Window{{0, 10}}, Penalty: 1}})
			if err != nil {
				t.Fatal(err)
			}
			err = p.Check(&Solution{Routes: [][]int{{0}}, Cost: 20, Travel: 20})
			if (err == nil) != tt.ok || err != nil && !strings.Contains(err.Error(), "no break") {
				t.Errorf("Check = %v, want ok %v", err, tt.ok)
			}
		})
	}
}

// TestBreakMoveLoopDoesNotAllocate runs ruin and recreate and local
// search on a problem with breaks and overtime.
func TestBreakMoveLoopDoesNotAllocate(t *testing.T) {
	p := breakProblem(t, 3, 80, 6)
	s := newState(p)
	s.regret()
	checkNoAllocs(t, s, 20)
}

// TestBreaksOnGeneratedDay plans a generated day (no links or
// double-handed visits) with and without the default breaks: both pass
// the validator, and the breaks cost some coverage or travel, never less.
func TestBreaksOnGeneratedDay(t *testing.T) {
	cfg := fixtures.Small
	cfg.Seed = 1
	req, err := fixtures.Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	plan := func(brk *rounds.BreakRule) *rounds.Roster {
		req.Options.Break = brk
		req.Options.Iterations, req.Options.Threads, req.Options.Seed = 300, 1, 1
		ro, err := (&Planner{Source: geo.Haversine{}}).Plan(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		viol, err := validate.Roster(context.Background(), req, ro, geo.Haversine{})
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range viol {
			t.Errorf("break %v: %s", brk != nil, v)
		}
		return ro
	}
	plain, ro := plan(nil), plan(&rounds.BreakRule{})
	breaks := 0
	for _, rt := range ro.Routes {
		if rt.Break != nil {
			breaks++
		}
	}
	t.Logf("without breaks: %d of %d visits, travel %d s; with: %d, travel %d s, %d breaks",
		plain.Totals.Assigned, plain.Totals.Visits, plain.Totals.TravelSeconds, ro.Totals.Assigned, ro.Totals.TravelSeconds, breaks)
	if breaks == 0 {
		t.Error("no route has a break: the test shows nothing")
	}
}

// TestBreaksWithPairsAndLinks plans a generated day with double-handed
// visits, linked medication visits and the default breaks: the roster
// passes the validator, serves pairs and links, and every route whose
// shift gets a break has one inside the window; the validator reports a
// missing break, and one moved outside the window, as RuleBreak.
func TestBreaksWithPairsAndLinks(t *testing.T) {
	cfg := fixtures.Small
	cfg.Seed, cfg.DoubleHanded, cfg.LinkedMedication = 1, 0.3, true
	req, err := fixtures.Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	req.Options.Break = &rounds.BreakRule{}
	req.Options.Iterations, req.Options.Threads, req.Options.Seed = 300, 1, 1
	ro, err := (&Planner{Source: geo.Haversine{}}).Plan(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	assertValid(t, req, ro, geo.Haversine{})
	visits := map[string]*rounds.Visit{}
	for i := range req.Visits {
		visits[req.Visits[i].ID] = &req.Visits[i]
	}
	workers := map[string]*rounds.Worker{}
	for i := range req.Workers {
		workers[req.Workers[i].ID] = &req.Workers[i]
	}
	w, n := req.Options.Break.Span(), rounds.Clock(req.Options.Break.Length())
	served := map[string]int{}
	breaks := -1
	for i, rt := range ro.Routes {
		for _, st := range rt.Stops {
			served[st.VisitID]++
		}
		var shift rounds.Shift
		for _, s := range workers[rt.WorkerID].Shifts {
			if s.Date == rt.Date {
				shift = s
			}
		}
		needs := len(rt.Stops) > 0 && req.Options.Break.Needs(&shift)
		switch b := rt.Break; {
		case needs && b == nil:
			t.Errorf("%s on %s has no break", rt.WorkerID, rt.Date)
		case !needs && b != nil:
			t.Errorf("%s on %s has a break it does not need", rt.WorkerID, rt.Date)
		case b != nil && (b.Start < w.Start || b.End > w.End || b.End-b.Start != n):
			t.Errorf("%s on %s has the break %s-%s, want %s inside %s", rt.WorkerID, rt.Date, b.Start, b.End, n, w)
		case b != nil && breaks < 0:
			breaks = i
		}
	}
	pairs, links := 0, 0
	for id, times := range served {
		v := visits[id]
		if v.Workers() == 2 && times == 2 {
			pairs++
		}
		for _, l := range v.Links {
			if served[l.VisitID] > 0 {
				links++
			}
		}
	}
	t.Logf("%d of %d visits, %d pairs and %d links served, travel %d s", ro.Totals.Assigned, ro.Totals.Visits, pairs, links, ro.Totals.TravelSeconds)
	if breaks < 0 || pairs == 0 || links == 0 {
		t.Fatalf("first break on route %d, %d pairs and %d links served: the test shows nothing", breaks, pairs, links)
	}
	rt := &ro.Routes[breaks]
	for _, tt := range []struct {
		name string
		brk  *rounds.BreakTime
	}{
		{"missing", nil},
		{"outside its window", &rounds.BreakTime{Start: w.End, End: w.End + n}},
	} {
		rt.Break = tt.brk
		viol, err := validate.Roster(context.Background(), req, ro, geo.Haversine{})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, v := range viol {
			found = found || v.Rule == validate.RuleBreak && v.WorkerID == rt.WorkerID
		}
		if !found {
			t.Errorf("break %s: violations %v, want %s for %s", tt.name, viol, validate.RuleBreak, rt.WorkerID)
		}
	}
}
