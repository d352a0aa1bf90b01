package validate

import (
	"strings"

	"github.com/roundsdev/rounds"
)

// routeKey identifies one worker's day.
type routeKey struct {
	workerID string
	date     rounds.Date
}

// routeSum is what a route really adds up to, recomputed from its starts.
type routeSum struct {
	travel, work, wait int
	// home is the journey home and ret the return time.
	home, ret int
	// known is false when the travel times cannot be recomputed because
	// the worker or a visit is unknown.
	known bool
}

// checkRoutes checks every route and its stops, and records who makes
// which visit and when.
func (c *checker) checkRoutes() {
	seen := make(map[routeKey]bool, len(c.r.Routes))
	for i := range c.r.Routes {
		rt := &c.r.Routes[i]
		key := routeKey{rt.WorkerID, rt.Date}
		if seen[key] {
			c.add(RuleDuplicateRoute, rt.WorkerID, "", rt.Date, "worker %s has more than one route on %s", rt.WorkerID, rt.Date)
		}
		seen[key] = true
		c.checkRoute(rt)
	}
}

// checkRoute checks one route against its worker and shift.
func (c *checker) checkRoute(rt *rounds.Route) {
	if len(rt.Stops) > 0 {
		c.usedWorkers[rt.WorkerID] = true
	}
	w := c.workers[rt.WorkerID]
	if w == nil {
		c.add(RuleUnknownWorker, rt.WorkerID, "", rt.Date, "the route of %s is for worker %s, who is not in the request", rt.Date, rt.WorkerID)
		c.walk(rt, nil)
		c.timesKnown = false
		return
	}
	c.checkRouteWorker(rt, w)
	shift := shiftOn(w, rt.Date)
	if shift == nil {
		c.add(RuleNoShift, w.ID, "", rt.Date, "worker %s has a route on %s but no shift that day", w.ID, rt.Date)
	} else if rt.Depart < shift.Start {
		c.add(RuleShiftStart, w.ID, "", rt.Date, "worker %s leaves at %s on %s, before their shift starts at %s", w.ID, rt.Depart, rt.Date, shift.Start)
	}
	sum := c.walk(rt, w)
	ret := int(rt.Return)
	if sum.known {
		ret = sum.ret
		c.checkReturn(rt, sum)
		c.checkRouteSums(rt, sum)
		if !c.limitExcused(rt) {
			c.checkWorkingTime(rt, w, shift, sum.work)
		}
		c.travel += sum.travel
		c.work += sum.work
		c.wait += sum.wait
	} else {
		c.timesKnown = false
	}
	if shift == nil {
		return
	}
	c.checkOvertime(rt, shift, ret)
	c.checkBreak(rt, shift)
	switch end := int(shift.End) + shift.OvertimeMinutes*60; {
	case ret <= end, c.limitExcused(rt):
	case shift.OvertimeMinutes > 0:
		c.add(RuleShiftEnd, w.ID, "", rt.Date, "worker %s gets back at %s on %s, after their shift ends at %s and its %s of overtime at %s",
			w.ID, clock(ret), rt.Date, shift.End, span(shift.OvertimeMinutes*60), clock(end))
	default:
		c.add(RuleShiftEnd, w.ID, "", rt.Date, "worker %s gets back at %s on %s, after their shift ends at %s", w.ID, clock(ret), rt.Date, shift.End)
	}
}

// checkOvertime checks the route's overtime seconds against its return
// at ret: the time after the shift end, at most the shift's overtime
// (a return beyond it breaks RuleShiftEnd).
func (c *checker) checkOvertime(rt *rounds.Route, shift *rounds.Shift, ret int) {
	real := min(max(0, ret-int(shift.End)), shift.OvertimeMinutes*60)
	c.overtime += real
	c.overtimeCost += int64(real) * c.req.Options.OvertimeCost() / 60
	if rt.OvertimeSeconds != real {
		c.add(RuleOvertime, rt.WorkerID, "", rt.Date, "%s gives %d s of overtime, but it gets back at %s and the shift ends at %s: %d s (%s)",
			routeName(rt), rt.OvertimeSeconds, clock(ret), shift.End, real, span(real))
	}
}

// shiftOn returns w's shift on date, or nil.
func shiftOn(w *rounds.Worker, date rounds.Date) *rounds.Shift {
	for i := range w.Shifts {
		if w.Shifts[i].Date == date {
			return &w.Shifts[i]
		}
	}
	return nil
}

// checkRouteWorker checks that the route travels and starts and ends where
// its worker does.
func (c *checker) checkRouteWorker(rt *rounds.Route, w *rounds.Worker) {
	var wrong []string
	if rt.TravelMode != w.TravelMode {
		wrong = append(wrong, "travels "+byMode(rt.TravelMode)+", but the worker travels "+byMode(w.TravelMode))
	}
	if rt.Start != w.Start {
		wrong = append(wrong, "starts at "+where(rt.Start)+", but the worker starts at "+where(w.Start))
	}
	if end := w.EndLocation(); rt.End != end {
		wrong = append(wrong, "ends at "+where(rt.End)+", but the worker ends at "+where(end))
	}
	if len(wrong) > 0 {
		c.add(RuleRouteWorker, w.ID, "", rt.Date, "%s %s", routeName(rt), strings.Join(wrong, "; it "))
	}
}

// checkReturn checks the route's return time against the recomputed one.
func (c *checker) checkReturn(rt *rounds.Route, sum routeSum) {
	if int(rt.Return) == sum.ret {
		return
	}
	if len(rt.Stops) == 0 {
		c.add(RuleReturn, rt.WorkerID, "", rt.Date, "%s has no visits, so it returns when it departs, %s, not %s", routeName(rt), rt.Depart, rt.Return)
		return
	}
	c.add(RuleReturn, rt.WorkerID, "", rt.Date, "%s says the worker gets back at %s, but the last visit ends at %s and the journey home takes %s: %s",
		routeName(rt), rt.Return, clock(sum.ret-sum.home), span(sum.home), clock(sum.ret))
}

// checkRouteSums checks the route's travel, work and wait seconds.
func (c *checker) checkRouteSums(rt *rounds.Route, sum routeSum) {
	for _, f := range []struct {
		what       string
		said, real int
	}{
		{"travel (including the journey home)", rt.TravelSeconds, sum.travel},
		{"work (travel plus visits)", rt.WorkSeconds, sum.work},
		{"waiting", rt.WaitSeconds, sum.wait},
	} {
		if f.said != f.real {
			c.add(RuleRouteSums, rt.WorkerID, "", rt.Date, "%s gives %d s of %s, but its legs and visits add up to %d s (%s)", routeName(rt), f.said, f.what, f.real, span(f.real))
		}
	}
}

// checkWorkingTime checks travel plus visit time against the cap of the
// shift, or else of the worker.
func (c *checker) checkWorkingTime(rt *rounds.Route, w *rounds.Worker, shift *rounds.Shift, work int) {
	capMinutes := w.MaxWorkMinutes
	if shift != nil && shift.MaxWorkMinutes > 0 {
		capMinutes = shift.MaxWorkMinutes
	}
	if capMinutes > 0 && work > capMinutes*60 {
		c.add(RuleWorkingTime, w.ID, "", rt.Date, "worker %s works %s on %s (travel plus visits), over their limit of %s", w.ID, span(work), rt.Date, span(capMinutes*60))
	}
}
