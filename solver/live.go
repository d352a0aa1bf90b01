package solver

import (
	"context"
	"slices"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/validate"
)

// LiveRoster returns the whole day's roster of a live day whose free part
// is the given rounds: it re-times rounds on state.Residual(req) (Retime,
// so the rest of the day is timed and costed exactly as a solve would),
// puts each worker's frozen stops before theirs (rounds.LiveState.Merge)
// and costs the whole day, frozen stops at their live times, by
// validate.Score. Rounds of workers with no shift left must be empty or
// absent. req and roster are the published roster's request and roster;
// neither is modified. It returns Retime's errors.
func LiveRoster(ctx context.Context, req *rounds.Request, roster *rounds.Roster, state *rounds.LiveState, src geo.Source, order []Round) (*rounds.Roster, error) {
	p, _, err := liveProblem(ctx, req, state, src)
	if err != nil {
		return nil, err
	}
	rest, err := p.retime(order)
	if err != nil {
		return nil, err
	}
	return liveMerge(ctx, req, roster, state, src, rest)
}

// liveProblem builds state.Residual(req) (Build) with each worker's
// working time left to the second: the residual request holds it in
// whole minutes, rounded down, which would refuse rounds that keep the
// day's cap by less than a minute. It also returns the builder (grow).
func liveProblem(ctx context.Context, req *rounds.Request, state *rounds.LiveState, src geo.Source) (*Problem, *builder, error) {
	residual := state.Residual(req)
	if err := residual.Validate(); err != nil {
		return nil, nil, err
	}
	p, b, err := build(ctx, residual, src)
	if err != nil {
		return nil, nil, err
	}
	worked := make(map[string]int, len(state.Rounds))
	for _, lr := range state.Rounds {
		worked[lr.WorkerID] = lr.WorkedSeconds
	}
	workers := make(map[string]*rounds.Worker, len(req.Workers))
	for i := range req.Workers {
		workers[req.Workers[i].ID] = &req.Workers[i]
	}
	changed := false
	for k := range p.Vehicles {
		w := workers[p.workerID(k)]
		capMinutes := w.MaxWorkMinutes
		for _, sh := range w.Shifts {
			if sh.Date == state.Date && sh.MaxWorkMinutes > 0 {
				capMinutes = sh.MaxWorkMinutes
			}
		}
		if capMinutes == 0 || p.Vehicles[k].MaxWork == 0 {
			continue
		}
		left := int32(capMinutes*60 - worked[w.ID])
		if left > p.Vehicles[k].MaxWork {
			p.Vehicles[k].MaxWork, p.maxWork[k] = left, left
			changed = true
		}
	}
	if changed {
		p.classify()
	}
	return p, b, nil
}

// liveMerge merges rest, a roster of state.Residual(req), with the frozen
// part and costs the whole day.
func liveMerge(ctx context.Context, req *rounds.Request, roster *rounds.Roster, state *rounds.LiveState, src geo.Source, rest *rounds.Roster) (*rounds.Roster, error) {
	out, err := state.Merge(ctx, req, roster, rest, src)
	if err != nil {
		return nil, err
	}
	cost, score, err := validate.Score(ctx, dayOf(req, state.Date), out, src,
		validate.Events(state.Events(), state.At), validate.Published(roster))
	if err != nil {
		return nil, rounds.Errorf(rounds.EINTERNAL, "cost the live day: %v", err)
	}
	out.Totals.Cost, out.Totals.Score = cost, score
	return out, nil
}

// dayOf returns req with only the visits of date, so that a day's roster
// is costed without the other dates' visits.
func dayOf(req *rounds.Request, date rounds.Date) *rounds.Request {
	out := *req
	out.Visits = make([]rounds.Visit, 0, len(req.Visits))
	for _, v := range req.Visits {
		if v.Date == date {
			out.Visits = append(out.Visits, v)
		}
	}
	return &out
}

// FreeRounds returns the free part of each live round that has a shift
// left in state.Residual(req), less the visits missed (state.Missed,
// which the residual leaves out): the rounds that re-time the day as it
// is.
func FreeRounds(req *rounds.Request, state *rounds.LiveState) []Round {
	on := map[string]bool{}
	for _, w := range state.Residual(req).Workers {
		if len(w.Shifts) > 0 {
			on[w.ID] = true
		}
	}
	return freeRounds(state, on)
}

// freeRounds returns the rounds of FreeRounds for p, built from the
// residual request: its vehicles are the shifts left.
func (p *Problem) freeRounds(state *rounds.LiveState) []Round {
	on := make(map[string]bool, len(p.Vehicles))
	for k := range p.Vehicles {
		on[p.workerID(k)] = true
	}
	return freeRounds(state, on)
}

// freeRounds returns the free part of the rounds of the workers on,
// less the missed visits.
func freeRounds(state *rounds.LiveState, on map[string]bool) []Round {
	var out []Round
	for _, lr := range state.Rounds {
		if on[lr.WorkerID] {
			ids := lr.Free
			if len(state.Missed) > 0 {
				ids = slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return slices.Contains(state.Missed, id) })
			}
			out = append(out, Round{WorkerID: lr.WorkerID, Date: state.Date, VisitIDs: ids})
		}
	}
	return out
}
