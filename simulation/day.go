package simulation

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/geo"
)

// made is a visit made on its day: when it started and by whom.
type made struct {
	start   rounds.Clock
	workers []string
}

// dayRun is a planned day as it ran.
type dayRun struct {
	made map[string]made // by visit id
	// travelSeconds and visitSeconds sum the routes' journeys (the one
	// home included) and visits (each worker's own).
	travelSeconds, visitSeconds int
	overtimeSeconds             int
	// workedSeconds and shiftSeconds are per role: travel and visits, and
	// the length of the shifts of every worker on shift.
	workedSeconds, shiftSeconds map[rounds.Role]int
}

// routeRun follows one worker's round through the day.
type routeRun struct {
	rt     *rounds.Route
	worker *rounds.Worker
	shift  rounds.Shift
	travel geo.Matrix // 0 the start, 1..n the stops, n+1 the end
	next   int        // index of the next stop
	at     int        // point where the worker is
	t      rounds.Clock
	// waiting is set while the worker is at a double-handed visit whose
	// partner has not come.
	waiting                     bool
	travelSeconds, visitSeconds int
	madeAny                     bool
}

// arrival is a worker at a double-handed visit, waiting for the other.
type arrival struct {
	route int
	at    rounds.Clock
}

// runDay runs a day's plan. Each worker leaves when planned and goes
// round their stops in order, the worker who is free soonest moving first,
// so that the state of the day is known at every time (where dispatch
// will stop the clock at each referral). Journeys and visits take their
// planned time times a log-normal factor of mean 1 (Variation); a worker
// waits for a visit's window and for the partner of a double-handed
// visit; a cancelled visit is skipped, and so is one the worker would
// start more than LateGraceMinutes after its window or finish more than
// OvertimeMinutes after their shift. Every draw comes from the visit's
// own stream (and the worker's, for a journey). It takes O(stops ×
// routes) after one small travel matrix per route.
func (r *replication) runDay(ctx context.Context, req *rounds.Request, roster *rounds.Roster, cancelled map[string]bool) (*dayRun, error) {
	visits := make(map[string]*rounds.Visit, len(req.Visits))
	for i := range req.Visits {
		visits[req.Visits[i].ID] = &req.Visits[i]
	}
	workers := make(map[string]*rounds.Worker, len(req.Workers))
	for i := range req.Workers {
		workers[req.Workers[i].ID] = &req.Workers[i]
	}
	out := &dayRun{made: map[string]made{}, workedSeconds: map[rounds.Role]int{}, shiftSeconds: map[rounds.Role]int{}}
	for _, w := range req.Workers {
		for _, sh := range w.Shifts {
			out.shiftSeconds[w.Role] += int(sh.End - sh.Start)
		}
	}
	routes := make([]*routeRun, 0, len(roster.Routes))
	for i := range roster.Routes {
		rt := &roster.Routes[i]
		w := workers[rt.WorkerID]
		if w == nil || len(w.Shifts) == 0 || len(rt.Stops) == 0 {
			continue
		}
		points := make([]geo.Point, 0, len(rt.Stops)+2)
		points = append(points, rt.Start.Point())
		for _, s := range rt.Stops {
			points = append(points, s.Location.Point())
		}
		points = append(points, rt.End.Point())
		m, err := r.src.Matrix(ctx, points, rt.TravelMode)
		if err != nil {
			return nil, fmt.Errorf("travel times of %s's round: %w", rt.WorkerID, err)
		}
		routes = append(routes, &routeRun{rt: rt, worker: w, shift: w.Shifts[0], travel: m, t: rt.Depart})
	}
	vary := &r.plan.demand.Day
	grace := rounds.Clock(vary.LateGraceMinutes * 60)
	overtime := rounds.Clock(vary.OvertimeMinutes * 60)
	waiting := map[string][]arrival{}
	failed := map[string]bool{} // double-handed visits given up
	// arrive returns when route ri reaches its next stop.
	arrive := func(rr *routeRun) rounds.Clock {
		s := &rr.rt.Stops[rr.next]
		f := r.factor(keyTravel, rr.rt.WorkerID+"|"+s.VisitID, vary.TravelSpread)
		return rr.t + rounds.Clock(math.Round(float64(rr.travel.At(rr.at, rr.next+1))*f))
	}
	// window returns the window a visit planned to start at planned keeps
	// to: the one holding its planned start.
	window := func(v *rounds.Visit, planned rounds.Clock) rounds.Window {
		for _, w := range v.Windows {
			if w.Contains(planned) {
				return w
			}
		}
		w := rounds.ServiceHours
		if latest, ok := v.LatestStart(); ok {
			w.End = latest
		}
		if v.ReferredAt != nil {
			w.Start = *v.ReferredAt
		}
		return w
	}
	// visit makes (or skips, when made is false) rr's next stop.
	visit := func(rr *routeRun, reached, start, end rounds.Clock, ok bool) {
		if ok {
			rr.travelSeconds += int(reached - rr.t)
			rr.visitSeconds += int(end - start)
			rr.t, rr.at, rr.madeAny = end, rr.next+1, true
		}
		rr.next++
		rr.waiting = false
	}
	fits := func(rr *routeRun, w rounds.Window, start, end rounds.Clock) bool {
		return start <= w.End+grace && end <= rr.shift.End+overtime
	}
	for {
		ri := nextRoute(routes)
		if ri < 0 {
			// Whoever still waits, waits for a partner who will not come:
			// the partner skipped the visit or never had it.
			if len(waiting) == 0 {
				break
			}
			for id, pair := range waiting {
				for _, a := range pair {
					visit(routes[a.route], 0, 0, 0, false)
				}
				failed[id] = true
				delete(waiting, id)
			}
			continue
		}
		rr := routes[ri]
		s := &rr.rt.Stops[rr.next]
		v := visits[s.VisitID]
		if cancelled[v.ID] || failed[v.ID] {
			visit(rr, 0, 0, 0, false)
			continue
		}
		reached := arrive(rr)
		w := window(v, s.Start)
		dur := rounds.Clock(math.Round(float64(v.DurationMinutes*60) * r.factor(keyVisit, v.ID, vary.DurationSpread)))
		if v.Workers() == 1 {
			start := max(reached, w.Start)
			ok := fits(rr, w, start, start+dur)
			if ok {
				out.made[v.ID] = made{start: start, workers: []string{rr.rt.WorkerID}}
			}
			visit(rr, reached, start, start+dur, ok)
			continue
		}
		waiting[v.ID] = append(waiting[v.ID], arrival{ri, reached})
		if len(waiting[v.ID]) < 2 {
			rr.waiting = true
			continue
		}
		pair := waiting[v.ID]
		delete(waiting, v.ID)
		a, b := routes[pair[0].route], routes[pair[1].route]
		start := max(pair[0].at, pair[1].at, w.Start)
		ok := fits(a, w, start, start+dur) && fits(b, w, start, start+dur)
		if ok {
			out.made[v.ID] = made{start: start, workers: []string{a.rt.WorkerID, b.rt.WorkerID}}
		}
		visit(a, pair[0].at, start, start+dur, ok)
		visit(b, pair[1].at, start, start+dur, ok)
	}
	for _, rr := range routes {
		if !rr.madeAny {
			continue
		}
		f := r.factor(keyTravel, rr.rt.WorkerID+"|home", vary.TravelSpread)
		home := rounds.Clock(math.Round(float64(rr.travel.At(rr.at, len(rr.rt.Stops)+1)) * f))
		rr.travelSeconds += int(home)
		out.travelSeconds += rr.travelSeconds
		out.visitSeconds += rr.visitSeconds
		out.overtimeSeconds += max(0, int(rr.t+home-rr.shift.End))
		out.workedSeconds[rr.worker.Role] += rr.travelSeconds + rr.visitSeconds
	}
	return out, nil
}

// nextRoute returns the index of the route that is free soonest with
// stops left and not waiting for a partner (the first of equals), or -1.
// It takes O(routes).
func nextRoute(routes []*routeRun) int {
	best := -1
	for i, rr := range routes {
		if rr.waiting || rr.next >= len(rr.rt.Stops) {
			continue
		}
		if best < 0 || rr.t < routes[best].t {
			best = i
		}
	}
	return best
}

// factor draws the log-normal factor, of mean 1 and log standard
// deviation spread, by which the thing named (a visit, or a worker's
// journey to one) departs from its plan, from its own stream.
func (r *replication) factor(key uint64, name string, spread float64) float64 {
	if spread == 0 {
		return 1
	}
	rng := stream(r.plan.file.Seed, key, uint64(r.rep), hashOf(name))
	return distuv.LogNormal{Mu: -spread * spread / 2, Sigma: spread, Src: rng}.Rand()
}

// cancelledOn reports whether the client cancels the visit on the day.
func (r *replication) cancelledOn(id string) bool {
	share := r.plan.demand.Day.CancelShare
	if share == 0 {
		return false
	}
	return stream(r.plan.file.Seed, keyVisit, uint64(r.rep), hashOf(id), 1).Float64() < share
}
