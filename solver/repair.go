package solver

import (
	"context"
	"slices"
	"time"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/geo"
)

// minRepairSearch is the least search time a repair gets, whatever the
// budget: the build and the merge take their own time first.
const minRepairSearch = 100 * time.Millisecond

// Repair re-plans the rest of a live day (state, of roster planned for
// req) after its events: everything not frozen may change. The search
// runs on state.Residual(req) (with each worker's working time left to
// the second, as LiveRoster), starting from the free rounds as they are
// (their visits that no longer fit dropped, a warm start: Options.Start),
// and weighs, on top of the plan's own cost, the disruption against the
// published roster: Options.HandoverCost for each visit made by another
// worker than there, and from 30 minutes (rounds.MovedStartSeconds) past
// a visit's published start, Options.MovedStartCost per further ten
// minutes (a soft window end, which the search follows as it follows any
// lateness; visits with a soft end of their own keep theirs, and earlier
// starts cost nothing). It stops after budget, less the build, or at
// opt.Iterations (reproducible); opt.Seed and opt.Threads as for Solve.
//
// It returns the whole day's roster (LiveRoster of the repaired rounds:
// frozen stops kept, costed without the disruption) and a report
// against the published roster: the visits handed to another worker,
// moved by more than 30 minutes, dropped and newly made, with the
// disruption at the team's penalties. It returns the errors of Build,
// Solve and LiveRoster.
func Repair(ctx context.Context, req *rounds.Request, roster *rounds.Roster, state *rounds.LiveState, src geo.Source,
	budget time.Duration, opt Options) (*rounds.Roster, *rounds.RepairReport, error) {
	begin := time.Now()
	base, _, err := liveProblem(ctx, req, state, src)
	if err != nil {
		return nil, nil, err
	}
	pub := published(roster, state.Date)
	p := base.disrupted(pub, &req.Options)
	start, err := p.fitted(p.freeRounds(state))
	if err != nil {
		return nil, nil, err
	}
	o := opt
	o.Start, o.Progress = start, nil
	if o.Iterations == 0 {
		o.TimeLimit = max(budget-time.Since(begin), minRepairSearch)
	}
	sol, err := Solve(ctx, p, o)
	if err != nil {
		return nil, nil, err
	}
	order := make([]Round, 0, len(sol.Routes))
	for k, r := range sol.Routes {
		ids := make([]string, len(r))
		for i, v := range r {
			ids[i] = p.meta.req.Visits[v].ID
		}
		order = append(order, Round{WorkerID: p.workerID(k), Date: state.Date, VisitIDs: ids})
	}
	rest, err := base.retime(order) // LiveRoster, on the problem it builds
	if err != nil {
		return nil, nil, err
	}
	out, err := liveMerge(ctx, req, roster, state, src, rest)
	if err != nil {
		return nil, nil, err
	}
	rep := repairReport(p.meta.req.Visits[:p.meta.visits], pub, out, state.Date, &req.Options)
	rep.Seconds = time.Since(begin).Seconds()
	return out, rep, nil
}

// publication is where and when a visit is in a published roster: its
// workers (two for a double-handed visit) and start.
type publication struct {
	workers []string
	start   rounds.Clock
}

// published returns the stops of roster's routes on date by visit.
func published(roster *rounds.Roster, date rounds.Date) map[string]*publication {
	out := map[string]*publication{}
	for _, rt := range roster.Routes {
		if rt.Date != date {
			continue
		}
		for _, st := range rt.Stops {
			w := out[st.VisitID]
			if w == nil {
				w = &publication{start: st.Start}
				out[st.VisitID] = w
			}
			w.workers = append(w.workers, rt.WorkerID)
		}
	}
	return out
}

// disrupted returns p, a live day's residual problem, with the
// disruption costs of Repair against the published stops pub.
func (p *Problem) disrupted(pub map[string]*publication, opt *rounds.Options) *Problem {
	meta := p.meta
	vehicle := make(map[string]int32, len(p.Vehicles))
	for k := range p.Vehicles {
		vehicle[p.workerID(k)] = int32(k)
	}
	moved := opt.MovedStartCost()
	rate := max(1, moved/600) // per second past the threshold: MovedStartCost per ten minutes
	stay := make([][2]int32, len(p.Visits))
	visits := slices.Clone(p.Visits)
	for v := range visits {
		stay[v] = [2]int32{-1, -1}
		w := pub[meta.req.Visits[v].ID]
		if w == nil {
			continue
		}
		for i, id := range w.workers[:min(len(w.workers), 2)] {
			if k, ok := vehicle[id]; ok {
				stay[v][i] = k
			}
		}
		if moved > 0 && visits[v].Lateness == 0 {
			day := int32(meta.req.Visits[v].Date.DaysSince(meta.base) * day)
			visits[v].SoftEnd, visits[v].Lateness = day+int32(w.start)+rounds.MovedStartSeconds, rate
		}
	}
	// the same inputs but for soft ends and assignment costs: p's checks
	// hold and its neighbour lists serve
	out := &Problem{Travel: p.Travel, Vehicles: p.Vehicles, Visits: visits, nearFrom: p}
	for _, o := range []Option{WithLinks(p.Links), WithContinuity(p.Continuity), withStays(stay, opt.HandoverCost())} {
		o(out)
	}
	out.freeze()
	out.meta = meta
	return out
}

// fitted returns the solution of the given rounds less the visits that
// no longer fit them (after events: a late finish, a worker gone): each
// round keeps, in order, the visits that still fit after the ones kept
// before them (fitRoutes); then, while the linked and double-handed
// visits leave no joint schedule, the last of them on a round comes off,
// with its partner. It returns fixedSolution's errors. O(S·m) for S stops
// on rounds of m, plus a schedule per linked visit taken off.
func (p *Problem) fitted(order []Round) (*Solution, error) {
	sol, err := p.fixedSolution(order)
	if err != nil {
		return nil, err
	}
	p.fitRoutes(sol)
	if !p.rich {
		return sol, nil
	}
	s := newState(p)
	for s.load(sol); s.broken; s.load(sol) {
		k, i := -1, -1
		for kk, r := range sol.Routes {
			for ii, v := range r {
				if p.linkOff[v] < p.linkOff[v+1] {
					k, i = kk, ii
				}
			}
		}
		if k < 0 {
			return nil, p.unscheduled(sol)
		}
		v := sol.Routes[k][i]
		for kk, r := range sol.Routes {
			sol.Routes[kk] = slices.DeleteFunc(r, func(u int) bool { return u == v || int32(u) == p.pairOf[v] })
		}
		finish(sol, len(p.Visits))
	}
	return sol, nil
}

// fitRoutes makes sol's routes fit their vehicles on their own: each
// keeps, in order, the visits that still fit after the ones kept before
// them, and a double-handed visit kept on one route only is taken off it
// too. O(S·m) for S stops on routes of m.
func (p *Problem) fitRoutes(sol *Solution) {
	var r route
	for k, visits := range sol.Routes {
		r.veh = int32(k)
		keep := visits[:0]
		for _, v := range visits {
			r.visits = r.visits[:0]
			for _, u := range keep {
				r.visits = append(r.visits, int32(u))
			}
			r.visits = append(r.visits, int32(v))
			if r.update(p) {
				keep = append(keep, v)
			}
		}
		sol.Routes[k] = keep
	}
	on := make([]bool, len(p.Visits))
	for _, visits := range sol.Routes {
		for _, v := range visits {
			on[v] = true
		}
	}
	for k, visits := range sol.Routes {
		sol.Routes[k] = slices.DeleteFunc(visits, func(v int) bool { u := p.pairOf[v]; return u >= 0 && !on[u] })
	}
	finish(sol, len(p.Visits))
}

// repairReport compares the repaired day out with the published stops
// pub for the visits of the residual request.
func repairReport(visits []rounds.Visit, pub map[string]*publication, out *rounds.Roster, date rounds.Date, opt *rounds.Options) *rounds.RepairReport {
	now := published(out, date)
	rep := &rounds.RepairReport{HandedOver: []rounds.Handover{}, Moved: []rounds.MovedVisit{}, Dropped: []rounds.DroppedVisit{},
		Added: []string{}, Cost: out.Totals.Cost}
	for i := range visits {
		v := &visits[i]
		was, is := pub[v.ID], now[v.ID]
		switch {
		case was == nil && is == nil:
		case was == nil:
			rep.Added = append(rep.Added, v.ID)
		case is == nil:
			rep.Dropped = append(rep.Dropped, rounds.DroppedVisit{VisitID: v.ID, WorkerID: was.workers[0], Priority: v.Priority})
		default:
			var gone, came []string
			for _, w := range was.workers {
				if !slices.Contains(is.workers, w) {
					gone = append(gone, w)
				}
			}
			for _, w := range is.workers {
				if !slices.Contains(was.workers, w) {
					came = append(came, w)
				}
			}
			for j := range min(len(gone), len(came)) {
				rep.HandedOver = append(rep.HandedOver, rounds.Handover{VisitID: v.ID, FromWorkerID: gone[j], ToWorkerID: came[j]})
			}
			if d := is.start - was.start; d > rounds.MovedStartSeconds || d < -rounds.MovedStartSeconds {
				rep.Moved = append(rep.Moved, rounds.MovedVisit{VisitID: v.ID, WorkerID: is.workers[0], OldStart: was.start,
					NewStart: is.start, Late: v.SoftEnd != nil && is.start > *v.SoftEnd})
			}
		}
	}
	rep.DisruptionCost = int64(len(rep.HandedOver))*opt.HandoverCost() + int64(len(rep.Moved))*opt.MovedStartCost()
	return rep
}
