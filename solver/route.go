package solver

import "math"

// route is one vehicle's sequence of visits with cached forward and
// backward data, so that inserting a visit or joining a prefix to a suffix
// is checked in O(1). Position 0 is the start depot, position m+1 the end
// depot and position p in 1..m holds visits[p-1].
type route struct {
	veh    int32
	visits []int32
	lc     []int32 // location per position
	du     []int32 // service duration per position (0 at depots)
	es     []int32 // earliest service start per position (arrival at the end depot)
	ls     []int32 // latest service start per position keeping the rest feasible
	trav   []int32 // travel from the start up to arriving at the position
	sv     []int32 // service time of positions 0..p inclusive
	ld     []int32 // demand of positions 0..p inclusive
	e0     []int32 // problems with breaks: earliest start with the break still to take
	e1     []int32 // ... with the break taken before the position
	l0     []int32 // ... latest start with the break still to take after it
	gap    int32   // visits before the break in the schedule (breakHere), -1 without one
	as     []int64 // assignment costs of positions 0..p inclusive (problems with assignment costs only)
	cost   int64   // travel plus fixed, assignment, overtime and balance costs; 0 when empty
	over   int64   // overtime cost, part of cost
	bal    int64   // balance cost, part of cost
	// counted is whether the route is in state.used
	counted bool
}

// size returns the number of visits.
func (r *route) size() int { return len(r.visits) }

// last returns the end depot position.
func (r *route) last() int { return len(r.visits) + 1 }

// work returns travel plus service time of the route.
func (r *route) work() int32 { m := r.last(); return r.trav[m] + r.sv[m] }

// service returns the summed service time of the route.
func (r *route) service() int32 { return r.sv[r.last()] }

// load returns the summed demand of the route.
func (r *route) load() int32 { return r.ld[r.last()] }

// update recomputes every cached array from visits. It reports whether the
// route is feasible; callers only keep feasible routes. O(m).
func (r *route) update(p *Problem) bool {
	k := int(r.veh)
	veh := &p.Vehicles[k]
	m := len(r.visits)
	n := m + 2
	r.lc = resize(r.lc, n)
	r.du = resize(r.du, n)
	r.es = resize(r.es, n)
	r.ls = resize(r.ls, n)
	r.trav = resize(r.trav, n)
	r.sv = resize(r.sv, n)
	r.ld = resize(r.ld, n)
	r.lc[0], r.du[0], r.lc[n-1], r.du[n-1] = int32(veh.Start), 0, int32(veh.End), 0
	for i, v := range r.visits {
		r.lc[i+1], r.du[i+1] = p.loc[v], p.dur[v]
	}
	if p.assigns {
		r.fillAssign(p)
	}
	mat := &p.Travel[veh.Profile]
	ok := true
	r.es[0], r.trav[0], r.sv[0], r.ld[0] = veh.Earliest, 0, 0, 0
	for q := 1; q < n; q++ {
		t := mat.Values[int(r.lc[q-1])*mat.N+int(r.lc[q])]
		a := r.es[q-1] + r.du[q-1] + t
		r.trav[q] = r.trav[q-1] + t
		r.sv[q] = r.sv[q-1] + r.du[q]
		r.ld[q] = r.ld[q-1]
		if q < n-1 {
			v := r.visits[q-1]
			r.ld[q] += p.demand[v]
			s, fits := p.earliestStart(v, a)
			if !fits {
				ok, s = false, a
			}
			r.es[q] = s
		} else {
			r.es[q] = a
		}
	}
	r.ls[n-1] = veh.Latest
	for q := n - 2; q >= 0; q-- {
		t := mat.Values[int(r.lc[q])*mat.N+int(r.lc[q+1])]
		b := r.ls[q+1] - t - r.du[q]
		if q == 0 {
			r.ls[0] = b
			break
		}
		s, fits := p.latestStart(r.visits[q-1], b)
		if !fits {
			ok, s = false, math.MinInt32/2
		}
		r.ls[q] = s
	}
	r.gap = -1
	if p.breaks {
		ok = r.breakTimes(p)
	}
	r.over, r.bal = 0, 0
	if m == 0 {
		r.cost = 0
		return true
	}
	r.cost = int64(r.trav[n-1]) + veh.FixedCost
	if p.assigns {
		r.cost += r.as[n-1]
	}
	if p.overtime {
		r.over = p.overtimeCost(k, r.es[n-1])
		r.cost += r.over
	}
	if p.balance {
		r.bal = p.balanceCost(k, r.service())
		r.cost += r.bal
	}
	return ok && r.es[n-1] <= veh.Latest && r.es[0] <= r.ls[0] &&
		r.work() <= p.maxWork[k] && r.load() <= p.capacity[k]
}

// fillAssign fills the prefix sums of assignment costs. O(m).
func (r *route) fillAssign(p *Problem) {
	n := len(r.visits) + 2
	if cap(r.as) < n {
		r.as = make([]int64, n, n+n/2+4)
	}
	r.as = r.as[:n]
	r.as[0] = 0
	for i, v := range r.visits {
		r.as[i+1] = r.as[i] + p.assignCost(v, r.veh)
	}
	r.as[n-1] = r.as[n-2]
}

func resize(s []int32, n int) []int32 {
	if cap(s) < n {
		return make([]int32, n, n+n/2+4)
	}
	return s[:n]
}

// free returns how much working time (travel plus service) r's vehicle
// has left under its cap; the whole cap when r is empty, as a visit then
// replaces the empty round's travel.
func (r *route) free(p *Problem) int32 {
	if r.size() == 0 {
		return p.maxWork[r.veh]
	}
	return p.maxWork[r.veh] - r.work()
}

// firstFit returns the first position pos (0..m+1) whose next stop's
// latest start r.ls[pos+1] is at least t. A visit that cannot end before
// t (its first window's start plus its duration) does not fit between pos
// and pos+1 for any earlier pos, travel being never negative. Latest
// starts grow along a feasible route, so this bisects. With a break the
// labels r.ls ignore it, so they only overstate the true latest starts:
// the positions skipped still cannot take the visit.
func (r *route) firstFit(t int32) int {
	lo, hi := 0, len(r.visits)+1
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if r.ls[mid+1] < t {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// insertDelta returns the change in travel from inserting visit v between
// positions pos and pos+1 of r, and false if that is infeasible. O(windows).
func (r *route) insertDelta(p *Problem, v int32, pos int) (int32, bool) {
	k := int(r.veh)
	mat := &p.Travel[p.Vehicles[k].Profile]
	lv := int(p.loc[v])
	a, b := int(r.lc[pos]), int(r.lc[pos+1])
	tav := mat.Values[a*mat.N+lv]
	tvb := mat.Values[lv*mat.N+b]
	if p.breaks {
		if !r.breakFits(p, v, pos, tav, tvb) {
			return 0, false
		}
	} else if s, ok := p.earliestStart(v, r.es[pos]+r.du[pos]+tav); !ok || s+p.dur[v]+tvb > r.ls[pos+1] {
		return 0, false
	}
	d := tav + tvb - mat.Values[a*mat.N+b]
	m := r.last()
	if r.trav[m]+r.sv[m]+d+p.dur[v] > p.maxWork[k] || r.ld[m]+p.demand[v] > p.capacity[k] {
		return 0, false
	}
	return d, true
}

// insertCost returns the change in route cost from inserting v at pos
// (including the fixed cost when the route was empty, v's assignment
// cost and the changes in overtime and balance costs).
func (r *route) insertCost(p *Problem, v int32, pos int) (int64, bool) {
	d, ok := r.insertDelta(p, v, pos)
	if !ok {
		return 0, false
	}
	c := int64(d) + p.assignCost(v, r.veh)
	if p.overtime && p.breaks {
		k := int(r.veh)
		f0, f1 := p.stepBreak(k, v, free(r.e0[pos], r.du[pos]), free(r.e1[pos], r.du[pos]), p.travel(k, r.lc[pos], p.loc[v]))
		c += p.overtimeCost(k, p.returnAfter(k, r, pos+1, p.loc[v], f0, f1)) - r.over
	} else if p.overtime {
		k := int(r.veh)
		s, _ := p.earliestStart(v, r.es[pos]+r.du[pos]+p.travel(k, r.lc[pos], p.loc[v]))
		c += p.suffixOvertime(k, r, pos+1, s+p.dur[v]+p.travel(k, p.loc[v], r.lc[pos+1])) - r.over
	}
	if p.balance {
		c += p.balanceCost(int(r.veh), r.service()+p.dur[v]) - r.bal
	}
	if len(r.visits) == 0 {
		return c + int64(p.travel(int(r.veh), r.lc[0], r.lc[1])) + p.Vehicles[r.veh].FixedCost, true
	}
	return c, true
}

// chain evaluates a route built by joining the prefix of a (positions
// 0..i, a's own vehicle), explicit visits mid, and the suffix of b from
// position j (j >= 1; j = b.last() means just b's end depot). The result
// runs on a's vehicle. It returns the new route cost and whether the route
// is feasible. It does not allocate; it is O(1) plus O(len(mid)), plus the
// suffix length when b's vehicle is not interchangeable with a's.
func (p *Problem) chain(a *route, i int, mid []int32, b *route, j int) (int64, bool) {
	if p.breaks {
		return p.chainBreak(a, i, mid, b, j)
	}
	k := int(a.veh)
	veh := &p.Vehicles[k]
	mat := &p.Travel[veh.Profile]
	t := a.es[i] + a.du[i]
	at := a.lc[i]
	trav := a.trav[i]
	work := a.trav[i] + a.sv[i]
	load := a.ld[i]
	var assign int64
	if p.assigns {
		assign = a.as[i]
	}
	n := i + len(mid)
	for _, v := range mid {
		if !p.Allowed(int(v), k) {
			return 0, false
		}
		assign += p.assignCost(v, a.veh)
		lv := p.loc[v]
		d := mat.Values[int(at)*mat.N+int(lv)]
		s, ok := p.earliestStart(v, t+d)
		if !ok {
			return 0, false
		}
		t, at = s+p.dur[v], lv
		trav += d
		work += d + p.dur[v]
		load += p.demand[v]
	}
	bl := b.last()
	var over int64
	if b.veh == a.veh || p.class[b.veh] == p.class[a.veh] {
		n += bl - j
		d := mat.Values[int(at)*mat.N+int(b.lc[j])]
		if t+d > b.ls[j] {
			return 0, false
		}
		if p.overtime {
			over = p.suffixOvertime(k, b, j, t+d)
		}
		trav += d + b.trav[bl] - b.trav[j]
		work += d + b.trav[bl] - b.trav[j] + b.sv[bl] - b.sv[j-1]
		load += b.ld[bl] - b.ld[j-1]
		if p.assigns {
			assign += b.as[bl] - b.as[j-1]
		}
	} else {
		for q := j; q < bl; q++ {
			v := b.visits[q-1]
			if !p.Allowed(int(v), k) {
				return 0, false
			}
			assign += p.assignCost(v, a.veh)
			lv := p.loc[v]
			d := mat.Values[int(at)*mat.N+int(lv)]
			s, ok := p.earliestStart(v, t+d)
			if !ok {
				return 0, false
			}
			t, at = s+p.dur[v], lv
			trav += d
			work += d + p.dur[v]
			load += p.demand[v]
			n++
		}
		d := mat.Values[int(at)*mat.N+veh.End]
		if t+d > veh.Latest {
			return 0, false
		}
		trav += d
		work += d
		over = p.overtimeCost(k, t+d)
	}
	if work > p.maxWork[k] || load > p.capacity[k] {
		return 0, false
	}
	if n == 0 {
		return 0, true
	}
	return int64(trav) + veh.FixedCost + assign + over + p.balanceCost(k, work-trav), true
}
