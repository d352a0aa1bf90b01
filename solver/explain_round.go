package solver

import (
	"math"

	"github.com/roundsdev/rounds"
)

// never is the latest arrival at a visit that no start can meet.
const never = math.MinInt32 / 4

// timeline is one round's schedule, worked out from scratch from the
// Problem's exported data: the earliest departure from each node (0 the
// worker's start, i the i-th visit) with waiting for windows allowed, and
// the latest arrival at each node (i the i-th visit, len+1 the end) that
// keeps every later visit in a window and the return within the shift.
type timeline struct {
	k      int
	visits []int
	dep    []int32
	lat    []int32
	leg    []int32 // leg[i]: travel from node i to the next node
	work   int32   // travel plus visit time
	load   int32
	ok     bool // every visit starts in a window
}

// fill works out the timeline of vehicle k serving visits in order, in
// O(len(visits)). visits is kept, not copied.
func (e *explainer) fill(tl *timeline, k int, visits []int) {
	p := e.p
	veh := &p.Vehicles[k]
	m := &p.Travel[veh.Profile]
	tl.k, tl.visits, tl.ok = k, visits, true
	tl.dep = append(tl.dep[:0], veh.Earliest)
	tl.leg = tl.leg[:0]
	tl.work, tl.load = 0, 0
	at, t := veh.Start, veh.Earliest
	for _, u := range visits {
		vis := &p.Visits[u]
		d := m.At(at, vis.Location)
		tl.leg = append(tl.leg, d)
		s, ok := firstStart(e.windows(u), t+d)
		tl.ok = tl.ok && ok
		t = s + vis.Duration
		tl.work += d + vis.Duration
		tl.load += vis.Demand
		at = vis.Location
		tl.dep = append(tl.dep, t)
	}
	tl.leg = append(tl.leg, m.At(at, veh.End))
	tl.work += tl.leg[len(visits)]
	n := len(visits)
	tl.lat = append(tl.lat[:0], make([]int32, n+2)...)
	tl.lat[n+1] = veh.Latest
	next := veh.End
	for j := n; j >= 1; j-- {
		vis := &p.Visits[visits[j-1]]
		tl.lat[j] = lastStart(e.windows(visits[j-1]), tl.lat[j+1]-m.At(vis.Location, next)-vis.Duration)
		next = vis.Location
	}
}

// firstStart returns the first start in windows at or after t, and false
// if every window closes before t.
func firstStart(windows []Window, t int32) (int32, bool) {
	for _, w := range windows {
		if t <= w.End {
			return max(t, w.Start), true
		}
	}
	return 0, false
}

// lastStart returns the last start in windows at or before t, or never if
// every window opens after t.
func lastStart(windows []Window, t int32) int32 {
	for i := len(windows) - 1; i >= 0; i-- {
		if w := windows[i]; t >= w.Start {
			return min(t, w.End)
		}
	}
	return never
}

// try is visit v put into a round before its pos-th visit.
type try struct {
	pos    int
	arrive int32
	// start is the first allowed start after arrive; inWindow is false if
	// every window of v has closed by then.
	start    int32
	inWindow bool
	// latest is the last start of v that keeps the rest of the round in
	// its windows and the shift.
	latest int32
	work   int32
	full   bool // over capacity
}

// try puts v, with the allowed starts e.vwin, into tl before its pos-th
// visit, in O(1).
func (e *explainer) try(tl *timeline, v, pos int) try {
	p := e.p
	veh := &p.Vehicles[tl.k]
	m := &p.Travel[veh.Profile]
	vis := &p.Visits[v]
	prev, next := veh.Start, veh.End
	if pos > 0 {
		prev = p.Visits[tl.visits[pos-1]].Location
	}
	if pos < len(tl.visits) {
		next = p.Visits[tl.visits[pos]].Location
	}
	in, out := m.At(prev, vis.Location), m.At(vis.Location, next)
	tr := try{pos: pos, arrive: tl.dep[pos] + in}
	tr.start, tr.inWindow = firstStart(e.vwin, tr.arrive)
	tr.latest = tl.lat[pos+1] - out - vis.Duration
	tr.work = tl.work + in + vis.Duration + out - tl.leg[pos]
	tr.full = veh.Capacity > 0 && tl.load+vis.Demand > veh.Capacity
	return tr
}

// inTime reports whether v starts in a window without pushing the rest of
// the round out of theirs or past the shift.
func (tr *try) inTime() bool { return tr.inWindow && tr.start <= tr.latest }

// overWork returns how far the round with v goes over vehicle k's
// working-time cap, 0 if not.
func (e *explainer) overWork(k int, tr *try) int32 {
	if c := e.p.Vehicles[k].MaxWork; c > 0 && tr.work > c {
		return tr.work - c
	}
	return 0
}

// fits reports whether the try breaks no rule.
func (e *explainer) fits(k int, tr *try) bool {
	return tr.inTime() && e.overWork(k, tr) == 0 && !tr.full
}

// follow starts v at s before the pos-th visit of tl and runs the rest of
// the round: it returns the first later visit (index in tl.visits) that
// would miss every window, with its arrival, or -1 and the time the worker
// is back. O(len(tl.visits)).
func (e *explainer) follow(tl *timeline, v, pos int, s int32) (pushed int, arrive, back int32) {
	p := e.p
	veh := &p.Vehicles[tl.k]
	m := &p.Travel[veh.Profile]
	at, t := p.Visits[v].Location, s+p.Visits[v].Duration
	for j := pos; j < len(tl.visits); j++ {
		vis := &p.Visits[tl.visits[j]]
		a := t + m.At(at, vis.Location)
		st, ok := firstStart(e.windows(tl.visits[j]), a)
		if !ok {
			return j, a, 0
		}
		t, at = st+vis.Duration, vis.Location
	}
	return -1, 0, t + m.At(at, veh.End)
}

// change is one relaxation of a rule that lets a try fit.
type change struct {
	kind   string // a rounds.Suggest* code
	need   int32  // seconds
	window int    // index into the request's windows of the visit
}

// relax returns the smallest single change (later shift end, wider window
// of v, higher working-time cap) that lets tr fit, if one of at most
// maxRelax exists. O(len(tl.visits) + windows of v).
func (e *explainer) relax(tl *timeline, v int, tr *try, rw *reqWindows) (change, bool) {
	if tr.full {
		return change{}, false
	}
	k := tl.k
	over := e.overWork(k, tr)
	best := change{need: maxRelax + 1}
	consider := func(c change) {
		if c.need <= 0 || c.need >= best.need || !e.roundable(k, c, rw) {
			return
		}
		if !e.breakHolds(tl, v, tr.pos, c, rw) {
			// The break can delay the round by up to its length.
			c.need += e.p.Vehicles[k].Break.Duration
			if c.need >= best.need || !e.roundable(k, c, rw) || !e.breakHolds(tl, v, tr.pos, c, rw) {
				return
			}
		}
		best = c
	}
	switch {
	case tr.inTime():
		consider(change{kind: rounds.SuggestRaiseWorkCap, need: over})
	case over == 0:
		if tr.inWindow {
			if pushed, _, back := e.follow(tl, v, tr.pos, tr.start); pushed < 0 {
				consider(change{kind: rounds.SuggestExtendShift, need: back - e.p.Vehicles[k].Latest})
			}
		}
		if rw.ok {
			for j, w := range rw.windows {
				// Close window j later: start on arrival, or when it opens.
				if s := max(tr.arrive, w.Start, rw.lo); s <= min(rw.hi, tr.latest) {
					consider(change{kind: rounds.SuggestCloseWindowLater, need: s - w.End, window: j})
				}
				// Open window j earlier: start as late as the round allows.
				if u := min(w.End, rw.hi, tr.latest); max(tr.arrive, rw.lo) <= u {
					consider(change{kind: rounds.SuggestOpenWindowEarlier, need: w.Start - u, window: j})
				}
			}
		}
	}
	return best, best.need <= maxRelax
}

// dropFor looks for the visit of lowest priority (penalty at most v's,
// neither pinned nor linked) whose removal from a round lets v fit, over the vehicles in
// ks. It returns the vehicle, the visit and false if there is none.
// O(Σ len²) over the rounds of ks.
func (e *explainer) dropFor(v int, ks []int) (k, drop int, ok bool) {
	p := e.p
	k, drop = -1, -1
	var bestPen int64
	if len(e.vwin) == 0 {
		return k, drop, false
	}
	lastEnd := e.vwin[len(e.vwin)-1].End
	for _, kk := range ks {
		r := e.routes[kk]
		tl := e.line(kk)
		veh := &p.Vehicles[kk]
		m := &p.Travel[veh.Profile]
		for j, u := range r {
			pen := p.Visits[u].Penalty
			if pen > p.Visits[v].Penalty || (drop >= 0 && pen >= bestPen) || e.meta.req.Visits[u].Pin != nil || e.isHeld(u) {
				continue
			}
			if veh.MaxWork > 0 {
				// Without u the round saves at most its detour; v adds at
				// least its duration.
				prev, next := veh.Start, veh.End
				if j > 0 {
					prev = p.Visits[r[j-1]].Location
				}
				if j+1 < len(r) {
					next = p.Visits[r[j+1]].Location
				}
				saved := tl.leg[j] + p.Visits[u].Duration + tl.leg[j+1] - m.At(prev, next)
				if tl.work-saved+p.Visits[v].Duration-detourSlack > veh.MaxWork {
					continue
				}
			}
			e.reduced = append(append(e.reduced[:0], r[:j]...), r[j+1:]...)
			e.fill(&e.buf, kk, e.reduced)
			if !e.buf.ok {
				continue
			}
			for pos := 0; pos <= len(e.reduced); pos++ {
				if tr := e.try(&e.buf, v, pos); e.fits(kk, &tr) && e.breakHolds(&e.buf, v, pos, change{kind: rounds.SuggestAssign}, &e.rw) {
					k, drop, bestPen = kk, u, pen
					break
				}
				if pos < len(e.reduced) && e.buf.dep[pos+1] > lastEnd {
					break // v's windows have closed
				}
			}
		}
	}
	return k, drop, drop >= 0
}

// breakHolds reports whether the round tl with v before its pos-th visit
// keeps its windows, the shift and room for the vehicle's break once
// change c (rounded as the suggestion says it) is made; true for a
// vehicle without a break. The explainer sizes changes on rounds without
// breaks; this keeps it from suggesting one the break defeats. The break
// goes where the solver puts it (breakPlan: placed on the round's own
// windows, links aside), and the round is then timed with linked visits
// held. O(len(tl.visits) + links).
func (e *explainer) breakHolds(tl *timeline, v, pos int, c change, rw *reqWindows) bool {
	p, k := e.p, tl.k
	veh := &p.Vehicles[k]
	if veh.Break.Duration == 0 {
		return true
	}
	m, _ := e.minutes(k, c, rw)
	d := int32(m * 60)
	// v's windows as the solver sees them, and narrowed by its links.
	latest, vw, vheld := veh.Latest, p.Visits[v].Windows, e.vwin
	switch c.kind {
	case rounds.SuggestExtendShift:
		latest += d
	case rounds.SuggestCloseWindowLater, rounds.SuggestOpenWindowEarlier:
		e.cwin = append(e.cwin[:0], rw.windows...)
		if c.kind == rounds.SuggestCloseWindowLater {
			e.cwin[c.window].End += d
		} else {
			e.cwin[c.window].Start -= d
		}
		vw = clip(e.cwin, rw.lo, rw.hi)
		vheld, _, _ = e.linkClip(v, append(e.hwin[:0], vw...))
		e.hwin = vheld
	}
	// visit returns the visit at index i of the round with v.
	visit := func(i int) int {
		switch {
		case i < pos:
			return tl.visits[i]
		case i == pos:
			return v
		}
		return tl.visits[i-1]
	}
	n := len(tl.visits) + 1
	mat := &p.Travel[veh.Profile]
	// First pass, on the windows alone: where the break goes.
	gap, f0, f1, loc := 0, veh.Earliest, int32(unreachable), veh.Start
	for i := 0; i < n; i++ {
		if p.breakHere(k, f0, f1) {
			gap = i
		}
		u, ws := visit(i), vw
		if u != v {
			ws = p.Visits[u].Windows
		}
		t := mat.At(loc, p.Visits[u].Location)
		f1 = min(f1, p.breakAfter(k, f0))
		f0, f1, loc = e.startIn(ws, f0, t, p.Visits[u].Duration), e.startIn(ws, f1, t, p.Visits[u].Duration), p.Visits[u].Location
	}
	if p.breakHere(k, f0, f1) {
		gap = n
	}
	// Second pass: the round's times with the break at gap and linked
	// visits held.
	f, loc := veh.Earliest, veh.Start
	for i := 0; i < n; i++ {
		if i == gap {
			f = p.breakAfter(k, f)
		}
		u, ws := visit(i), vheld
		if u != v {
			ws = e.windows(u)
		}
		f, loc = e.startIn(ws, f, mat.At(loc, p.Visits[u].Location), p.Visits[u].Duration), p.Visits[u].Location
	}
	if gap == n {
		f = p.breakAfter(k, f)
	}
	return f < unreachable && f+mat.At(loc, veh.End) <= latest
}

// startIn returns when a visit of duration dur with allowed starts ws,
// reached by travel t from a place left at f, is over, or unreachable.
func (e *explainer) startIn(ws []Window, f, t, dur int32) int32 {
	if f >= unreachable {
		return unreachable
	}
	s, ok := firstStart(ws, f+t)
	if !ok {
		return unreachable
	}
	return s + dur
}
