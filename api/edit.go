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
// after the last stop.
func retime(ctx context.Context, req *rounds.Request, rt *rounds.Route, src geo.Source) error {
	wi := slices.IndexFunc(req.Workers, func(w rounds.Worker) bool { return w.ID == rt.WorkerID })
	w := &req.Workers[wi]
	for _, sh := range w.Shifts {
		if sh.Date == rt.Date {
			rt.Depart = sh.Start
		}
	}
	rt.TravelSeconds, rt.WorkSeconds, rt.WaitSeconds, rt.Return = 0, 0, 0, rt.Depart
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
	visits := make(map[string]*rounds.Visit, len(req.Visits))
	for i := range req.Visits {
		visits[req.Visits[i].ID] = &req.Visits[i]
	}
	at := rt.Depart
	for i := range rt.Stops {
		s := &rt.Stops[i]
		v := visits[s.VisitID]
		leg := int(m.At(i, i+1))
		s.TravelSeconds, s.Arrival = leg, at+rounds.Clock(leg)
		s.Start = earliestStart(v, s.Arrival)
		s.WaitSeconds = int(s.Start - s.Arrival)
		s.End = s.Start + rounds.Clock(v.DurationMinutes*60)
		rt.TravelSeconds += leg
		rt.WaitSeconds += s.WaitSeconds
		rt.WorkSeconds += v.DurationMinutes * 60
		at = s.End
	}
	home := int(m.At(len(rt.Stops), len(rt.Stops)+1))
	rt.TravelSeconds += home
	rt.WorkSeconds += rt.TravelSeconds
	rt.Return = at + rounds.Clock(home)
	return nil
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
