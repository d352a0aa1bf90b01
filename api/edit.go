package api

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/solver"
)

// Edit is a manual change to the latest version of a roster, the body of
// POST .../rosters/{roster}/edits. The edited rounds are timed by the
// solver (solver.Retime) and the result is checked by the independent
// validator; it is stored as the next version only if it breaks no hard
// rule.
type Edit struct {
	// Version is the version edited; it must be the latest.
	Version int `json:"version"`
	// Op is "move" (give the visit to a worker) or "pin" (move it and fix
	// it there, at Start if given, for later plans too).
	Op       string `json:"op"`
	VisitID  string `json:"visitId"`
	WorkerID string `json:"workerId"`
	// FromWorkerID is, for a double-handed visit, the worker whose half
	// moves to WorkerID; it is needed when WorkerID makes neither half.
	// For any other visit it may name the worker who makes it.
	FromWorkerID string `json:"fromWorkerId,omitempty"`
	// Position is where in the worker's round the visit goes, from 0;
	// nil puts it last.
	Position *int `json:"position,omitempty"`
	// Start fixes the start of a pinned visit.
	Start *rounds.Clock `json:"start,omitempty"`
}

// apply returns the next version of cur with the edit made: the stop
// moved into its worker's round, and the roster timed, totalled and
// costed again by solver.Retime with travel times from src, as a solve
// would time it. An edit whose rounds break a hard rule the solver
// cannot time around is refused like one the validator rejects.
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
	req := next.Request
	vi := slices.IndexFunc(req.Visits, func(v rounds.Visit) bool { return v.ID == e.VisitID })
	if vi < 0 {
		return nil, rounds.Invalid("visitId", e.VisitID, "the roster plans no such visit")
	}
	visit := &req.Visits[vi]
	if !slices.ContainsFunc(req.Workers, func(w rounds.Worker) bool { return w.ID == e.WorkerID }) {
		return nil, rounds.Invalid("workerId", e.WorkerID, "the roster has no such worker")
	}
	if e.Op == "pin" {
		if visit.Workers() > 1 {
			return nil, rounds.Invalid("op", e.Op, "a pin names one worker and double-handed visit %s needs two: move each worker's half instead", visit.ID)
		}
		visit.Pin = &rounds.Pin{WorkerID: e.WorkerID, Start: e.Start}
		next.Note = fmt.Sprintf("pin %s to %s", visit.ID, e.WorkerID)
	} else {
		next.Note = fmt.Sprintf("move %s to %s", visit.ID, e.WorkerID)
	}

	order := roundsOf(next.Roster)
	from, at, err := e.source(order, visit)
	if err != nil {
		return nil, err
	}
	if from >= 0 {
		order[from].VisitIDs = slices.Delete(order[from].VisitIDs, at, at+1)
	}
	to := slices.IndexFunc(order, func(r solver.Round) bool { return r.WorkerID == e.WorkerID && r.Date == visit.Date })
	if to < 0 {
		order = append(order, solver.Round{WorkerID: e.WorkerID, Date: visit.Date})
		to = len(order) - 1
	}
	ids := order[to].VisitIDs
	pos := len(ids)
	if e.Position != nil {
		if *e.Position < 0 || *e.Position > len(ids) {
			return nil, rounds.Invalid("position", *e.Position, "want 0 to %d", len(ids))
		}
		pos = *e.Position
	}
	order[to].VisitIDs = slices.Insert(ids, pos, visit.ID)

	ro, err := solver.Retime(ctx, req, src, order)
	if code := rounds.ErrorCode(err); code == rounds.EINFEASIBLE || code == rounds.EINVALID {
		msg := err.Error()
		return nil, &violationsError{err: rounds.Invalid("op", e.Op, "the edit breaks a hard rule: %s", msg), violations: []string{msg}}
	} else if err != nil {
		return nil, err
	}
	next.Roster = ro
	return next, nil
}

// source returns the round and index of the stop the edit moves, or -1
// if the visit is unassigned: the visit's stop; for a double-handed
// visit, the half of FromWorkerID, else the half already with WorkerID
// (the edit then reorders that round).
func (e *Edit) source(order []solver.Round, visit *rounds.Visit) (round, at int, err error) {
	var holders [][2]int
	for ri, r := range order {
		for i, id := range r.VisitIDs {
			if id == visit.ID {
				holders = append(holders, [2]int{ri, i})
			}
		}
	}
	pick := func(worker string) int {
		return slices.IndexFunc(holders, func(h [2]int) bool { return order[h[0]].WorkerID == worker })
	}
	h := -1
	switch {
	case e.FromWorkerID != "":
		if h = pick(e.FromWorkerID); h < 0 {
			return 0, 0, rounds.Invalid("fromWorkerId", e.FromWorkerID, "this worker does not make visit %s", visit.ID)
		}
	case len(holders) == 1:
		h = 0
	case len(holders) > 1:
		if h = pick(e.WorkerID); h < 0 {
			return 0, 0, rounds.Invalid("fromWorkerId", "", "double-handed visit %s is made by %s and %s: name the one whose half moves to %s",
				visit.ID, order[holders[0][0]].WorkerID, order[holders[1][0]].WorkerID, e.WorkerID)
		}
	}
	if h < 0 {
		return -1, 0, nil
	}
	return holders[h][0], holders[h][1], nil
}

// roundsOf returns the rounds of a roster's routes, for solver.Retime.
func roundsOf(r *rounds.Roster) []solver.Round {
	out := make([]solver.Round, len(r.Routes))
	for i, rt := range r.Routes {
		out[i] = solver.Round{WorkerID: rt.WorkerID, Date: rt.Date, VisitIDs: make([]string, len(rt.Stops))}
		for j, s := range rt.Stops {
			out[i].VisitIDs[j] = s.VisitID
		}
	}
	return out
}

func deepCopy(v *rounds.RosterVersion) (*rounds.RosterVersion, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out rounds.RosterVersion
	return &out, json.Unmarshal(b, &out)
}
