package solver

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/geo"
)

// Round is one worker's visits on one date, in the order the worker makes
// them: a round that Retime times without changing it.
type Round struct {
	WorkerID string
	Date     rounds.Date
	// VisitIDs are the visits in order. A double-handed visit is on the
	// rounds of both its workers.
	VisitIDs []string
}

// Retime returns the roster of req whose rounds are the given ones,
// timed and costed exactly as a solve times and costs its own: it builds
// the request's Problem with travel times from src (Build, pins
// included), puts each round's visits on its worker's shift in the
// given order, leaves every visit on no round unassigned, and returns
// what Roster writes for that solution. Each round leaves as late as its
// first visit allows, takes its break where the solver places it,
// starts the two halves of a double-handed visit together and linked
// visits as their links say (the cross-route schedule); the routes carry
// their overtime, the totals, cost and score add them up, and each
// unassigned visit gets its reason. Shifts without a round get empty
// routes; req is not modified.
//
// It returns the errors of Build; an EINVALID *rounds.Error naming the
// field ("rounds[i].workerId", "rounds[i].visitIds[j]") if a round names
// a worker with no shift on its date, a shift twice, or a visit the
// request does not hold or more often than it needs workers; and an
// EINFEASIBLE *rounds.Error saying in words which hard rule the rounds
// break: a visit its worker may not make, a double-handed visit on one
// round only, a visit that cannot start within its windows, a worker
// back after their shift and its overtime, over their working time or
// with no room for their break, or double-handed and linked visits that
// cannot all start as their partners and links require. It is O(V + S)
// for V visits and S stops, plus the cost of Build, of a schedule from
// scratch and of explaining the unassigned visits, as in a solve.
func Retime(ctx context.Context, req *rounds.Request, src geo.Source, order []Round) (*rounds.Roster, error) {
	p, err := Build(ctx, req, src)
	if err != nil {
		return nil, err
	}
	return p.retime(order)
}

// retime is Retime on p, built from the request.
func (p *Problem) retime(order []Round) (*rounds.Roster, error) {
	sol, err := p.fixedSolution(order)
	if err != nil {
		return nil, err
	}
	if err := p.feasible(sol); err != nil {
		return nil, err
	}
	s := newState(p)
	s.load(sol)
	if p.rich && s.broken {
		return nil, p.unscheduled(sol)
	}
	s.snapshot(sol)
	return Roster(p, sol)
}

// fixedSolution returns the solution of p, made by Build, whose routes
// are the given rounds, every other visit unassigned. The first round
// that names a double-handed visit gets its first half.
func (p *Problem) fixedSolution(order []Round) (*Solution, error) {
	meta := p.meta
	type shift struct {
		worker string
		date   rounds.Date
	}
	vehicle := make(map[shift]int, len(p.Vehicles))
	for k, wi := range meta.vehWorker {
		w := &meta.req.Workers[wi]
		vehicle[shift{w.ID, w.Shifts[meta.vehShift[k]].Date}] = k
	}
	halves := make(map[string][]int, meta.visits) // problem visits by request ID, first half first
	for v := range meta.req.Visits {
		id := meta.req.Visits[v].ID
		halves[id] = append(halves[id], v)
	}
	sol := &Solution{Routes: make([][]int, len(p.Vehicles))}
	placed := make([]bool, len(p.Visits))
	given := make([]bool, len(p.Vehicles))
	for ri, r := range order {
		k, ok := vehicle[shift{r.WorkerID, r.Date}]
		if !ok {
			return nil, rounds.Invalid(fmt.Sprintf("rounds[%d].workerId", ri), r.WorkerID, "the request has no shift of this worker on %s", r.Date)
		}
		if given[k] {
			return nil, rounds.Invalid(fmt.Sprintf("rounds[%d].workerId", ri), r.WorkerID, "a second round of this worker on %s", r.Date)
		}
		given[k] = true
		route := make([]int, 0, len(r.VisitIDs))
		for j, id := range r.VisitIDs {
			field := fmt.Sprintf("rounds[%d].visitIds[%d]", ri, j)
			vs, ok := halves[id]
			if !ok {
				return nil, rounds.Invalid(field, id, "the request has no such visit")
			}
			i := slices.IndexFunc(vs, func(v int) bool { return !placed[v] })
			switch {
			case i < 0 && len(vs) == 1:
				return nil, rounds.Invalid(field, id, "the visit needs one worker and is on an earlier round already")
			case i < 0:
				return nil, rounds.Invalid(field, id, "the double-handed visit is on two earlier rounds already")
			}
			placed[vs[i]] = true
			route = append(route, vs[i])
		}
		sol.Routes[k] = route
	}
	finish(sol, len(p.Visits))
	return sol, nil
}

// feasible returns an EINFEASIBLE error saying the first hard rule sol
// breaks on its own rounds: a visit its worker may not make, the two
// halves of a double-handed visit not on two rounds, a window, a shift
// end, working time or a break. The links between rounds are left to
// the schedule. O(V + S).
func (p *Problem) feasible(sol *Solution) error {
	meta := p.meta
	served := make([]int, len(p.Visits)) // vehicle + 1, 0 if unassigned
	for k, r := range sol.Routes {
		for _, v := range r {
			served[v] = k + 1
			if !p.Allowed(v, k) {
				return p.infeasible(k, "%s may not make visit %s: %s", p.workerID(k), meta.req.Visits[v].ID, p.notAllowed(v, k))
			}
		}
	}
	for _, l := range p.Links {
		a, b := served[l.From], served[l.To]
		switch {
		case !l.Pair:
		case a == 0 && b == 0:
		case a == b:
			return p.infeasible(a-1, "double-handed visit %s needs two different workers and is twice on the round of %s",
				meta.req.Visits[l.From].ID, p.workerID(a-1))
		case a == 0 || b == 0:
			k := max(a, b) - 1
			return p.infeasible(k, "double-handed visit %s needs two workers and is on the round of %s only",
				meta.req.Visits[l.From].ID, p.workerID(k))
		}
	}
	var r route
	for k, visits := range sol.Routes {
		if len(visits) == 0 {
			continue
		}
		if err := p.roundFits(&r, k, visits); err != nil {
			return err
		}
	}
	return nil
}

// roundFits returns an EINFEASIBLE error if vehicle k cannot serve visits
// in order on its own: a window missed, no room for its break, back after
// its latest return, or over its working time. r is scratch. O(len(visits)).
func (p *Problem) roundFits(r *route, k int, visits []int) error {
	r.veh = int32(k)
	r.visits = r.visits[:0]
	for _, v := range visits {
		r.visits = append(r.visits, int32(v))
	}
	if r.update(p) {
		return nil
	}
	meta := p.meta
	veh := &p.Vehicles[k]
	offset := int32(meta.vehDay[k] * day)
	clock := func(t int32) rounds.Clock { return rounds.Clock(t - offset) }
	who := p.workerID(k)
	t, at, work := veh.Earliest, int32(veh.Start), int32(0) // the earliest times, the break aside
	for _, v := range r.visits {
		d := p.travel(k, at, p.loc[v])
		s, ok := p.earliestStart(v, t+d)
		if !ok {
			return p.infeasible(k, "visit %s cannot start within its windows: %s reaches it at %s at the earliest, after its last window closes at %s",
				meta.req.Visits[v].ID, who, clock(t+d), clock(p.lastEnd(v)))
		}
		t, at, work = s+p.dur[v], p.loc[v], work+d+p.dur[v]
	}
	home := p.travel(k, at, int32(veh.End))
	back, work := t+home, work+home
	if veh.Break.Duration > 0 {
		if _, _, _, ok := p.breakPlan(k, visits); !ok {
			return p.infeasible(k, "the round leaves %s no room for a %d-minute break starting by %s",
				who, veh.Break.Duration/60, clock(veh.Break.Window.End))
		}
		back = p.planReturn(k, visits)
	}
	shift := &meta.req.Workers[meta.vehWorker[k]].Shifts[meta.vehShift[k]]
	if back > veh.Latest {
		over := ""
		if shift.OvertimeMinutes > 0 {
			over = fmt.Sprintf(" and its %d minutes of overtime", shift.OvertimeMinutes)
		}
		return p.infeasible(k, "%s would be back at %s, after the shift ends at %s%s", who, clock(back), shift.End, over)
	}
	if work > p.maxWork[k] {
		return p.infeasible(k, "%s would work %d minutes (travel and visits), over the limit of %d", who, work/60, p.maxWork[k]/60)
	}
	return p.infeasible(k, "the round cannot keep its windows and %s's shift", who)
}

// unscheduled returns the EINFEASIBLE error of sol, whose rounds each fit
// on their own but leave no schedule: it names the double-handed and
// linked visits on its rounds.
func (p *Problem) unscheduled(sol *Solution) error {
	meta := p.meta
	on := make([]bool, len(p.Visits))
	for _, r := range sol.Routes {
		for _, v := range r {
			on[v] = true
		}
	}
	var ids []string
	for _, l := range p.Links {
		for _, v := range []int{l.From, l.To} {
			if id := meta.req.Visits[v].ID; on[l.From] && on[l.To] && !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	return rounds.Errorf(rounds.EINFEASIBLE, "the double-handed and linked visits %s cannot all start within their windows as their partners and links require",
		strings.Join(ids, ", "))
}

// notAllowed says why vehicle k may not serve visit v: another date, or
// the rule barOf names.
func (p *Problem) notAllowed(v, k int) string {
	meta := p.meta
	w := &meta.req.Workers[meta.vehWorker[k]]
	visit := &meta.req.Visits[v]
	if date := w.Shifts[meta.vehShift[k]].Date; visit.Date != date {
		return fmt.Sprintf("the visit is on %s, the round on %s", visit.Date, date)
	}
	c := &meta.req.Clients[p.Visits[v].Client-1]
	switch barOf(w, p.Vehicles[k].Skills, visit, p.Visits[v].Skills, c) {
	case barPin:
		return "the visit is pinned to " + visit.Pin.WorkerID
	case barDeclined:
		return "the client declined this worker"
	case barGender:
		return "the client asked for a " + c.GenderPreference + " worker"
	}
	var missing []string
	for _, s := range visit.Skills {
		if !slices.Contains(w.Skills, s) {
			missing = append(missing, string(s))
		}
	}
	return "the worker lacks the skills " + strings.Join(missing, ", ")
}

// workerID returns the ID of vehicle k's worker.
func (p *Problem) workerID(k int) string {
	return p.meta.req.Workers[p.meta.vehWorker[k]].ID
}

// infeasible returns an EINFEASIBLE error about vehicle k's round.
func (p *Problem) infeasible(k int, format string, args ...any) error {
	meta := p.meta
	date := meta.req.Workers[meta.vehWorker[k]].Shifts[meta.vehShift[k]].Date
	return rounds.Errorf(rounds.EINFEASIBLE, "the round of %s on %s: %s", p.workerID(k), date, fmt.Sprintf(format, args...))
}
