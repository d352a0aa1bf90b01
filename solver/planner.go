package solver

import (
	"context"
	"time"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/geo"
)

// Planner plans rosters with this package: Build, Solve, Roster. It
// implements rounds.Planner.
type Planner struct {
	// Source gives the travel times.
	Source geo.Source
	// Progress, if set, receives the progress of every solve.
	Progress func(Progress)
}

var _ rounds.ProgressPlanner = (*Planner)(nil)

// Plan builds the request's Problem, solves it within the request's
// options and returns the roster. The time limit (10 s by default unless
// an iteration limit is set) counts from the start of Plan, travel
// matrices included. It returns the errors of Build, and a roster (the
// best found) if ctx ends after the first solution exists.
func (pl *Planner) Plan(ctx context.Context, req *rounds.Request) (*rounds.Roster, error) {
	return pl.plan(ctx, req, pl.Progress)
}

// PlanProgress is Plan, also calling progress after each improvement with
// the best cost and the visits assigned and unassigned so far. It
// implements rounds.ProgressPlanner.
func (pl *Planner) PlanProgress(ctx context.Context, req *rounds.Request, progress func(rounds.Progress)) (*rounds.Roster, error) {
	visits := len(req.Visits)
	return pl.plan(ctx, req, func(p Progress) {
		if pl.Progress != nil {
			pl.Progress(p)
		}
		progress(rounds.Progress{BestCost: p.Cost, Assigned: visits - p.Unassigned, Unassigned: p.Unassigned})
	})
}

func (pl *Planner) plan(ctx context.Context, req *rounds.Request, progress func(Progress)) (*rounds.Roster, error) {
	begin := time.Now()
	p, err := Build(ctx, req, pl.Source)
	if err != nil {
		return nil, err
	}
	limit := time.Duration(req.Options.TimeLimitSeconds * float64(time.Second))
	if limit == 0 && req.Options.Iterations == 0 {
		limit = DefaultTimeLimit
	}
	if limit > 0 {
		limit = max(limit-time.Since(begin), time.Millisecond)
	}
	opt := Options{
		TimeLimit:  limit,
		Iterations: req.Options.Iterations,
		Seed:       req.Options.Seed,
		Threads:    req.Options.Threads,
		Progress:   progress,
	}
	sol, err := Solve(ctx, p, opt)
	if err != nil {
		return nil, err
	}
	return Roster(p, sol)
}

// Roster turns a solution of a Problem made by Build into the roster of
// its request: a route for every worker shift (empty ones included), each
// leaving as late as it can without waiting before its first visit, the
// times of every stop (a double-handed visit on both workers' routes,
// each start from Schedule), the unassigned visits with a reason and a
// sentence, the totals (which count a double-handed visit once) with the
// overtime of each route after its shift end, and the
// continuity of care per client (rounds.ContinuityOf). It returns an EINVALID error if p was not made by Build
// or sol does not fit p.
func Roster(p *Problem, sol *Solution) (*rounds.Roster, error) {
	meta := p.meta
	if meta == nil {
		return nil, rounds.Errorf(rounds.EINVALID, "the problem was not built from a request")
	}
	if err := p.Check(sol); err != nil {
		return nil, rounds.Errorf(rounds.EINTERNAL, "solution breaks a rule: %v", err)
	}
	starts, err := p.Schedule(sol.Routes)
	if err != nil {
		return nil, rounds.Errorf(rounds.EINTERNAL, "solution has no schedule: %v", err)
	}
	req := meta.req
	ro := &rounds.Roster{
		Team:       req.Team,
		Routes:     make([]rounds.Route, 0, p.NumVehicles()),
		Unassigned: []rounds.Unassigned{},
		Totals: rounds.Totals{
			Visits:               meta.visits,
			AssignedByPriority:   map[rounds.Priority]int{},
			UnassignedByPriority: map[rounds.Priority]int{},
			Cost:                 sol.Cost,
		},
	}
	for _, pr := range rounds.Priorities {
		ro.Totals.AssignedByPriority[pr] = 0
		ro.Totals.UnassignedByPriority[pr] = 0
	}
	used := make(map[int]bool)
	for k := range p.Vehicles {
		rt := p.route(k, sol.Routes[k], starts)
		t := &ro.Totals
		t.TravelSeconds += rt.TravelSeconds
		t.WorkSeconds += rt.WorkSeconds
		t.WaitSeconds += rt.WaitSeconds
		t.OvertimeSeconds += rt.OvertimeSeconds
		for i, st := range rt.Stops {
			if sol.Routes[k][i] < meta.visits { // a second half is counted with its first
				t.Assigned++
				t.AssignedByPriority[st.Priority]++
			}
		}
		if len(rt.Stops) > 0 {
			used[meta.vehWorker[k]] = true
		}
		ro.Routes = append(ro.Routes, rt)
	}
	ro.Totals.WorkersUsed = len(used)
	ex := newExplainer(p, sol)
	for _, v := range sol.Unassigned {
		if v >= meta.visits { // a second half goes with its first
			continue
		}
		u := ex.explain(v)
		ro.Unassigned = append(ro.Unassigned, u)
		ro.Totals.Unassigned++
		ro.Totals.UnassignedByPriority[u.Priority]++
	}
	ro.Totals.Score = score(p, sol)
	ro.Continuity, ro.Totals.MeanDistinctWorkers, ro.Totals.PreferredShare = rounds.ContinuityOf(req, ro.Routes)
	return ro, nil
}

// route writes vehicle k's route with the given start times.
func (p *Problem) route(k int, visits []int, starts []int32) rounds.Route {
	meta := p.meta
	w := &meta.req.Workers[meta.vehWorker[k]]
	veh := &p.Vehicles[k]
	offset := int32(meta.vehDay[k] * day)
	rt := rounds.Route{
		WorkerID:   w.ID,
		Date:       w.Shifts[meta.vehShift[k]].Date,
		TravelMode: w.TravelMode,
		Start:      w.Start,
		End:        w.EndLocation(),
		Depart:     rounds.Clock(veh.Earliest - offset),
		Return:     rounds.Clock(veh.Earliest - offset),
		Stops:      make([]rounds.Stop, 0, len(visits)),
	}
	if len(visits) == 0 {
		return rt
	}
	at := int32(veh.Start)
	first := p.travel(k, at, p.loc[visits[0]])
	t := starts[visits[0]] - first // leave as late as the first visit allows
	rt.Depart = rounds.Clock(t - offset)
	_, gap, _, _ := p.breakPlan(k, visits)
	var bs int32 // the break starts once the worker is free after gap visits
	if gap >= 0 {
		bs = veh.Earliest
		if gap > 0 {
			u := visits[gap-1]
			bs = starts[u] + p.dur[u]
		}
		bs = max(bs, veh.Break.Window.Start)
		rt.Break = &rounds.BreakTime{Start: rounds.Clock(bs - offset), End: rounds.Clock(bs + veh.Break.Duration - offset)}
	}
	for i, v := range visits {
		if i == gap && i > 0 {
			t = bs + veh.Break.Duration
		}
		d := p.travel(k, at, p.loc[v])
		arrive := t + d
		start := starts[v]
		end := start + p.dur[v]
		rv := &meta.req.Visits[v]
		rt.Stops = append(rt.Stops, rounds.Stop{
			VisitID:       rv.ID,
			ClientID:      rv.ClientID,
			Location:      meta.points[p.loc[v]],
			Arrival:       rounds.Clock(arrive - offset),
			Start:         rounds.Clock(start - offset),
			End:           rounds.Clock(end - offset),
			TravelSeconds: int(d),
			WaitSeconds:   int(start - arrive),
			Priority:      rv.Priority,
		})
		rt.TravelSeconds += int(d)
		rt.WorkSeconds += int(d + p.dur[v])
		rt.WaitSeconds += int(start - arrive)
		t, at = end, p.loc[v]
	}
	if gap == len(visits) {
		t = bs + veh.Break.Duration
	}
	home := p.travel(k, at, int32(veh.End))
	rt.TravelSeconds += int(home)
	rt.WorkSeconds += int(home)
	rt.Return = rounds.Clock(t + home - offset)
	rt.OvertimeSeconds = max(0, int(rt.Return-w.Shifts[meta.vehShift[k]].End))
	return rt
}
