package solver

// overtimeCost returns the overtime cost of vehicle k returning at back.
// O(1).
func (p *Problem) overtimeCost(k int, back int32) int64 {
	veh := &p.Vehicles[k]
	if over := back - veh.OvertimeStart; veh.OvertimeCost > 0 && over > 0 {
		return int64(over) * veh.OvertimeCost / 60
	}
	return 0
}

// returnFrom returns the earliest return of vehicle k (of r's class)
// arriving at time t at position j of r and then serving r's visits from
// j on. The caller has checked that the suffix is feasible from t.
// O(len(r) − j).
func (p *Problem) returnFrom(k int, r *route, j int, t int32) int32 {
	mat := &p.Travel[p.Vehicles[k].Profile]
	for q := j; q < r.last(); q++ {
		s, ok := p.earliestStart(r.visits[q-1], t)
		if !ok {
			s = t
		}
		t = s + r.du[q] + mat.Values[int(r.lc[q])*mat.N+int(r.lc[q+1])]
	}
	return t
}

// suffixOvertime returns the overtime cost of vehicle k arriving at time
// t at position j of r (r's vehicle of k's class) and finishing r from
// there. It is O(1) when the arrival is no later than r's own and r has
// no overtime, else O(len(r) − j).
func (p *Problem) suffixOvertime(k int, r *route, j int, t int32) int64 {
	if p.Vehicles[k].OvertimeCost == 0 {
		return 0
	}
	if r.over == 0 && j > 0 && len(r.visits) > 0 {
		mat := &p.Travel[p.Vehicles[k].Profile]
		if t <= r.es[j-1]+r.du[j-1]+mat.Values[int(r.lc[j-1])*mat.N+int(r.lc[j])] {
			return 0
		}
	}
	return p.overtimeCost(k, p.returnFrom(k, r, j, t))
}

// scheduledReturn returns when vehicle k, serving visits r at the given
// starts with its break after gap of them (-1 without one), is back. O(1).
func (p *Problem) scheduledReturn(k int, r []int, gap int, starts []int32) int32 {
	veh := &p.Vehicles[k]
	if len(r) == 0 {
		return veh.Earliest
	}
	v := r[len(r)-1]
	t := starts[v] + p.dur[v]
	if gap == len(r) {
		t = p.breakAfter(k, t)
	}
	return t + p.travel(k, p.loc[v], int32(veh.End))
}

// scheduledOvertime returns the overtime cost of routes served at the
// given starts. O(K), plus the routes' lengths with breaks.
func (p *Problem) scheduledOvertime(routes [][]int, starts []int32) int64 {
	var sum int64
	for k, r := range routes {
		if len(r) > 0 {
			gap := -1
			if p.Vehicles[k].Break.Duration > 0 {
				_, gap, _, _ = p.breakPlan(k, r)
			}
			sum += p.overtimeCost(k, p.scheduledReturn(k, r, gap, starts))
		}
	}
	return sum
}

// routeOvertime returns the summed overtime costs of the routes, from
// their earliest returns. O(K) with overtime, O(1) without.
func (s *state) routeOvertime() int64 {
	if !s.p.overtime {
		return 0
	}
	var sum int64
	for k := range s.routes {
		sum += s.routes[k].over
	}
	return sum
}

// fixOvertime sets overFix, the difference between the overtime cost of
// the returns of the schedule of a rich problem and the routes' own,
// which links can make later than the earliest. O(K).
func (s *state) fixOvertime() {
	s.overFix = 0
	if !s.p.overtime || s.broken {
		return
	}
	for k := range s.routes {
		r := &s.routes[k]
		if len(r.visits) == 0 {
			continue
		}
		v := r.visits[len(r.visits)-1]
		t := s.start[v] + s.p.dur[v]
		if int(r.gap) == len(r.visits) {
			t = s.p.breakAfter(k, t)
		}
		back := t + s.p.travel(k, s.p.loc[v], int32(s.p.Vehicles[k].End))
		s.overFix += s.p.overtimeCost(k, back) - r.over
	}
}
