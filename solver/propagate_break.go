package solver

// Breaks in the schedule of rich problems. Each route takes its break
// after the visit breakPlan chooses on the route alone (route.gap): the
// placement after which every later visit starts as early as any
// placement allows, with the break as late as that permits. The gap
// depends on the route's visits only, not on the links, so with the gaps
// fixed a start is still a monotone function of the others' and the
// schedule is the least fixed point, reached from scratch or by
// propagating delays alike. Inserting a visit keeps that only if the
// gap keeps every visit on its side of the break; an insertion that
// moves the break across visits can make some starts earlier, so it is
// evaluated, and made, by timing from scratch every start it can change
// (rerun).

// trialGap returns the gap of route in.k with in.v inserted at 0-based
// index in.at: the visits before the break. It walks the labels from
// the insertion on and reuses the route's own before it. O(len(route)).
func (s *state) trialGap(in slot) int {
	p := s.p
	k := int(in.k)
	r := &s.routes[in.k]
	mat := &p.Travel[p.Vehicles[k].Profile]
	a := in.at
	g := -1
	f0, f1 := free(r.e0[a], r.du[a]), free(r.e1[a], r.du[a])
	if p.breakHere(k, f0, f1) {
		g = a
	}
	f0, f1 = p.stepBreak(k, in.v, f0, f1, mat.Values[int(r.lc[a])*mat.N+int(p.loc[in.v])])
	if p.breakHere(k, f0, f1) {
		g = a + 1
	}
	at := p.loc[in.v]
	for q := a + 1; q <= len(r.visits); q++ {
		u := r.visits[q-1]
		f0, f1 = p.stepBreak(k, u, f0, f1, mat.Values[int(at)*mat.N+int(p.loc[u])])
		at = p.loc[u]
		if p.breakHere(k, f0, f1) {
			g = q + 1
		}
	}
	if g >= 0 {
		return g
	}
	if r.gap >= 0 && int(r.gap) < a {
		return int(r.gap) // the last gap before a that holds it, unchanged
	}
	for g = a - 1; g > 0 && !p.breakHere(k, free(r.e0[g], r.du[g]), free(r.e1[g], r.du[g])); g-- {
	}
	return max(g, 0)
}

// gapKept reports whether a route whose break followed old visits, given
// a visit at 0-based index at, still takes its break after the same visit
// (or at its start) when the break follows now visits: then the insertion
// can only delay the starts after it. A break that moves to after the new
// visit can let later visits start earlier even though it stays on their
// side: the worker who waited for the break window at the previous visit
// and then made the whole journey now spends that wait travelling and at
// the new visit, and leaves the break closer to the next visit. A route
// that was empty (old < 0) had no starts.
func gapKept(old, now, at int) bool {
	switch {
	case old < 0:
		return true
	case at < old:
		return now == old+1
	}
	return now == old
}

// gap returns the gap of route k in the run: the trial gap of a route
// with an insertion, else the route's own (-1 without a break).
func (pr *propagator) gap(s *state, k int32) int {
	for j := 0; j < pr.nins; j++ {
		if pr.ins[j].k == k {
			return pr.gaps[j]
		}
	}
	return int(s.routes[k].gap)
}

// setGaps fills the trial gaps of the run's insertions, and reports
// whether every inserted route keeps its visits on their sides of the
// break (always without breaks).
func (pr *propagator) setGaps(s *state) bool {
	kept := true
	for j := 0; j < pr.nins; j++ {
		in := pr.ins[j]
		pr.gaps[j] = -1
		if s.p.Vehicles[in.k].Break.Duration == 0 {
			continue
		}
		pr.gaps[j] = s.trialGap(in)
		kept = kept && gapKept(int(s.routes[in.k].gap), pr.gaps[j], in.at)
	}
	return kept
}

// trialFull is trialInsert for an insertion that moves a break across
// visits: the schedule of the routes with the insertions made, rerun
// from scratch where it may change (rerun), and the change in lateness
// cost it gives (which may be negative); false if there is no schedule
// or the change is positive and reaches limit. The run has been reset
// with the insertions and their gaps. It changes nothing.
func (s *state) trialFull(limit int64) (int64, bool) {
	pr := s.prop
	var from [len(pr.ins)]slot
	for j := 0; j < pr.nins; j++ {
		in := pr.ins[j]
		from[j] = slot{k: in.k, at: in.at}
		if g := int(s.routes[in.k].gap); g >= 0 {
			from[j].at = min(in.at, g, pr.gaps[j])
		}
	}
	sum, worst, ok := s.rerun(from[:pr.nins]...)
	if !ok {
		return 0, false
	}
	d := sum + int64(worst)*s.p.MaxLateness - s.lateness()
	if d > 0 && d >= limit {
		return 0, false
	}
	return d, true
}

// rerun recomputes in the run's overlay, from scratch, every start that
// may change when the visits of route f.k from 0-based index f.at on
// change, for each f in from: those visits, the visits after them on
// their routes and those linked to them, closed under both. Every other
// start keeps its value, since none of the visits it waits for changes.
// It returns the summed lateness cost and the largest lateness of the
// schedule, and false if there is none. O(visits rerun · passes).
func (s *state) rerun(from ...slot) (int64, int32, bool) {
	p := s.p
	pr := s.prop
	pr.trial = false
	for _, f := range from {
		pr.resetAfter(s, f.k, f.at)
	}
	if !pr.drain(s) {
		return 0, 0, false
	}
	sum, worst := s.lateSum, int32(0)
	for _, u := range pr.changed {
		t := pr.val[u]
		if t == NotServed {
			return 0, 0, false
		}
		if old := s.start[u]; old != NotServed {
			sum -= int64(p.lateness(u, old)) * p.lateCost[u]
		}
		l := p.lateness(u, t)
		sum += int64(l) * p.lateCost[u]
		worst = max(worst, l)
	}
	if worst < s.worst { // the largest lateness may have been rerun away
		for v, k := range s.routeOf {
			if k >= 0 && pr.mark[v] != pr.gen {
				worst = max(worst, p.lateness(int32(v), s.start[v]))
			}
		}
	}
	return sum, worst, true
}

// resetAfter sets to NotServed in the overlay the visits of route k from
// 0-based index lo on, and with them every visit after one of them on its
// route or linked to one of them, closed under both, and queues each
// route from its first visit reset. The visits reset on a route are a
// suffix of it. O(visits reset + their links).
func (pr *propagator) resetAfter(s *state, k int32, lo int) {
	p := s.p
	pr.stack = pr.stack[:0]
	suffix := func(k int32, i int) {
		n := pr.size(s, k)
		for j := i; j < n; j++ {
			v := pr.at(s, k, j)
			if pr.mark[v] == pr.gen && pr.val[v] == NotServed {
				break
			}
			pr.set(v, NotServed)
			pr.stack = append(pr.stack, v)
		}
		pr.queue = append(pr.queue, slot{k: k, at: i})
	}
	suffix(k, lo)
	for len(pr.stack) > 0 {
		v := pr.stack[len(pr.stack)-1]
		pr.stack = pr.stack[:len(pr.stack)-1]
		for _, li := range p.links(v) {
			w := p.other(li, v)
			kw, iw, served := pr.where(s, w)
			if served && !(pr.mark[w] == pr.gen && pr.val[w] == NotServed) {
				suffix(kw, iw)
			}
		}
	}
}
