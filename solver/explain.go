package solver

import (
	"github.com/roundsdev/rounds"
)

// maxRelax is the largest change, in seconds, an explanation suggests: a
// shift, window or working-time limit two hours longer is another plan.
const maxRelax = 2 * 3600

// explainer says why each unassigned visit of a solution of a Problem made
// by Build is left out, and the smallest change that would let a worker
// take it. It works from the Problem's exported data and the request, with
// its own schedule simulation; the solution must not change while it is
// in use.
type explainer struct {
	p      *Problem
	meta   *requestMeta
	routes [][]int
	lines  []timeline // per vehicle, filled on first use
	filled []bool

	// starts are the scheduled starts of sol and held the starts kept
	// fixed, when p has links (holdLinked).
	starts []int32
	held   []Window

	// Per explained visit: its allowed starts, its request windows and
	// buffers for dropFor.
	vwin    []Window
	cwin    []Window // v's windows under a suggested window change
	hwin    []Window // the same, narrowed by v's links
	rw      reqWindows
	buf     timeline
	reduced []int
	fit     []fitting
}

// newExplainer returns an explainer of sol, a solution of p. p must have
// been made by Build.
func newExplainer(p *Problem, sol *Solution) *explainer {
	e := &explainer{
		p: p, meta: p.meta, routes: sol.Routes,
		lines: make([]timeline, len(p.Vehicles)), filled: make([]bool, len(p.Vehicles)),
	}
	e.holdLinked(sol)
	return e
}

// line returns vehicle k's timeline.
func (e *explainer) line(k int) *timeline {
	if !e.filled[k] {
		e.fill(&e.lines[k], k, e.routes[k])
		e.filled[k] = true
	}
	return &e.lines[k]
}

// finding is what the search over every allowed worker and position
// found for one visit.
type finding struct {
	// alone: some allowed worker could make the visit on an otherwise
	// empty round in its window and shift; aloneWork: within their
	// working-time limit too.
	alone, aloneWork bool
	// k and tr are the try the explanation is about: the one the
	// suggestion fixes, else the one that misses by the least; k is -1 if
	// no worker may make the visit.
	k  int
	tr try
	// ch is the suggested change; ch.kind is "" if there is none.
	ch change
	// drop is the visit to take off k's round for rounds.SuggestDropVisit.
	drop int
	// For a double-handed visit: mate is the vehicle that can make it
	// with k (-1 if none), onlyOne that one round has room for it as it
	// is (mate's, when a change to k's round is suggested),
	// twoNeeded that no round has room and one change would not do.
	mate               int
	onlyOne, twoNeeded bool
}

// explain returns visit v's unassigned entry: the reason fixed by Build,
// or one found by trying v at every position of every round it may join,
// with the smallest change that lets it fit. O(Σ len) over the allowed
// rounds, plus O(Σ len²) if only taking a visit off a round would help.
func (e *explainer) explain(v int) rounds.Unassigned {
	rv := &e.meta.req.Visits[v]
	u := rounds.Unassigned{VisitID: rv.ID, ClientID: rv.ClientID, Priority: rv.Priority}
	if r := e.meta.reason[v]; r != "" {
		u.Reason, u.Detail = r, e.meta.detail[v]
		return u
	}
	f := e.search(v)
	switch {
	case f.onlyOne:
		u.Reason = rounds.ReasonNoPartner
	case !f.alone:
		u.Reason = rounds.ReasonUnreachable
	case !f.aloneWork || f.ch.kind == rounds.SuggestRaiseWorkCap:
		u.Reason = rounds.ReasonWorkingTime
	default:
		u.Reason = rounds.ReasonNoCapacity
	}
	u.Detail, u.Suggestion = e.words(v, u.Reason, &f)
	return u
}

// detourSlack is how far travel times may fall short of the triangle
// inequality (rounding) before a bound that assumes it skips a round.
const detourSlack = 60

// search tries v at every position of every round it may join. A round
// already over its working-time cap by more than the best change found
// so far, before any detour, is skipped.
func (e *explainer) search(v int) finding {
	p := e.p
	narrowed, pair := e.linkWindows(v)
	e.requestWindows(v, &e.rw)
	e.rw.ok = e.rw.ok && !narrowed
	e.fit = e.fit[:0]
	f := finding{k: -1, drop: -1, mate: -1}
	var miss, added int32 // of the closest try; of the cheapest fit
	var ks []int          // rounds v could join if they were empty
	skipped := -1
	for k := range p.Vehicles {
		if !p.Allowed(v, k) {
			continue
		}
		alone, aloneWork := e.alone(k, v)
		f.alone = f.alone || alone
		f.aloneWork = f.aloneWork || aloneWork
		if alone && aloneWork {
			ks = append(ks, k)
		}
		tl := e.line(k)
		limit := int32(maxRelax)
		switch f.ch.kind {
		case rounds.SuggestAssign:
			limit = 0
		case "":
		default:
			limit = f.ch.need
		}
		if c := p.Vehicles[k].MaxWork; c > 0 && tl.work+p.Visits[v].Duration-c-detourSlack > limit {
			if skipped < 0 {
				skipped = k
			}
			continue
		}
		// A worker who leaves a visit after horizon reaches v too late for
		// any window, even one closing maxRelax later.
		horizon := e.rw.windows[len(e.rw.windows)-1].End + maxRelax
		for pos := 0; pos <= len(tl.visits); pos++ {
			tr := e.try(tl, v, pos)
			switch {
			case e.fits(k, &tr) && e.breakHolds(tl, v, pos, change{kind: rounds.SuggestAssign}, &e.rw):
				if pair >= 0 && (len(e.fit) == 0 || e.fit[len(e.fit)-1].k != k) {
					e.fit = append(e.fit, fitting{k: k, tr: tr, at: e.startRange(&tr)})
				}
				if f.ch.kind != rounds.SuggestAssign || tr.work-tl.work < added {
					f.k, f.tr, f.ch, added = k, tr, change{kind: rounds.SuggestAssign}, tr.work-tl.work
				}
			case f.ch.kind == rounds.SuggestAssign:
			default:
				if ch, ok := e.relax(tl, v, &tr, &e.rw); ok && (f.ch.kind == "" || ch.need < f.ch.need) {
					f.k, f.tr, f.ch = k, tr, ch
				}
				if m := e.miss(k, v, &tr); f.ch.kind == "" && (f.k < 0 || m < miss) {
					f.k, f.tr, miss = k, tr, m
				}
			}
			if pos < len(tl.visits) && tl.dep[pos+1] > horizon {
				break
			}
		}
	}
	if pair >= 0 {
		e.pairUp(v, &f, p.Links[pair])
		return f
	}
	if f.ch.kind != "" {
		return f
	}
	if k, drop, ok := e.dropFor(v, ks); ok {
		f.k, f.drop, f.ch = k, drop, change{kind: rounds.SuggestDropVisit}
		f.tr = e.closest(k, v)
	} else if f.k < 0 && skipped >= 0 {
		f.k, f.tr = skipped, e.closest(skipped, v)
	}
	return f
}

// alone reports whether vehicle k could make v on an empty round in its
// window and shift, and also within its working-time cap.
func (e *explainer) alone(k, v int) (inTime, inWork bool) {
	p := e.p
	veh := &p.Vehicles[k]
	m := &p.Travel[veh.Profile]
	vis := &p.Visits[v]
	in, out := m.At(veh.Start, vis.Location), m.At(vis.Location, veh.End)
	s, ok := firstStart(e.vwin, veh.Earliest+in)
	inTime = ok && s+vis.Duration+out <= veh.Latest
	return inTime, inTime && (veh.MaxWork == 0 || in+vis.Duration+out <= veh.MaxWork)
}

// miss measures how badly a try of v on vehicle k breaks its first broken
// rule, in seconds.
func (e *explainer) miss(k, v int, tr *try) int32 {
	switch {
	case !tr.inWindow && len(e.vwin) == 0:
		return maxRelax * 100
	case !tr.inWindow:
		return tr.arrive - e.vwin[len(e.vwin)-1].End
	case tr.start > tr.latest:
		return tr.start - tr.latest
	case e.overWork(k, tr) > 0:
		return e.overWork(k, tr)
	}
	return maxRelax * 100 // over capacity
}

// closest returns the try of v on vehicle k that misses by the least.
func (e *explainer) closest(k, v int) try {
	tl := e.line(k)
	var best try
	var miss int32
	for pos := 0; pos <= len(tl.visits); pos++ {
		tr := e.try(tl, v, pos)
		if m := e.miss(k, v, &tr); pos == 0 || m < miss {
			best, miss = tr, m
		}
	}
	return best
}

// pairUp settles the finding of double-handed visit v: it fits as it is
// only if two workers can start it within the pair link's gaps. When
// only one round has room, the smallest change to another worker's shift
// end or working-time limit that lets them start it with that round is
// the suggestion; when none has room, one change never makes a pair.
func (e *explainer) pairUp(v int, f *finding, l Link) {
	if f.ch.kind != rounds.SuggestAssign {
		f.ch, f.twoNeeded = change{}, true
		return
	}
	i, j, ok := e.partner(e.fit, l)
	if ok {
		f.k, f.tr, f.mate = e.fit[i].k, e.fit[i].tr, e.fit[j].k
		return
	}
	f.k, f.tr, f.ch, f.onlyOne = e.fit[0].k, e.fit[0].tr, change{}, true
	if i, k, tr, ch, ok := e.partnerChange(v, l); ok {
		f.k, f.tr, f.ch, f.mate = k, tr, ch, e.fit[i].k
	}
}

// partnerChange looks for the smallest change to one worker's shift end
// or working-time limit that lets them start double-handed visit v within
// the pair link's gaps of a round in e.fit, which has room for it as it
// is. It returns the index in e.fit, the changed worker's vehicle, its
// try and the change; false if there is none. O(Σ len · len(e.fit)) over
// the rounds v may join.
func (e *explainer) partnerChange(v int, l Link) (int, int, try, change, bool) {
	bi, bk, best, bch := -1, -1, try{}, change{}
	for k := range e.p.Vehicles {
		if !e.p.Allowed(v, k) {
			continue
		}
		tl := e.line(k)
		for pos := 0; pos <= len(tl.visits); pos++ {
			tr := e.try(tl, v, pos)
			ch, ok := e.relax(tl, v, &tr, &e.rw)
			if !ok || (ch.kind != rounds.SuggestExtendShift && ch.kind != rounds.SuggestRaiseWorkCap) || (bi >= 0 && ch.need >= bch.need) {
				continue
			}
			for i := range e.fit {
				a := e.fit[i].at
				if e.fit[i].k != k && tr.start-a.End <= l.MaxGap && tr.start-a.Start >= l.MinGap {
					bi, bk, best, bch = i, k, tr, ch
					break
				}
			}
		}
	}
	return bi, bk, best, bch, bi >= 0
}
