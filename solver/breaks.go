package solver

import "math"

// Break is a pause a route must hold: Duration long, starting inside
// Window, taken between two stops (after a visit or before leaving the
// start, and before travelling on). A Duration of 0 means no break; a
// route without visits needs none.
type Break struct {
	Duration int32
	Window   Window
}

// unreachable marks a time that cannot be reached; far enough from the int32
// limits that adding a travel time or a duration does not overflow.
const unreachable = math.MaxInt32 / 4

// Routes of vehicles with a break keep two labels per position: the
// earliest start with the break still to take (e0) and with it taken
// before the position (e1), and the latest start with the break still to
// take after the position (l0; ls is the latest with none left to take).
// Travel does not depend on where the break is, so placing it is a
// question of time only, and the earliest labels are exact.

// breakAfter returns when vehicle k, free at time f, ends its break taken
// at once (after waiting for the window), or unreachable if the window has
// passed. Without a break it returns f. O(1).
func (p *Problem) breakAfter(k int, f int32) int32 {
	b := &p.Vehicles[k].Break
	if f >= unreachable || b.Duration == 0 {
		return f
	}
	s := max(f, b.Window.Start)
	if s > b.Window.End {
		return unreachable
	}
	return s + b.Duration
}

// breakBefore returns the latest time vehicle k can be free and still end
// a break by l, or -unreachable. Without a break it returns l. O(1).
func (p *Problem) breakBefore(k int, l int32) int32 {
	b := &p.Vehicles[k].Break
	if l <= -unreachable || b.Duration == 0 {
		return l
	}
	s := min(l-b.Duration, b.Window.End)
	if s < b.Window.Start {
		return -unreachable
	}
	return s
}

// breakHere reports whether vehicle k, free at f0 with its break to take
// or at f1 with it taken, ends its break earliest by taking it now. The
// break of a route follows the last visit where this holds (breakPlan,
// route.gap): every later visit then starts as early as any placement
// allows, and no earlier placement lets any visit start earlier. O(1).
func (p *Problem) breakHere(k int, f0, f1 int32) bool {
	return p.breakAfter(k, f0) <= f1
}

// startAt returns the earliest start of v reached by travel d after
// being free at f, or unreachable. O(windows).
func (p *Problem) startAt(v int32, f, d int32) int32 {
	if f >= unreachable {
		return unreachable
	}
	s, ok := p.earliestStart(v, f+d)
	if !ok {
		return unreachable
	}
	return s
}

// endAt returns the latest start of v that leaves it free by l, or
// -unreachable. O(windows).
func (p *Problem) endAt(v int32, l int32) int32 {
	if l <= -unreachable {
		return -unreachable
	}
	s, ok := p.latestStart(v, l-p.dur[v])
	if !ok {
		return -unreachable
	}
	return s
}

// free returns when a stop started at s for d is over, or unreachable.
func free(s, d int32) int32 {
	if s >= unreachable {
		return unreachable
	}
	return s + d
}

// stepBreak returns the labels at the end of visit v reached by travel d
// from a place vehicle k is free at f0 (break to take) or f1 (taken).
// O(windows).
func (p *Problem) stepBreak(k int, v int32, f0, f1, d int32) (int32, int32) {
	f1 = min(f1, p.breakAfter(k, f0))
	return free(p.startAt(v, f0, d), p.dur[v]), free(p.startAt(v, f1, d), p.dur[v])
}

// joinBreak reports whether vehicle k, free at f0 or f1, reaches by
// travel d a position whose latest starts are l0 and l1. O(1).
func (p *Problem) joinBreak(k int, f0, f1, d, l0, l1 int32) bool {
	if f := min(f1, p.breakAfter(k, f0)); f < unreachable && f+d <= l1 {
		return true
	}
	return f0 < unreachable && f0+d <= l0
}

// breakTimes fills the labels of a route of a problem with breaks and es
// and ls (the earliest start in either state, the latest with the break
// taken; es at the end depot is the return with the break), and reports
// whether the route is back in time. O(m).
func (r *route) breakTimes(p *Problem) bool {
	k := int(r.veh)
	veh := &p.Vehicles[k]
	mat := &p.Travel[veh.Profile]
	n := len(r.visits) + 2
	r.e0, r.e1, r.l0 = resize(r.e0, n), resize(r.e1, n), resize(r.l0, n)
	r.e0[0], r.e1[0] = veh.Earliest, unreachable
	for q := 1; q < n; q++ {
		t := mat.Values[int(r.lc[q-1])*mat.N+int(r.lc[q])]
		f0, f1 := free(r.e0[q-1], r.du[q-1]), free(r.e1[q-1], r.du[q-1])
		f1 = min(f1, p.breakAfter(k, f0))
		if q == n-1 {
			r.e0[q], r.e1[q] = unreachable, unreachable
			if f1 < unreachable {
				r.e1[q] = f1 + t
			}
			break
		}
		v := r.visits[q-1]
		r.e0[q], r.e1[q] = p.startAt(v, f0, t), p.startAt(v, f1, t)
	}
	r.l0[n-1] = -unreachable
	l1 := veh.Latest // the latest start at q+1 with the break taken
	for q := n - 2; q >= 0; q-- {
		t := mat.Values[int(r.lc[q])*mat.N+int(r.lc[q+1])]
		b1 := l1 - t
		b0 := max(r.l0[q+1]-t, p.breakBefore(k, b1))
		if q == 0 {
			l1, r.l0[0] = b1, b0
			break
		}
		v := r.visits[q-1]
		l1, r.l0[q] = p.endAt(v, b1), p.endAt(v, b0)
		if n > 2 {
			r.ls[q] = l1
		}
	}
	if n == 2 { // an empty route needs no break: keep its plain times
		return true
	}
	if veh.Break.Duration > 0 {
		g := n - 2
		for g > 0 && !p.breakHere(k, free(r.e0[g], r.du[g]), free(r.e1[g], r.du[g])) {
			g--
		}
		r.gap = int32(g)
	}
	r.ls[0] = l1
	for q := 1; q < n-1; q++ {
		r.es[q] = min(r.e0[q], r.e1[q])
	}
	r.es[n-1] = r.e1[n-1]
	return r.e1[n-1] <= veh.Latest
}

// breakFits reports whether v fits between positions pos and pos+1 of r
// (travel tav to it and tvb from it) with the route's break. O(windows).
func (r *route) breakFits(p *Problem, v int32, pos int, tav, tvb int32) bool {
	k := int(r.veh)
	f0, f1 := p.stepBreak(k, v, free(r.e0[pos], r.du[pos]), free(r.e1[pos], r.du[pos]), tav)
	return p.joinBreak(k, f0, f1, tvb, r.l0[pos+1], r.ls[pos+1])
}

// returnAfter returns when vehicle k, free at f0 or f1 at location at,
// is back after serving r's visits from position j on. O(len(r) − j).
func (p *Problem) returnAfter(k int, r *route, j int, at, f0, f1 int32) int32 {
	mat := &p.Travel[p.Vehicles[k].Profile]
	for q := j; q < r.last(); q++ {
		f0, f1 = p.stepBreak(k, r.visits[q-1], f0, f1, mat.Values[int(at)*mat.N+int(r.lc[q])])
		at = r.lc[q]
	}
	return min(f1, p.breakAfter(k, f0)) + mat.Values[int(at)*mat.N+p.Vehicles[k].End]
}

// breakPlan returns the starts of vehicle k serving visits r with its
// break, the number of visits before the break and when it starts, and
// false if the break does not fit. Without a break it returns the
// earliest starts and -1. O(len(r)).
func (p *Problem) breakPlan(k int, r []int) ([]int32, int, int32, bool) {
	veh := &p.Vehicles[k]
	n := len(r)
	e0, e1 := make([]int32, n+1), make([]int32, n+1) // free times after i visits
	e0[0], e1[0] = veh.Earliest, unreachable
	at := int32(veh.Start)
	for i, v := range r {
		e0[i+1], e1[i+1] = p.stepBreak(k, int32(v), e0[i], e1[i], p.travel(k, at, p.loc[v]))
		at = p.loc[v]
	}
	starts := make([]int32, n)
	if veh.Break.Duration == 0 || n == 0 {
		for i, v := range r {
			starts[i] = e0[i+1] - p.dur[v]
		}
		return starts, -1, 0, e0[n] < unreachable
	}
	g := n
	for g > 0 && !p.breakHere(k, e0[g], e1[g]) {
		g--
	}
	if p.breakAfter(k, e0[g]) >= unreachable {
		return nil, 0, 0, false
	}
	bs := p.breakAfter(k, e0[g]) - veh.Break.Duration
	for i, v := range r {
		if i < g {
			starts[i] = e0[i+1] - p.dur[v]
		} else {
			starts[i] = e1[i+1] - p.dur[v]
		}
	}
	return starts, g, bs, true
}

// chainBreak is chain for problems with breaks: the same result, with
// the labels carried through mid and across the join. O(1) plus
// O(len(mid)), plus the suffix length when b's vehicle is not
// interchangeable with a's or the problem has overtime costs.
func (p *Problem) chainBreak(a *route, i int, mid []int32, b *route, j int) (int64, bool) {
	k := int(a.veh)
	veh := &p.Vehicles[k]
	mat := &p.Travel[veh.Profile]
	bl := b.last()
	if i == 0 && len(mid) == 0 && j == bl {
		return 0, true
	}
	f0, f1 := free(a.e0[i], a.du[i]), free(a.e1[i], a.du[i])
	at := a.lc[i]
	trav := a.trav[i]
	work := a.trav[i] + a.sv[i]
	load := a.ld[i]
	var assign int64
	if p.assigns {
		assign = a.as[i]
	}
	step := func(v int32) bool {
		if !p.Allowed(int(v), k) {
			return false
		}
		assign += p.assignCost(v, a.veh)
		d := mat.Values[int(at)*mat.N+int(p.loc[v])]
		f0, f1 = p.stepBreak(k, v, f0, f1, d)
		at = p.loc[v]
		trav += d
		work += d + p.dur[v]
		load += p.demand[v]
		return f1 < unreachable || f0 < unreachable
	}
	for _, v := range mid {
		if !step(v) {
			return 0, false
		}
	}
	var over int64
	if b.veh == a.veh || p.class[b.veh] == p.class[a.veh] {
		d := mat.Values[int(at)*mat.N+int(b.lc[j])]
		if !p.joinBreak(k, f0, f1, d, b.l0[j], b.ls[j]) {
			return 0, false
		}
		if p.overtime {
			over = p.overtimeCost(k, p.returnAfter(k, b, j, at, f0, f1))
		}
		trav += d + b.trav[bl] - b.trav[j]
		work += d + b.trav[bl] - b.trav[j] + b.sv[bl] - b.sv[j-1]
		load += b.ld[bl] - b.ld[j-1]
		if p.assigns {
			assign += b.as[bl] - b.as[j-1]
		}
	} else {
		for q := j; q < bl; q++ {
			if !step(b.visits[q-1]) {
				return 0, false
			}
		}
		d := mat.Values[int(at)*mat.N+veh.End]
		back := min(f1, p.breakAfter(k, f0))
		if back >= unreachable || back+d > veh.Latest {
			return 0, false
		}
		trav += d
		work += d
		over = p.overtimeCost(k, back+d)
	}
	if work > p.maxWork[k] || load > p.capacity[k] {
		return 0, false
	}
	return int64(trav) + veh.FixedCost + assign + over + p.balanceCost(k, work-trav), true
}

// planReturn returns when vehicle k is back after serving visits r (at
// least one) as breakPlan places them. O(len(r)).
func (p *Problem) planReturn(k int, r []int) int32 {
	veh := &p.Vehicles[k]
	starts, g, bs, _ := p.breakPlan(k, r)
	last := r[len(r)-1]
	t := starts[len(r)-1] + p.dur[last]
	if g == len(r) {
		t = bs + veh.Break.Duration
	}
	return t + p.travel(k, p.loc[last], int32(veh.End))
}
