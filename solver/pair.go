package solver

import "math/rand"

// pairCand is a feasible position for one half of a pair, judged on its
// route alone: insert at pos (1-based) of route k, for a travel (and
// fixed) cost d, starting between lo and hi.
type pairCand struct {
	k      int32
	pos    int
	d      int64
	lo, hi int32
}

// maxPairTrials bounds the joint schedule evaluations of one pair
// insertion; candidates are tried cheapest first.
const maxPairTrials = 400

// insertPair puts the two halves a and b of a pair at their cheapest
// joint positions on two different vehicles: candidate positions of each
// half are listed (granular, as for a single visit), sorted by travel,
// and combined cheapest first while their travel alone can still beat
// the best; each combination whose time ranges fit the link is checked
// with a joint schedule. Both stay unassigned if nothing fits or the best
// costs more than their penalties. Each half's continuity cost is judged
// on its own, so the second worker a new client gets is not charged. It does not allocate once buffers grow.
func (s *state) insertPair(rng *rand.Rand, w *scratch, a, b int32) {
	p := s.p
	w.candA = s.pairCands(w, w.candA[:0], a)
	w.candB = s.pairCands(w, w.candB[:0], b)
	sortCands(w.candA)
	sortCands(w.candB)
	l := &p.Links[p.pairLink(a)]
	best, bi, bj := p.penalty[a]+p.penalty[b], -1, -1
	trials := 0
	for i := range w.candA {
		ca := &w.candA[i]
		if len(w.candB) == 0 || ca.d+w.candB[0].d >= best || trials >= maxPairTrials {
			break
		}
		for j := range w.candB {
			cb := &w.candB[j]
			c := ca.d + cb.d
			if c >= best || trials >= maxPairTrials {
				break
			}
			if ca.k == cb.k || !gapFits(l, a, ca, cb) {
				continue
			}
			if w.blink > 0 && rng.Float64() < w.blink {
				continue
			}
			if c+s.pairLateFloor(l, a, b, ca, cb) >= best {
				continue
			}
			trials++
			late, ok := s.trialInsert(best-c, slot{k: ca.k, v: a, at: ca.pos - 1}, slot{k: cb.k, v: b, at: cb.pos - 1})
			if c += late; ok && c < best {
				best, bi, bj = c, i, j
			}
		}
	}
	if bi >= 0 {
		s.insert(a, w.candA[bi].k, w.candA[bi].pos)
		s.insert(b, w.candB[bj].k, w.candB[bj].pos)
	}
}

// pairLink returns the index of the pair link of v.
func (p *Problem) pairLink(v int32) int32 {
	for _, li := range p.links(v) {
		if p.Links[li].Pair {
			return li
		}
	}
	panic("solver: pairLink of a visit in no pair")
}

// gapFits reports whether a at ca and b at cb can keep the link's gap
// within their time ranges.
func gapFits(l *Link, a int32, ca, cb *pairCand) bool {
	from, to := ca, cb
	if int(a) != l.From {
		from, to = cb, ca
	}
	return max(from.lo+l.MinGap, to.lo) <= min(from.hi+l.MaxGap, to.hi)
}

// pairCands appends the feasible positions of v, judged route by route,
// over v's candidate routes (every route on small fleets, else the
// nearest vehicles, the routes of v's neighbours and those of the persons
// serving v's client), one empty route per vehicle class (but every one
// of a person serving the client).
func (s *state) pairCands(w *scratch, out []pairCand, v int32) []pairCand {
	p := s.p
	w.stamp++
	if len(p.Vehicles) <= 64 {
		for k := range s.routes {
			out = s.routeCands(w, out, v, int32(k))
		}
		return out
	}
	for _, k := range p.nearVeh[v] {
		out = s.routeCands(w, out, v, k)
	}
	for _, u := range p.near[v] {
		if k := s.routeOf[u]; k >= 0 {
			out = s.routeCands(w, out, v, k)
		}
	}
	for _, k := range s.clientVehicles(w, v) {
		out = s.routeCands(w, out, v, k)
	}
	return out
}

// routeCands appends the positions of route k where v fits on its own
// (with the route's break, if it has one). Like scanRoute it skips the
// positions before firstFit and stops once the route's schedule passes
// v's last window: neither can take v.
func (s *state) routeCands(w *scratch, out []pairCand, v, k int32) []pairCand {
	p := s.p
	r, room, fixed, ok := s.candidate(w, v, k)
	if !ok {
		return out
	}
	m := r.size()
	mat := &p.Travel[p.Vehicles[k].Profile]
	vals, n := mat.Values, mat.N
	lv := int(p.loc[v])
	dv := p.dur[v]
	lastEnd := p.lastEnd(v)
	for pos := r.firstFit(p.win[p.winOff[v]].Start + dv); pos <= m; pos++ {
		if r.es[pos]+r.du[pos] > lastEnd {
			break
		}
		a, b := int(r.lc[pos]), int(r.lc[pos+1])
		tav, tvb := vals[a*n+lv], vals[lv*n+b]
		d := tav + tvb
		if m > 0 {
			d -= vals[a*n+b]
		}
		if d > room || p.breaks && !r.breakFits(p, v, pos, tav, tvb) {
			continue
		}
		lo, ok := p.earliestStart(v, s.readyAt(k, pos, r.es[pos]+r.du[pos])+tav)
		if !ok {
			break
		}
		hi, ok := p.latestStart(v, r.ls[pos+1]-tvb-dv)
		if !ok || hi < lo {
			continue
		}
		out = append(out, pairCand{k: k, pos: pos + 1, d: int64(d) + fixed, lo: lo, hi: hi})
	}
	return out
}

// pairLateFloor returns a lower bound on the lateness cost of putting a
// at ca and b at cb (lateFloor of each half at the earliest starts their
// time ranges and the link allow). O(1).
func (s *state) pairLateFloor(l *Link, a, b int32, ca, cb *pairCand) int64 {
	from, to := ca, cb
	if int(a) != l.From {
		from, to = cb, ca
	}
	sf, st := max(from.lo, to.lo-l.MaxGap), max(to.lo, from.lo+l.MinGap)
	df, lf := s.lateFloor(int32(l.From), from.k, from.pos-1, sf)
	dt, lt := s.lateFloor(int32(l.To), to.k, to.pos-1, st)
	return df + dt + int64(max(lf, lt, s.worst)-s.worst)*s.p.MaxLateness
}

// sortCands sorts candidates by cost (insertion sort: the lists are
// short and mostly built in route order).
func sortCands(c []pairCand) {
	for i := 1; i < len(c); i++ {
		for j := i; j > 0 && c[j].d < c[j-1].d; j-- {
			c[j], c[j-1] = c[j-1], c[j]
		}
	}
}
