package api

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/validate"
)

// Edit is a manual change to the latest version of a roster, the body of
// POST .../rosters/{roster}/edits. The result is checked by the
// independent validator and stored as the next version only if it breaks
// no hard rule.
type Edit struct {
	// Version is the version edited; it must be the latest.
	Version int `json:"version"`
	// Op is "move" (give the visit to a worker) or "pin" (move it and fix
	// it there, at Start if given, for later plans too).
	Op       string `json:"op"`
	VisitID  string `json:"visitId"`
	WorkerID string `json:"workerId"`
	// Position is where in the worker's round the visit goes, from 0;
	// nil puts it last.
	Position *int `json:"position,omitempty"`
	// Start fixes the start of a pinned visit.
	Start *rounds.Clock `json:"start,omitempty"`
}

// apply returns the next version of cur with the edit made, its routes
// re-timed with travel times from src, and its totals, cost, score and
// continuity worked out again.
func (e *Edit) apply(ctx context.Context, cur *rounds.RosterVersion, src geo.Source) (*rounds.RosterVersion, error) {
	if e.Op != "move" && e.Op != "pin" {
		return nil, rounds.Invalid("op", e.Op, "want move or pin")
	}
	if e.Start != nil && e.Op != "pin" {
		return nil, rounds.Invalid("start", *e.Start, "only a pin takes a start time")
	}
	next, err := deepCopy(cur)
	if err != nil {
		return nil, err
	}
	next.Version, next.Status = cur.Version+1, rounds.RosterDraft
	req, r := next.Request, next.Roster
	vi := slices.IndexFunc(req.Visits, func(v rounds.Visit) bool { return v.ID == e.VisitID })
	if vi < 0 {
		return nil, rounds.Invalid("visitId", e.VisitID, "the roster plans no such visit")
	}
	visit := &req.Visits[vi]
	if visit.Workers() > 1 {
		return nil, rounds.Invalid("visitId", e.VisitID, "a double-handed visit is re-planned, not moved by hand")
	}
	wi := slices.IndexFunc(req.Workers, func(w rounds.Worker) bool { return w.ID == e.WorkerID })
	if wi < 0 {
		return nil, rounds.Invalid("workerId", e.WorkerID, "the roster has no such worker")
	}
	worker := &req.Workers[wi]
	if e.Op == "pin" {
		visit.Pin = &rounds.Pin{WorkerID: worker.ID, Start: e.Start}
		next.Note = fmt.Sprintf("pin %s to %s", visit.ID, worker.ID)
	} else {
		next.Note = fmt.Sprintf("move %s to %s", visit.ID, worker.ID)
	}

	var touched []int
	for ri := range r.Routes {
		rt := &r.Routes[ri]
		if si := slices.IndexFunc(rt.Stops, func(s rounds.Stop) bool { return s.VisitID == visit.ID }); si >= 0 {
			rt.Stops = slices.Delete(rt.Stops, si, si+1)
			touched = append(touched, ri)
		}
	}
	r.Unassigned = slices.DeleteFunc(r.Unassigned, func(u rounds.Unassigned) bool { return u.VisitID == visit.ID })
	client := slices.IndexFunc(req.Clients, func(c rounds.Client) bool { return c.ID == visit.ClientID })
	if client < 0 {
		return nil, rounds.Invalid("visitId", e.VisitID, "the visit's client is not in the roster")
	}
	stop := rounds.Stop{VisitID: visit.ID, ClientID: visit.ClientID, Location: req.Clients[client].Location, Priority: visit.Priority}

	ri := slices.IndexFunc(r.Routes, func(rt rounds.Route) bool { return rt.WorkerID == worker.ID && rt.Date == visit.Date })
	if ri < 0 {
		r.Routes = append(r.Routes, rounds.Route{WorkerID: worker.ID, Date: visit.Date, TravelMode: worker.TravelMode,
			Start: worker.Start, End: worker.EndLocation(), Stops: []rounds.Stop{}})
		ri = len(r.Routes) - 1
	}
	rt := &r.Routes[ri]
	pos := len(rt.Stops)
	if e.Position != nil {
		if *e.Position < 0 || *e.Position > len(rt.Stops) {
			return nil, rounds.Invalid("position", *e.Position, "want 0 to %d", len(rt.Stops))
		}
		pos = *e.Position
	}
	rt.Stops = slices.Insert(rt.Stops, pos, stop)
	touched = append(touched, ri)
	for _, i := range touched {
		if err := retime(ctx, req, &r.Routes[i], src); err != nil {
			return nil, err
		}
	}
	r.Totals = totals(req, r)
	r.Continuity, r.Totals.MeanDistinctWorkers, r.Totals.PreferredShare = rounds.ContinuityOf(req, r.Routes)
	if r.Totals.Cost, r.Totals.Score, err = validate.Score(ctx, req, r, src); err != nil {
		return nil, err
	}
	return next, nil
}

func deepCopy(v *rounds.RosterVersion) (*rounds.RosterVersion, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out rounds.RosterVersion
	return &out, json.Unmarshal(b, &out)
}

// retime recomputes a route's times: the worker leaves at the start of
// their shift, waits for each visit's window or pinned start, and goes home
// after the last stop. A shift that gets a break (Options.Break) takes it
// between the two stops where the round is least late and back soonest.
func retime(ctx context.Context, req *rounds.Request, rt *rounds.Route, src geo.Source) error {
	wi := slices.IndexFunc(req.Workers, func(w rounds.Worker) bool { return w.ID == rt.WorkerID })
	w := &req.Workers[wi]
	var shift *rounds.Shift
	for i := range w.Shifts {
		if w.Shifts[i].Date == rt.Date {
			shift = &w.Shifts[i]
			rt.Depart = shift.Start
		}
	}
	rt.TravelSeconds, rt.WorkSeconds, rt.WaitSeconds, rt.Return, rt.Break = 0, 0, 0, rt.Depart, nil
	if len(rt.Stops) == 0 {
		return nil
	}
	points := []geo.Point{rt.Start.Point()}
	for _, s := range rt.Stops {
		points = append(points, s.Location.Point())
	}
	points = append(points, rt.End.Point())
	m, err := src.Matrix(ctx, points, rt.TravelMode)
	if err != nil {
		return fmt.Errorf("time route of %s: %w", rt.WorkerID, err)
	}
	byID := make(map[string]*rounds.Visit, len(req.Visits))
	for i := range req.Visits {
		byID[req.Visits[i].ID] = &req.Visits[i]
	}
	visits := make([]*rounds.Visit, len(rt.Stops))
	for i, s := range rt.Stops {
		if visits[i] = byID[s.VisitID]; visits[i] == nil {
			return rounds.Invalid("visitId", s.VisitID, "the route of %s stops for a visit the request does not have", rt.WorkerID)
		}
	}
	depart, rule := rt.Depart, req.Options.Break
	if shift == nil || !rule.Needs(shift) {
		timeStops(rt, visits, m, depart, -1, nil)
		return nil
	}
	best, bestLate, bestReturn := 0, -1, rounds.Clock(0)
	for gap := 0; gap <= len(rt.Stops); gap++ {
		late := timeStops(rt, visits, m, depart, gap, rule) + max(0, int(rt.Return-shift.End))
		if bestLate < 0 || late < bestLate || late == bestLate && rt.Return < bestReturn {
			best, bestLate, bestReturn = gap, late, rt.Return
		}
	}
	timeStops(rt, visits, m, depart, best, rule)
	return nil
}

// timeStops times the stops of rt, leaving at depart, with the break of
// rule taken before travelling to stop gap (gap = len(stops): before going
// home; gap < 0: no break). It returns how late the round is: the seconds
// stops start after their last window closes, plus a break that cannot
// fit in its window.
func timeStops(rt *rounds.Route, visits []*rounds.Visit, m geo.Matrix, depart rounds.Clock, gap int, rule *rounds.BreakRule) (late int) {
	rt.Depart, rt.TravelSeconds, rt.WorkSeconds, rt.WaitSeconds, rt.Break = depart, 0, 0, 0, nil
	at := depart
	takeBreak := func() {
		w := rule.Span()
		start := max(at, w.Start)
		end := start + rounds.Clock(rule.Length())
		late += max(0, int(end-w.End))
		rt.Break, at = &rounds.BreakTime{Start: start, End: end}, end
	}
	for i := range rt.Stops {
		if i == gap {
			takeBreak()
		}
		s, v := &rt.Stops[i], visits[i]
		leg := int(m.At(i, i+1))
		s.TravelSeconds, s.Arrival = leg, at+rounds.Clock(leg)
		s.Start = earliestStart(v, s.Arrival)
		s.WaitSeconds = int(s.Start - s.Arrival)
		s.End = s.Start + rounds.Clock(v.DurationMinutes*60)
		late += lateness(v, s.Start)
		rt.TravelSeconds += leg
		rt.WaitSeconds += s.WaitSeconds
		rt.WorkSeconds += v.DurationMinutes * 60
		at = s.End
	}
	if gap == len(rt.Stops) {
		takeBreak()
	}
	home := int(m.At(len(rt.Stops), len(rt.Stops)+1))
	rt.TravelSeconds += home
	rt.WorkSeconds += rt.TravelSeconds
	rt.Return = at + rounds.Clock(home)
	if gap == 0 {
		rt.Depart = rt.Break.End // taken before leaving
	}
	return late
}

// lateness returns how many seconds after its last window closes a visit
// starts; a pinned start is never late.
func lateness(v *rounds.Visit, start rounds.Clock) int {
	if v.Pin != nil && v.Pin.Start != nil || len(v.Windows) == 0 {
		return 0
	}
	return max(0, int(start-v.Windows[len(v.Windows)-1].End))
}

// earliestStart returns when a visit reached at arrival can start: at its
// pinned start, or in its first window that has not closed.
func earliestStart(v *rounds.Visit, arrival rounds.Clock) rounds.Clock {
	start := arrival
	if v.Pin != nil && v.Pin.Start != nil {
		return max(start, *v.Pin.Start)
	}
	windows := v.Windows
	if len(windows) == 0 {
		windows = []rounds.Window{rounds.ServiceHours}
	}
	for _, w := range windows {
		if arrival <= w.End {
			return max(start, w.Start)
		}
	}
	return start
}

// totals sums a roster's routes and unassigned visits.
func totals(req *rounds.Request, r *rounds.Roster) rounds.Totals {
	t := rounds.Totals{Visits: len(req.Visits), AssignedByPriority: map[rounds.Priority]int{}, UnassignedByPriority: map[rounds.Priority]int{}}
	assigned := map[string]bool{}
	for _, rt := range r.Routes {
		t.TravelSeconds += rt.TravelSeconds
		t.WorkSeconds += rt.WorkSeconds
		t.WaitSeconds += rt.WaitSeconds
		if len(rt.Stops) > 0 {
			t.WorkersUsed++
		}
		for _, s := range rt.Stops {
			if !assigned[s.VisitID] {
				assigned[s.VisitID] = true
				t.AssignedByPriority[s.Priority]++
			}
		}
	}
	t.Assigned = len(assigned)
	for _, u := range r.Unassigned {
		t.Unassigned++
		t.UnassignedByPriority[u.Priority]++
	}
	return t
}
