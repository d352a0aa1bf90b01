package solver

import "fmt"

// Check verifies a solution from scratch, without the search's cached
// data: every visit is on exactly one route or listed unassigned once,
// each vehicle may carry its visits, every start lies in a window, every
// vehicle is back in time (with room for its break, if it has one),
// within its working time and capacity, the two
// halves of a pair are both served by different vehicles or neither, the
// links have a schedule (Schedule), and Cost, Travel, Lateness,
// Assignment, Overtime and Balance match (the overtime of a problem with
// links or soft windows from the returns that Schedule gives) and
// Continuity.
// It returns the first broken rule. O(V + K) without links, the cost of
// Schedule with them.
func (p *Problem) Check(sol *Solution) error {
	if len(sol.Routes) != len(p.Vehicles) {
		return fmt.Errorf("solution has %d routes for %d vehicles", len(sol.Routes), len(p.Vehicles))
	}
	seen := make([]int, len(p.Visits))
	var travel, pen, assign, over, bal int64
	for k, r := range sol.Routes {
		if len(r) == 0 {
			continue
		}
		c, o, b, err := p.checkRoute(k, r, seen)
		if err != nil {
			return fmt.Errorf("route %d: %w", k, err)
		}
		travel += c
		over += o
		bal += b
		for _, v := range r {
			assign += p.preferenceCost(v, k) + p.networkCost(v, k)
		}
	}
	for _, v := range sol.Unassigned {
		if v < 0 || v >= len(p.Visits) {
			return fmt.Errorf("unassigned visit %d does not exist", v)
		}
		seen[v]++
		pen += p.Visits[v].Penalty
	}
	for v, n := range seen {
		if n != 1 {
			return fmt.Errorf("visit %d appears %d times", v, n)
		}
	}
	var late int64
	if p.rich {
		starts, err := p.checkLinks(sol)
		if err != nil {
			return err
		}
		late = p.latenessCost(starts)
		over = p.scheduledOvertime(sol.Routes, starts)
	}
	cont := p.continuity(sol.Routes)
	if travel != sol.Travel || late != sol.Lateness || assign != sol.Assignment || over != sol.Overtime ||
		bal != sol.Balance || cont != sol.Continuity || travel+pen+late+assign+over+bal+cont != sol.Cost {
		return fmt.Errorf("cost %d (travel %d, lateness %d, assignment %d, overtime %d, balance %d, continuity %d) reported, %d (travel %d, lateness %d, assignment %d, overtime %d, balance %d, continuity %d) computed",
			sol.Cost, sol.Travel, sol.Lateness, sol.Assignment, sol.Overtime, sol.Balance, sol.Continuity,
			travel+pen+late+assign+over+bal+cont, travel, late, assign, over, bal, cont)
	}
	return nil
}

// checkLinks checks the pairs and the schedule of a solution whose routes
// are otherwise valid, and returns its schedule.
func (p *Problem) checkLinks(sol *Solution) ([]int32, error) {
	vehOf := make([]int, len(p.Visits))
	for v := range vehOf {
		vehOf[v] = -1
	}
	for k, r := range sol.Routes {
		for _, v := range r {
			vehOf[v] = k
		}
	}
	for _, l := range p.Links {
		a, b := vehOf[l.From], vehOf[l.To]
		switch {
		case !l.Pair:
		case (a < 0) != (b < 0):
			return nil, fmt.Errorf("pair %d-%d: one half is served and the other is not", l.From, l.To)
		case a >= 0 && a == b:
			return nil, fmt.Errorf("pair %d-%d: both halves ride vehicle %d", l.From, l.To, a)
		}
	}
	return p.Schedule(sol.Routes)
}

// checkRoute returns the travel and fixed cost of vehicle k serving visits
// r in order, the overtime cost of its earliest return and the balance
// cost of its work.
func (p *Problem) checkRoute(k int, r []int, seen []int) (int64, int64, int64, error) {
	veh := &p.Vehicles[k]
	m := p.Travel[veh.Profile]
	t := int64(veh.Earliest)
	at := veh.Start
	var travel, work, load int64
	for _, v := range r {
		if v < 0 || v >= len(p.Visits) {
			return 0, 0, 0, fmt.Errorf("visit %d does not exist", v)
		}
		seen[v]++
		vis := &p.Visits[v]
		if !p.Allowed(v, k) {
			return 0, 0, 0, fmt.Errorf("visit %d may not ride vehicle %d", v, k)
		}
		d := int64(m.At(at, vis.Location))
		t += d
		start := int64(-1)
		for _, w := range vis.Windows {
			if t <= int64(w.End) {
				start = max(t, int64(w.Start))
				break
			}
		}
		if start < 0 {
			return 0, 0, 0, fmt.Errorf("visit %d: arrival %d after its last window", v, t)
		}
		t = start + int64(vis.Duration)
		travel += d
		work += d + int64(vis.Duration)
		load += int64(vis.Demand)
		at = vis.Location
	}
	d := int64(m.At(at, veh.End))
	t += d
	travel += d
	work += d
	if veh.Break.Duration > 0 {
		if _, _, _, ok := p.breakPlan(k, r); !ok {
			return 0, 0, 0, fmt.Errorf("no break of %d fits in %d-%d", veh.Break.Duration, veh.Break.Window.Start, veh.Break.Window.End)
		}
		t = int64(p.planReturn(k, r))
	}
	switch {
	case t > int64(veh.Latest):
		return 0, 0, 0, fmt.Errorf("returns at %d after %d", t, veh.Latest)
	case veh.MaxWork > 0 && work > int64(veh.MaxWork):
		return 0, 0, 0, fmt.Errorf("works %d over %d", work, veh.MaxWork)
	case veh.Capacity > 0 && load > int64(veh.Capacity):
		return 0, 0, 0, fmt.Errorf("load %d over %d", load, veh.Capacity)
	}
	var over int64
	if veh.OvertimeCost > 0 && t > int64(veh.OvertimeStart) {
		over = (t - int64(veh.OvertimeStart)) * veh.OvertimeCost / 60
	}
	var bal int64
	if above := work - travel - int64(veh.BalanceTarget); veh.BalanceCost > 0 && above > 0 {
		bal = above * veh.BalanceCost / 60
	}
	return travel + veh.FixedCost, over, bal, nil
}
