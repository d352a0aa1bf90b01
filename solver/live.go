package solver

import (
	"context"

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
	residual := state.Residual(req)
	rest, err := Retime(ctx, residual, src, order)
	if err != nil {
		return nil, err
	}
	return liveMerge(ctx, req, roster, state, src, rest)
}

// liveMerge merges rest, a roster of state.Residual(req), with the frozen
// part and costs the whole day.
func liveMerge(ctx context.Context, req *rounds.Request, roster *rounds.Roster, state *rounds.LiveState, src geo.Source, rest *rounds.Roster) (*rounds.Roster, error) {
	out, err := state.Merge(ctx, req, roster, rest, src)
	if err != nil {
		return nil, err
	}
	cost, score, err := validate.Score(ctx, dayOf(req, state.Date), out, src)
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
// left in state.Residual(req): the rounds that re-time the day as it is.
func FreeRounds(req *rounds.Request, state *rounds.LiveState) []Round {
	residual := state.Residual(req)
	on := map[string]bool{}
	for _, w := range residual.Workers {
		if len(w.Shifts) > 0 {
			on[w.ID] = true
		}
	}
	var out []Round
	for _, lr := range state.Rounds {
		if on[lr.WorkerID] {
			out = append(out, Round{WorkerID: lr.WorkerID, Date: state.Date, VisitIDs: lr.Free})
		}
	}
	return out
}
