package solver

import "math"

// Keeping the schedule across routes, for problems with links or soft
// windows. The schedule is the one Problem.Schedule works out from
// scratch (timing.go), the solver's one timing engine; the search cannot
// afford that at every step, so the state keeps the same starts up to
// date by propagation, here: the earliest start of every served visit,
// the least fixed point of "a visit starts once its worker has arrived,
// its window is open and its links allow". A step that removes visits
// recomputes the starts that may fall (unschedule, rerun); an insertion
// is evaluated by propagating the delays it causes from the current
// starts (starts only grow when a visit is added and no break moves),
// over a copy-on-write overlay, so that the routes and the starts are
// left untouched. Either way the starts equal a schedule from scratch
// (reschedule). Neither allocates once buffers have grown.

// propagator is the propagation engine of one state: it keeps the
// state's schedule equal to Problem.Schedule's.
type propagator struct {
	val     []int32 // overlay starts; val[v] is valid when mark[v] == gen
	mark    []int64
	gen     int64
	changed []int32 // visits given an overlay value in this run
	queue   []slot
	stack   []int32 // visits to reset (resetAfter)
	ins     [2]slot // trial insertions: visit ins[i].v at index ins[i].at of route ins[i].k
	gaps    [2]int  // gaps[i]: the break's gap in route ins[i].k with its insertion (propagate_break.go)
	nins    int
	budget  int
	// A trial run sums the lateness cost it adds as it goes (late, and
	// worst the largest lateness) and gives up once that reaches limit:
	// starts only grow, so the sum never falls. Not in a full run.
	trial bool
	late  int64
	worst int32
	limit int64
}

// slot is a place on a route: 0-based index at of route k, and for an
// insertion the visit v put there.
type slot struct {
	k, v int32
	at   int
}

func newPropagator(nv int) *propagator {
	return &propagator{val: make([]int32, nv), mark: make([]int64, nv)}
}

// reset starts a run over the state's routes with the given insertions.
func (pr *propagator) reset(s *state, ins ...slot) {
	pr.gen++
	pr.changed = pr.changed[:0]
	pr.queue = pr.queue[:0]
	pr.nins = copy(pr.ins[:], ins)
	stops := len(s.routeOf) - s.missing + pr.nins
	pr.budget = stops*(stops+2) + 1024
}

// get returns the start of v in the run: the overlay value, else the
// state's.
func (pr *propagator) get(s *state, v int32) int32 {
	if pr.mark[v] == pr.gen {
		return pr.val[v]
	}
	return s.start[v]
}

func (pr *propagator) set(v int32, t int32) {
	if pr.mark[v] != pr.gen {
		pr.mark[v] = pr.gen
		pr.changed = append(pr.changed, v)
	}
	pr.val[v] = t
}

// size returns the length of route k with the run's insertions.
func (pr *propagator) size(s *state, k int32) int {
	n := len(s.routes[k].visits)
	for i := 0; i < pr.nins; i++ {
		if pr.ins[i].k == k {
			n++
		}
	}
	return n
}

// at returns the visit at 0-based index i of route k with the insertion
// made (at most one per route).
func (pr *propagator) at(s *state, k int32, i int) int32 {
	for j := 0; j < pr.nins; j++ {
		if in := &pr.ins[j]; in.k == k {
			switch {
			case i == in.at:
				return in.v
			case i > in.at:
				i--
			}
		}
	}
	return s.routes[k].visits[i]
}

// where returns the route and 0-based index of v in the run, and false if
// v is not served.
func (pr *propagator) where(s *state, v int32) (int32, int, bool) {
	for j := 0; j < pr.nins; j++ {
		if pr.ins[j].v == v {
			return pr.ins[j].k, pr.ins[j].at, true
		}
	}
	k := s.routeOf[v]
	if k < 0 {
		return -1, 0, false
	}
	i := int(s.posOf[v]) - 1
	for j := 0; j < pr.nins; j++ {
		if pr.ins[j].k == k && pr.ins[j].at <= i {
			i++
		}
	}
	return k, i, true
}

// bound returns the earliest start of v allowed by link li given the
// other end's start in the run, and false if the other end is not served
// or not timed yet.
func (pr *propagator) bound(s *state, li int32, v int32) (int32, bool) {
	l := &s.p.Links[li]
	w, gap := int32(l.From), l.MinGap
	if int(v) == l.From {
		w, gap = int32(l.To), -l.MaxGap
	}
	if _, _, ok := pr.where(s, w); !ok {
		return 0, false
	}
	t := pr.get(s, w)
	if t == NotServed {
		return 0, false
	}
	return t + gap, true
}

// other returns the other end of link li.
func (p *Problem) other(li int32, v int32) int32 {
	l := &p.Links[li]
	if int(v) == l.From {
		return int32(l.To)
	}
	return int32(l.From)
}

// drain propagates the delays from the queued slots until no start
// changes. A route with a break takes it after its gap-th visit
// (propagator.gap). It returns
// false if a window, a break window or a latest return is broken, or if
// the waits do not settle within the budget.
func (pr *propagator) drain(s *state) bool {
	p := s.p
	for qi := 0; qi < len(pr.queue); qi++ {
		k, i := pr.queue[qi].k, pr.queue[qi].at
		veh := &p.Vehicles[k]
		mat := &p.Travel[veh.Profile]
		t, at := veh.Earliest, int32(veh.Start)
		if i > 0 {
			prev := pr.at(s, k, i-1)
			if pr.get(s, prev) == NotServed {
				continue // reset (rerun): the route's walk from its first reset visit times this one
			}
			t, at = pr.get(s, prev)+p.dur[prev], p.loc[prev]
		}
		n := pr.size(s, k)
		g := pr.gap(s, k)
		j := i
		for ; j < n; j++ {
			if pr.budget--; pr.budget < 0 {
				return false
			}
			if j == g {
				if t = p.breakAfter(int(k), t); t >= unreachable {
					return false
				}
			}
			v := pr.at(s, k, j)
			lb := t + mat.Values[int(at)*mat.N+int(p.loc[v])]
			for _, li := range p.links(v) {
				if b, ok := pr.bound(s, li, v); ok && b > lb {
					lb = b
				}
			}
			st, ok := p.earliestStart(v, lb)
			if !ok {
				return false
			}
			old := pr.get(s, v)
			if st <= old {
				break
			}
			if pr.trial && !pr.addLate(s, v, old, st) {
				return false
			}
			pr.set(v, st)
			for _, li := range p.links(v) {
				w := p.other(li, v)
				kw, iw, served := pr.where(s, w)
				if !served {
					continue
				}
				if b, ok := pr.bound(s, li, w); ok && b > pr.get(s, w) {
					pr.queue = append(pr.queue, slot{k: kw, at: iw})
				}
			}
			t, at = st+p.dur[v], p.loc[v]
		}
		if j == n && g == n {
			t = p.breakAfter(int(k), t)
		}
		if j == n && t+mat.Values[int(at)*mat.N+veh.End] > veh.Latest {
			return false
		}
	}
	return true
}

// addLate adds to the trial's lateness cost the move of v's start from
// old (NotServed for a visit being inserted) to st, and reports whether
// the cost stays below the trial's limit. O(1).
func (pr *propagator) addLate(s *state, v, old, st int32) bool {
	p := s.p
	l := p.lateness(v, st)
	if l == 0 {
		return true
	}
	if old != NotServed {
		l0 := p.lateness(v, old)
		pr.late -= int64(l0) * p.lateCost[v]
	}
	pr.late += int64(l) * p.lateCost[v]
	pr.worst = max(pr.worst, l)
	return pr.late+int64(pr.worst-s.worst)*p.MaxLateness < pr.limit
}

// pairsApart reports whether every pair with both halves served rides two
// different vehicles.
func (s *state) pairsApart() bool {
	for _, l := range s.p.Links {
		if l.Pair && s.routeOf[l.From] >= 0 && s.routeOf[l.From] == s.routeOf[l.To] {
			return false
		}
	}
	return true
}

// reschedule recomputes every start from scratch, the lateness part of
// the objective and the overtime of the scheduled returns. A state without a schedule is marked broken: its cost is
// prohibitive, so the step that made it is rolled back. O(S·passes).
func (s *state) reschedule() {
	pr := s.prop
	for v, k := range s.routeOf {
		if k >= 0 {
			s.start[v] = NotServed
		}
	}
	pr.reset(s)
	pr.trial = false
	for k := range s.routes {
		if len(s.routes[k].visits) > 0 {
			pr.queue = append(pr.queue, slot{k: int32(k)})
		}
	}
	s.broken = !pr.drain(s) || !s.pairsApart()
	for _, v := range pr.changed {
		s.start[v] = pr.val[v]
	}
	s.lateSum, s.worst = 0, 0
	for v, k := range s.routeOf {
		if k < 0 {
			s.start[v] = NotServed
			continue
		}
		if s.start[v] == NotServed {
			s.broken = true
			continue
		}
		l := s.p.lateness(int32(v), s.start[v])
		s.lateSum += int64(l) * s.p.lateCost[v]
		s.worst = max(s.worst, l)
	}
	s.fixOvertime()
}

// unschedule updates the schedule after a step that has only removed
// visits (a ruin; the touched routes refreshed): the removed visits lose
// their starts, and the starts that may change are rerun (rerun): on
// each touched route from its first changed visit or break position on,
// and from each served visit linked to a removed one. Removing visits
// only lowers the least fixed point, and every start not rerun waits for
// nothing that changed, so the result equals reschedule's, at the cost
// of the visits rerun rather than of every visit. A schedule that is or
// becomes broken is rebuilt from scratch.
func (s *state) unschedule() {
	if s.broken {
		s.reschedule()
		return
	}
	p := s.p
	s.from = s.from[:0]
	for _, v := range s.moved {
		if s.routeOf[v] >= 0 || s.start[v] == NotServed {
			continue
		}
		s.lateSum -= int64(p.lateness(v, s.start[v])) * p.lateCost[v]
		s.start[v] = NotServed
		for _, li := range p.links(v) {
			if w := p.other(li, v); s.routeOf[w] >= 0 {
				s.from = append(s.from, slot{k: s.routeOf[w], at: int(s.posOf[w]) - 1})
			}
		}
	}
	for _, k := range s.touched {
		r := &s.routes[k]
		if r.size() == 0 {
			continue
		}
		at := firstChange(s.saved[k], r.visits)
		for _, g := range [2]int32{s.savedGap[k], r.gap} {
			if g >= 0 {
				at = min(at, int(g))
			}
		}
		s.from = append(s.from, slot{k: k, at: at})
	}
	s.prop.reset(s)
	sum, worst, ok := s.rerun(s.from...)
	if !ok { // as reschedule would find, with its partial starts
		s.reschedule()
		return
	}
	s.keepRun(sum, worst)
}

// firstChange returns the first index at which now differs from old, or
// len(now) if now is a prefix of old.
func firstChange(old, now []int32) int {
	for i, v := range now {
		if i == len(old) || v != old[i] {
			return i
		}
	}
	return len(now)
}

// lateness returns the lateness part of the objective.
func (s *state) lateness() int64 {
	if s.broken {
		return infCost
	}
	return s.lateSum + int64(s.worst)*s.p.MaxLateness
}

// propagate updates the schedule after visit v was inserted at 0-based
// index i of route k, whose break followed gap visits before (-1 without
// one). An insertion that moves the break across visits reschedules from
// scratch the starts it can change (rerun, propagate_break.go). Otherwise
// starts only grow when a visit is added, so the delays are propagated
// from the current starts, as in trialInsert, and kept: the least fixed
// point is reached from below. A state whose
// insertion breaks a window, a latest return or a link, or puts a pair
// on one route, is marked broken. O(visits delayed + routes).
func (s *state) propagate(v, k int32, i int, gap int32) {
	if s.broken {
		return
	}
	pr := s.prop
	pr.reset(s)
	if now := s.routes[k].gap; !gapKept(int(gap), int(now), i) {
		sum, worst, ok := s.rerun(slot{k: k, at: min(i, int(gap), int(now))})
		if !ok || !s.pairsApart() {
			s.broken = true
			return
		}
		s.keepRun(sum, worst)
		return
	}
	pr.trial, pr.late, pr.worst, pr.limit = true, 0, s.worst, math.MaxInt64
	pr.queue = append(pr.queue, slot{k: k, at: i})
	if u := s.p.pairOf[v]; !pr.drain(s) || (u >= 0 && s.routeOf[u] == k) {
		s.broken = true
		return
	}
	s.keepRun(s.lateSum+pr.late, pr.worst)
}

// keepRun makes the run's starts the state's, with the lateness sum and
// largest lateness they give, and refreshes the scheduled overtime.
func (s *state) keepRun(lateSum int64, worst int32) {
	for _, u := range s.prop.changed {
		s.start[u] = s.prop.val[u]
	}
	s.lateSum, s.worst = lateSum, worst
	s.fixOvertime()
}

// trialInsert returns the change in lateness cost from inserting the
// given visits (each at a 0-based index of a route, one per route), and
// false if that breaks a window, a break, a latest return or a link, or
// if the change reaches limit (the propagation then stops early). It
// changes nothing. O(visits delayed), plus the inserted routes' lengths
// with breaks; from scratch if an insertion moves a break across visits.
func (s *state) trialInsert(limit int64, ins ...slot) (int64, bool) {
	if s.broken {
		return 0, false
	}
	pr := s.prop
	pr.reset(s, ins...)
	if !pr.setGaps(s) {
		return s.trialFull(limit)
	}
	pr.trial, pr.late, pr.worst, pr.limit = true, 0, s.worst, limit
	for _, in := range ins {
		pr.queue = append(pr.queue, slot{k: in.k, at: in.at})
	}
	if !pr.drain(s) {
		return 0, false
	}
	return pr.late + int64(pr.worst-s.worst)*s.p.MaxLateness, true
}

// lateFloor returns a lower bound on the lateness that inserting v at
// 0-based index pos of route k adds when v cannot start before st: v's
// own lateness cost plus the extra lateness cost of the visit after it
// (starts never fall when a visit is added), and the largest lateness of
// the two. An insertion that moves its route's break across visits can
// make other starts earlier and so lower the lateness: for it the floor
// only screens, it bounds nothing. It changes nothing. O(1).
func (s *state) lateFloor(v, k int32, pos int, st int32) (int64, int32) {
	p := s.p
	l := p.lateness(v, st)
	d := int64(l) * p.lateCost[v]
	if r := &s.routes[k]; pos < len(r.visits) {
		next := r.visits[pos]
		t := st + p.dur[v] + p.travel(int(k), p.loc[v], p.loc[next])
		if old := s.start[next]; t > old {
			ln := p.lateness(next, t)
			d += int64(ln-p.lateness(next, old)) * p.lateCost[next]
			l = max(l, ln)
		}
	}
	return d, l
}

// readyAt returns the earliest time a visit inserted at 0-based index pos
// of route k can leave for: the end of the previous visit in the
// schedule, or the route-alone bound ready if that is later. On a route
// with a break it is ready: the insertion may move the break and so make
// the previous visit start earlier than it does now.
func (s *state) readyAt(k int32, pos int, ready int32) int32 {
	if pos == 0 || s.routes[k].gap >= 0 {
		return ready
	}
	prev := s.routes[k].visits[pos-1]
	return max(ready, s.start[prev]+s.p.dur[prev])
}

// lateFloorCost is lateFloor with the change of the MaxLateness term
// added.
func (s *state) lateFloorCost(v, k int32, pos int, st int32) int64 {
	d, l := s.lateFloor(v, k, pos, st)
	return d + int64(max(l-s.worst, 0))*s.p.MaxLateness
}
