package solver

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/fixtures"
	"github.com/roundsdev/rounds/geo"
)

// minuteSource makes every 0.001° of latitude or longitude one minute of
// travel, along the grid, so that hand-made days are easy to time.
type minuteSource struct{}

func (minuteSource) Matrix(_ context.Context, pts []geo.Point, _ geo.Mode) (geo.Matrix, error) {
	m := geo.NewMatrix(len(pts))
	for i, a := range pts {
		for j, b := range pts {
			m.Set(i, j, int32(60*math.Round(1000*(math.Abs(a[0]-b[0])+math.Abs(a[1]-b[1])))))
		}
	}
	return m, nil
}

// away returns a visit to a client the given minutes north (or, if
// negative, south) of Sam's home, on 2025-12-01.
func away(id string, minutes, duration int, windows ...rounds.Window) rounds.Visit {
	return rounds.Visit{ID: id, ClientID: fmt.Sprintf("c%d", minutes), Date: "2025-12-01",
		DurationMinutes: duration, Windows: windows, Priority: rounds.Routine}
}

func win(start, end string) rounds.Window {
	return rounds.Window{Start: *clock(start), End: *clock(end)}
}

// samsDay returns a request in which Sam (w1), at home from 08:00 to
// shiftEnd, may make every visit.
func samsDay(shiftEnd string, maxWork int, visits []rounds.Visit) *rounds.Request {
	home := rounds.Location{Lat: 51.5, Lon: -0.2}
	req := &rounds.Request{
		Workers: []rounds.Worker{{ID: "w1", Name: "Sam", Role: rounds.CareWorker, Start: home, TravelMode: geo.Drive,
			MaxWorkMinutes: maxWork, Shifts: []rounds.Shift{{Date: "2025-12-01", Start: rounds.At(8, 0), End: *clock(shiftEnd)}}}},
		Visits: visits,
	}
	for _, v := range visits {
		var m int
		fmt.Sscanf(v.ClientID, "c%d", &m)
		if !slices.ContainsFunc(req.Clients, func(c rounds.Client) bool { return c.ID == v.ClientID }) {
			req.Clients = append(req.Clients, rounds.Client{ID: v.ClientID, Location: rounds.Location{Lat: home.Lat + 0.001*float64(m), Lon: home.Lon}})
		}
	}
	return req
}

// handSolution returns the solution of p with the given routes (visit
// indices per vehicle; missing vehicles are empty) and every other visit
// unassigned, its travel, assignment and cost computed from scratch.
func handSolution(p *Problem, routes map[int][]int) *Solution {
	sol := &Solution{Routes: make([][]int, len(p.Vehicles))}
	on := make([]bool, len(p.Visits))
	for k, r := range routes {
		sol.Routes[k] = r
		veh := &p.Vehicles[k]
		m := p.Travel[veh.Profile]
		at := veh.Start
		for _, v := range r {
			on[v] = true
			sol.Assignment += p.preferenceCost(v, k) + p.networkCost(v, k)
			sol.Travel += int64(m.At(at, p.Visits[v].Location))
			at = p.Visits[v].Location
		}
		if len(r) > 0 {
			sol.Travel += int64(m.At(at, veh.End)) + veh.FixedCost
		}
	}
	sol.Continuity = p.continuity(sol.Routes)
	sol.Cost = sol.Travel + sol.Assignment + sol.Continuity
	for v := range p.Visits {
		if !on[v] {
			sol.Unassigned = append(sol.Unassigned, v)
			sol.Cost += p.Visits[v].Penalty
		}
	}
	return sol
}

// visitIndex returns the index of the visit with the given ID.
func visitIndex(tb testing.TB, req *rounds.Request, id string) int {
	tb.Helper()
	i := slices.IndexFunc(req.Visits, func(v rounds.Visit) bool { return v.ID == id })
	if i < 0 {
		tb.Fatalf("no visit %s", id)
	}
	return i
}

func TestExplainNamesTheOneChangeThatWorks(t *testing.T) {
	sky := rounds.Visit{ID: "x", ClientID: "c20", Date: "2025-12-01", DurationMinutes: 30, Priority: rounds.Routine, Skills: []rounds.Skill{"hoist"}}
	tomorrow := away("x", 20, 30)
	tomorrow.Date = "2025-12-02"
	double := away("x", 20, 30)
	double.WorkersNeeded = 2
	tests := []struct {
		name     string
		shiftEnd string
		maxWork  int
		visits   []rounds.Visit
		round    []string // Sam's round
		reason   string
		kind     string // "" for no suggestion
		minutes  int
		visitID  string // the suggestion's VisitID
		says     string // part of the detail
	}{
		{
			name: "shift end", shiftEnd: "10:00",
			visits: []rounds.Visit{away("a", 10, 60, win("08:00", "08:10")), away("x", 22, 30, win("09:00", "09:30"))},
			round:  []string{"a"}, reason: rounds.ReasonNoCapacity, kind: rounds.SuggestExtendShift, minutes: 15,
			says: "Nobody can fit it in: Sam (w1) could start it at 09:22, but would be back at 10:14, after their shift ends at 10:00. " +
				"Fits if Sam's shift ends 15 minutes later (10:00 → 10:15).",
		},
		{
			name: "window closes", shiftEnd: "18:00",
			visits: []rounds.Visit{away("a", 10, 60, win("08:00", "08:10")), away("x", 22, 30, win("08:30", "09:00"))},
			round:  []string{"a"}, reason: rounds.ReasonNoCapacity, kind: rounds.SuggestCloseWindowLater, minutes: 25, visitID: "x",
			says: "Sam (w1) would reach it at 09:22, after its window closes at 09:00. " +
				"Fits Sam's round if its window 08:30-09:00 closes 25 minutes later (09:00 → 09:25).",
		},
		{
			name: "window opens", shiftEnd: "12:00",
			visits: []rounds.Visit{away("x", 10, 20, win("09:30", "10:00")), away("b", 30, 30, win("10:00", "10:03"))},
			round:  []string{"b"}, reason: rounds.ReasonNoCapacity, kind: rounds.SuggestOpenWindowEarlier, minutes: 10, visitID: "x",
			says: "Sam (w1) could start it at 09:30, but would then reach b at 10:10, after its window closes at 10:03. " +
				"Fits Sam's round if its window 09:30-10:00 opens 10 minutes earlier (09:30 → 09:20).",
		},
		{
			name: "working time", shiftEnd: "18:00", maxWork: 120,
			visits: []rounds.Visit{away("a", 10, 60, win("08:00", "08:10")), away("x", 30, 30)},
			round:  []string{"a"}, reason: rounds.ReasonWorkingTime, kind: rounds.SuggestRaiseWorkCap, minutes: 30,
			says: "Sam (w1) could start it at 09:30, but would then work 2h30, over their 2h00 limit. " +
				"Fits if Sam's working-time limit is 30 minutes higher (2h00 → 2h30).",
		},
		{
			name: "unreachable", shiftEnd: "18:00",
			visits: []rounds.Visit{away("x", 30, 30, win("08:00", "08:12"))},
			reason: rounds.ReasonUnreachable, kind: rounds.SuggestCloseWindowLater, minutes: 20, visitID: "x",
			says: "No worker on shift can reach it in time: Sam (w1) would reach it at 08:30, after its window closes at 08:12. " +
				"Fits Sam's round if its window 08:00-08:12 closes 20 minutes later (08:12 → 08:32).",
		},
		{
			name: "drop a visit", shiftEnd: "11:30",
			visits: []rounds.Visit{away("a", 10, 180, win("08:00", "08:10")), away("x", -10, 180, win("08:00", "08:10"))},
			round:  []string{"a"}, reason: rounds.ReasonNoCapacity, kind: rounds.SuggestDropVisit, visitID: "a",
			says: "Fits if a (routine) comes off Sam's round.",
		},
		{
			name: "fits as it is", shiftEnd: "18:00",
			visits: []rounds.Visit{away("a", 10, 30), away("x", 20, 30)},
			round:  []string{"a"}, reason: rounds.ReasonNoCapacity, kind: rounds.SuggestAssign,
			says: "The search left it out, but it fits: Sam (w1) can start it at 08:20, as their first visit. Add it to Sam's round.",
		},
		{
			name: "no partner", shiftEnd: "18:00",
			visits: []rounds.Visit{away("a", 10, 30), double},
			round:  []string{"a"}, reason: rounds.ReasonNoPartner,
			says: "It needs two workers at once, and only one can fit it in: Sam (w1) can start it at 08:20, as their first visit.",
		},
		{
			name: "no qualified worker", shiftEnd: "18:00", visits: []rounds.Visit{sky},
			reason: rounds.ReasonNoQualifiedWorker, says: "No worker has the skills hoist.",
		},
		{
			name: "no worker on shift", shiftEnd: "18:00", visits: []rounds.Visit{tomorrow},
			reason: rounds.ReasonNoWorkerOnShift, says: "on shift on 2025-12-02",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := samsDay(tt.shiftEnd, tt.maxWork, tt.visits)
			p, err := Build(context.Background(), req, minuteSource{})
			if err != nil {
				t.Fatal(err)
			}
			var round []int
			for _, id := range tt.round {
				round = append(round, visitIndex(t, req, id))
			}
			ro, err := Roster(p, handSolution(p, map[int][]int{0: round}))
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(ro.Unassigned, func(u rounds.Unassigned) bool { return u.VisitID == "x" })
			if i < 0 {
				t.Fatalf("x is not unassigned: %+v", ro.Unassigned)
			}
			u := ro.Unassigned[i]
			if u.Reason != tt.reason || !strings.Contains(u.Detail, tt.says) {
				t.Errorf("reason %s, detail %q;\nwant %s, detail with %q", u.Reason, u.Detail, tt.reason, tt.says)
			}
			sg := u.Suggestion
			switch {
			case tt.kind == "" && sg != nil:
				t.Errorf("suggestion %+v, want none", *sg)
			case tt.kind == "":
			case sg == nil:
				t.Errorf("no suggestion, want %s", tt.kind)
			case sg.Kind != tt.kind || sg.Minutes != tt.minutes || sg.VisitID != tt.visitID || sg.WorkerID != "w1" ||
				sg.Date != "2025-12-01" || !strings.HasSuffix(u.Detail, sg.Text):
				t.Errorf("suggestion %+v, want %s of %d minutes on visit %q by w1 on 2025-12-01, its text ending the detail %q",
					*sg, tt.kind, tt.minutes, tt.visitID, u.Detail)
			}
		})
	}
}

// TestExplainNamesAPartnerChange leaves out a double-handed visit twenty
// minutes from Sam's and Alex's home: Sam has room for it, Alex's shift
// ends at 08:40, but Alex would be back at 09:10. The suggestion is the
// change to Alex's shift that pairs them.
func TestExplainNamesAPartnerChange(t *testing.T) {
	x := away("x", 20, 30)
	x.WorkersNeeded = 2
	req := samsDay("18:00", 0, []rounds.Visit{x})
	alex := req.Workers[0]
	alex.ID, alex.Name = "w2", "Alex"
	alex.Shifts = []rounds.Shift{{Date: "2025-12-01", Start: rounds.At(8, 0), End: rounds.At(8, 40)}}
	req.Workers = append(req.Workers, alex)
	p, err := Build(context.Background(), req, minuteSource{})
	if err != nil {
		t.Fatal(err)
	}
	ro, err := Roster(p, handSolution(p, nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(ro.Unassigned) != 1 {
		t.Fatalf("unassigned %+v, want x once", ro.Unassigned)
	}
	u := ro.Unassigned[0]
	want := "It needs two workers at once, and only one can fit it in: Alex (w2) could start it at 08:20, but would be back at 09:10, " +
		"after their shift ends at 08:40. Fits with Sam if Alex's shift ends 30 minutes later (08:40 → 09:10)."
	if u.Reason != rounds.ReasonNoPartner || u.Detail != want {
		t.Errorf("reason %s, detail %q;\nwant %s, %q", u.Reason, u.Detail, rounds.ReasonNoPartner, want)
	}
	if sg := u.Suggestion; sg == nil || sg.Kind != rounds.SuggestExtendShift || sg.WorkerID != "w2" || sg.PartnerID != "w1" || sg.Minutes != 30 {
		t.Errorf("suggestion %+v, want Alex's shift 30 minutes longer, partnered by Sam", sg)
	}
}

func TestScoreSumsToCost(t *testing.T) {
	req := samsDay("10:00", 0, []rounds.Visit{away("a", 10, 60, win("08:00", "08:10")), away("x", 22, 30, win("09:00", "09:30"))})
	req.Visits[1].Priority = rounds.Reablement
	p, err := Build(context.Background(), req, minuteSource{})
	if err != nil {
		t.Fatal(err)
	}
	ro, err := Roster(p, handSolution(p, map[int][]int{0: {0}}))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{
		rounds.ScoreTravel: 20 * 60, rounds.ScoreLateness: 0, rounds.ScorePreference: 0, rounds.ScoreNetwork: 0, rounds.ScoreOvertime: 0,
		rounds.ScoreContinuity:                          0,
		rounds.UnassignedScoreKey(rounds.RapidResponse): 0,
		rounds.UnassignedScoreKey(rounds.Reablement):    rounds.DefaultUnassignedPenalty[rounds.Reablement],
		rounds.UnassignedScoreKey(rounds.Routine):       0,
	}
	var sum int64
	for key, n := range ro.Totals.Score {
		sum += n
		if want[key] != n {
			t.Errorf("score[%s] = %d, want %d", key, n, want[key])
		}
	}
	if sum != ro.Totals.Cost || len(ro.Totals.Score) != len(want) {
		t.Errorf("score %v sums to %d, cost %d", ro.Totals.Score, sum, ro.Totals.Cost)
	}
}

// TestSuggestionsWorkOnGeneratedDays plans generated days, with
// double-handed and linked visits (and lunch breaks on two), and checks that every unassigned visit
// has a reason, that the score sums to the cost, and that every
// suggestion, applied to the request, lets the visit join the worker's
// round (and its partner's): some positions pass the from-scratch Check.
func TestSuggestionsWorkOnGeneratedDays(t *testing.T) {
	checked := map[string]int{}
	for seed := int64(1); seed <= 4; seed++ {
		cfg := fixtures.Small
		cfg.Seed = seed
		cfg.Days = 1 + int(seed%2)
		cfg.DoubleHanded = 0.3
		cfg.LinkedMedication = seed%2 == 0
		req, err := fixtures.Generate(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if seed > 2 {
			req.Options.Break = &rounds.BreakRule{}
		}
		p, err := Build(context.Background(), req, geo.Haversine{})
		if err != nil {
			t.Fatal(err)
		}
		sol, err := Solve(context.Background(), p, Options{Iterations: 200, Seed: seed, Threads: 1})
		if err != nil {
			t.Fatal(err)
		}
		ro, err := Roster(p, sol)
		if err != nil {
			t.Fatal(err)
		}
		var sum int64
		for _, n := range ro.Totals.Score {
			sum += n
		}
		if sum != ro.Totals.Cost || ro.Totals.Score[rounds.ScoreTravel] != int64(ro.Totals.TravelSeconds) {
			t.Errorf("seed %d: score %v sums to %d, cost %d, travel %d", seed, ro.Totals.Score, sum, ro.Totals.Cost, ro.Totals.TravelSeconds)
		}
		for _, u := range ro.Unassigned {
			if u.Reason == "" || u.Detail == "" {
				t.Errorf("seed %d: visit %s unassigned without a reason", seed, u.VisitID)
			}
			if u.Suggestion == nil {
				continue
			}
			kind := u.Suggestion.Kind
			if u.Suggestion.PartnerID != "" {
				kind += " with a partner"
			}
			checked[kind]++
			if !suggestionWorks(t, req, sol, u) {
				t.Errorf("seed %d: visit %s still does not fit after %+v", seed, u.VisitID, *u.Suggestion)
			}
		}
	}
	t.Logf("suggestions checked: %v", checked)
	if len(checked) < 3 {
		t.Errorf("suggestions of kinds %v: too few kinds were checked", checked)
	}
}

// suggestionWorks applies u's suggestion to a copy of req, builds it again
// and reports whether the visit (and, with a partner, its second half) can
// join the rounds of sol without breaking a rule.
func suggestionWorks(tb testing.TB, req *rounds.Request, sol *Solution, u rounds.Unassigned) bool {
	tb.Helper()
	sg := u.Suggestion
	changed := *req
	changed.Workers = slices.Clone(req.Workers)
	changed.Visits = slices.Clone(req.Visits)
	wi := slices.IndexFunc(changed.Workers, func(w rounds.Worker) bool { return w.ID == sg.WorkerID })
	w := &changed.Workers[wi]
	w.Shifts = slices.Clone(w.Shifts)
	sh := &w.Shifts[slices.IndexFunc(w.Shifts, func(s rounds.Shift) bool { return s.Date == sg.Date })]
	d := rounds.Clock(sg.Minutes * 60)
	switch sg.Kind {
	case rounds.SuggestExtendShift:
		sh.End += d
	case rounds.SuggestRaiseWorkCap:
		if sh.MaxWorkMinutes == 0 {
			sh.MaxWorkMinutes = w.MaxWorkMinutes
		}
		sh.MaxWorkMinutes += sg.Minutes
	case rounds.SuggestOpenWindowEarlier, rounds.SuggestCloseWindowLater:
		v := &changed.Visits[visitIndex(tb, req, sg.VisitID)]
		v.Windows = slices.Clone(v.Windows)
		if len(v.Windows) == 0 {
			v.Windows = []rounds.Window{rounds.ServiceHours}
		}
		if sg.Kind == rounds.SuggestOpenWindowEarlier {
			v.Windows[sg.Window].Start -= d
		} else {
			v.Windows[sg.Window].End += d
		}
	}
	p, err := Build(context.Background(), &changed, geo.Haversine{})
	if err != nil {
		tb.Fatalf("suggestion %+v makes a bad request: %v", *sg, err)
	}
	routes := map[int][]int{}
	for k, r := range sol.Routes {
		routes[k] = slices.Clone(r)
		if sg.Kind == rounds.SuggestDropVisit {
			routes[k] = slices.DeleteFunc(routes[k], func(v int) bool { return v == visitIndex(tb, req, sg.VisitID) })
		}
	}
	v := visitIndex(tb, req, u.VisitID)
	k, mate, second := vehicleOf(tb, p, sg.WorkerID, sg.Date), -1, -1
	if sg.PartnerID != "" {
		mate = vehicleOf(tb, p, sg.PartnerID, sg.Date)
		for _, l := range p.Links {
			if l.Pair && l.From == v {
				second = l.To
			}
		}
	}
	r, r2 := routes[k], routes[max(mate, 0)]
	for pos := 0; pos <= len(r); pos++ {
		routes[k] = slices.Insert(slices.Clone(r), pos, v)
		if mate < 0 {
			if p.Check(handSolution(p, routes)) == nil {
				return true
			}
			continue
		}
		for pos2 := 0; pos2 <= len(r2); pos2++ {
			routes[mate] = slices.Insert(slices.Clone(r2), pos2, second)
			if p.Check(handSolution(p, routes)) == nil {
				return true
			}
		}
	}
	return false
}

// vehicleOf returns the vehicle of a worker's shift on date.
func vehicleOf(tb testing.TB, p *Problem, workerID string, date rounds.Date) int {
	tb.Helper()
	for k := range p.Vehicles {
		if w := &p.meta.req.Workers[p.meta.vehWorker[k]]; w.ID == workerID && w.Shifts[p.meta.vehShift[k]].Date == date {
			return k
		}
	}
	tb.Fatalf("no shift of %s on %s", workerID, date)
	return -1
}

func BenchmarkExplainArea(b *testing.B) {
	req, err := fixtures.Generate(fixtures.Area)
	if err != nil {
		b.Fatal(err)
	}
	p, err := Build(context.Background(), req, geo.Haversine{})
	if err != nil {
		b.Fatal(err)
	}
	sol, err := Solve(context.Background(), p, Options{Iterations: 2000, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	kinds := map[string]int{}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		clear(kinds)
		ex := newExplainer(p, sol)
		for _, v := range sol.Unassigned {
			u := ex.explain(v)
			if u.Suggestion != nil {
				kinds[u.Suggestion.Kind]++
			}
		}
	}
	b.ReportMetric(float64(len(sol.Unassigned)), "unassigned")
	for kind, n := range kinds {
		b.ReportMetric(float64(n), kind)
	}
}
