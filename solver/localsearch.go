package solver

import (
	"math/rand"
	"time"
)

// granK is how many nearest neighbours of each visit the local search
// tries moves with.
const granK = 20

// localSearch applies improving moves (relocate, swap, or-opt of 2 and 3
// visits with or without reversal, 2-opt* between routes, 2-opt and
// relocations inside a route) between each visit and its granK nearest
// neighbours, first improvement, in a random visit order, until no move
// improves. A pass costs O(V·granK) move evaluations, each O(1) between
// interchangeable vehicles (O(route length) otherwise or inside a route).
// It stops after maxPasses passes (0: no limit), or at the deadline if
// it is not zero. It does not allocate once its buffers have grown.
func (s *state) localSearch(rng *rand.Rand, order []int32, maxPasses int, deadline time.Time) {
	order = order[:0]
	for v := range s.routeOf {
		order = append(order, int32(v))
	}
	for pass, improved := 0, true; improved && (maxPasses == 0 || pass < maxPasses); pass++ {
		improved = false
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for i, u := range order {
			if i&15 == 0 && !deadline.IsZero() && time.Now().After(deadline) {
				return
			}
			if s.routeOf[u] < 0 {
				continue
			}
			near := s.p.near[u]
			if len(near) > granK {
				near = near[:granK]
			}
			for _, v := range near {
				if s.routeOf[v] < 0 || s.routeOf[u] < 0 {
					continue
				}
				if s.tryPair(u, v) {
					improved = true
				}
			}
		}
	}
}

// tryPair tries every move type that brings u next to v and applies the
// first that improves the objective. Moves between routes take the
// change in the continuity cost of the visits that change vehicle off
// the routes' old cost, so that a move that leaves a client with fewer
// workers is worth more.
func (s *state) tryPair(u, v int32) bool {
	if s.routeOf[u] == s.routeOf[v] {
		return s.tryIntra(u, v)
	}
	return s.tryRelocate(u, v, 1, false) || s.tryRelocate(u, v, 2, false) ||
		s.tryRelocate(u, v, 2, true) || s.tryRelocate(u, v, 3, false) ||
		s.trySwap(u, v) || s.tryTwoOptStar(u, v)
}

// tryRelocate moves the segment of length seg starting at u (reversed if
// rev) next to v in v's route, after or before v.
func (s *state) tryRelocate(u, v int32, seg int, rev bool) bool {
	p := s.p
	ku, kv := s.routeOf[u], s.routeOf[v]
	ru, rv := &s.routes[ku], &s.routes[kv]
	i, j := int(s.posOf[u]), int(s.posOf[v])
	if i+seg-1 > ru.size() {
		return false
	}
	s.bufA = append(s.bufA[:0], ru.visits[i-1:i-1+seg]...)
	if rev {
		reverse(s.bufA)
	}
	newU, ok := p.chain(ru, i-1, nil, ru, i+seg)
	if !ok {
		return false
	}
	old := ru.cost + rv.cost - s.contMove(s.bufA, ku, nil, kv)
	for _, after := range [2]bool{true, false} {
		at := j
		if !after {
			at = j - 1
		}
		newV, ok := p.chain(rv, at, s.bufA, rv, at+1)
		if ok && s.worth(newU+newV-old) {
			s.bufB = append(append(append(s.bufB[:0], rv.visits[:at]...), s.bufA...), rv.visits[at:]...)
			s.bufC = append(append(s.bufC[:0], ru.visits[:i-1]...), ru.visits[i-1+seg:]...)
			if s.apply(kv, s.bufB, ku, s.bufC) {
				return true
			}
		}
	}
	return false
}

// worth reports whether a move that changes travel by d may lower the
// objective: when d < 0, or in a rich problem when the lateness could
// fall by more than d.
func (s *state) worth(d int64) bool {
	return d < 0 || s.p.rich && d < s.lateness()
}

// apply puts visits a on route ka and b on route kb (kb < 0: route ka
// alone) and reports true; in a rich problem it first reschedules and
// puts the routes back, reporting false, unless the objective fell. It
// runs outside ruin-and-recreate steps.
func (s *state) apply(ka int32, a []int32, kb int32, b []int32) bool {
	if !s.p.rich {
		s.replace(ka, a)
		if kb >= 0 {
			s.replace(kb, b)
		}
		return true
	}
	before := s.cost()
	s.saveSchedule()
	s.bufD = append(s.bufD[:0], s.routes[ka].visits...)
	s.replace(ka, a)
	if kb >= 0 {
		s.bufE = append(s.bufE[:0], s.routes[kb].visits...)
		s.replace(kb, b)
	}
	s.reschedule()
	if s.cost() < before {
		return true
	}
	s.replace(ka, s.bufD)
	if kb >= 0 {
		s.replace(kb, s.bufE)
	}
	s.restoreSchedule()
	return false
}

// trySwap exchanges u and v between their routes.
func (s *state) trySwap(u, v int32) bool {
	p := s.p
	ku, kv := s.routeOf[u], s.routeOf[v]
	ru, rv := &s.routes[ku], &s.routes[kv]
	i, j := int(s.posOf[u]), int(s.posOf[v])
	s.bufA = append(s.bufA[:0], v)
	newU, ok := p.chain(ru, i-1, s.bufA, ru, i+1)
	if !ok {
		return false
	}
	uv := [2]int32{u, v}
	old := ru.cost + rv.cost - s.contMove(uv[:1], ku, uv[1:], kv)
	if !s.worth(newU + p.lowerSwap(rv, j, u) - old) {
		return false
	}
	s.bufA[0] = u
	newV, ok := p.chain(rv, j-1, s.bufA, rv, j+1)
	if !ok || !s.worth(newU+newV-old) {
		return false
	}
	s.bufB = append(s.bufB[:0], rv.visits...)
	s.bufB[j-1] = u
	s.bufC = append(s.bufC[:0], ru.visits...)
	s.bufC[i-1] = v
	return s.apply(kv, s.bufB, ku, s.bufC)
}

// lowerSwap is a cheap lower bound on the cost of r with position j
// replaced by visit u: the route cost minus the arcs removed plus the arcs
// added, ignoring time feasibility, overtime and balance.
func (p *Problem) lowerSwap(r *route, j int, u int32) int64 {
	k := int(r.veh)
	lu := p.loc[u]
	d := p.travel(k, r.lc[j-1], lu) + p.travel(k, lu, r.lc[j+1]) -
		p.travel(k, r.lc[j-1], r.lc[j]) - p.travel(k, r.lc[j], r.lc[j+1])
	return r.cost - r.over - r.bal + int64(d) + p.assignCost(u, r.veh) - p.assignCost(r.visits[j-1], r.veh)
}

// tryTwoOptStar exchanges route tails so that u is followed by v: u's
// route keeps its head up to u and takes v's tail from v; v's route keeps
// its head before v and takes the tail after u.
func (s *state) tryTwoOptStar(u, v int32) bool {
	p := s.p
	ku, kv := s.routeOf[u], s.routeOf[v]
	ru, rv := &s.routes[ku], &s.routes[kv]
	i, j := int(s.posOf[u]), int(s.posOf[v])
	newU, ok := p.chain(ru, i, nil, rv, j)
	if !ok {
		return false
	}
	old := ru.cost + rv.cost - s.contMove(ru.visits[i:], ku, rv.visits[j-1:], kv)
	if !s.worth(newU - old) {
		return false
	}
	newV, ok := p.chain(rv, j-1, nil, ru, i+1)
	if !ok || !s.worth(newU+newV-old) {
		return false
	}
	s.bufB = append(append(s.bufB[:0], ru.visits[:i]...), rv.visits[j-1:]...)
	s.bufC = append(append(s.bufC[:0], rv.visits[:j-1]...), ru.visits[i:]...)
	return s.apply(ku, s.bufB, kv, s.bufC)
}

// tryIntra tries, inside one route, moving u (alone or as the head of a
// segment of 2 or 3) right after or before v, and reversing the stretch
// that makes u and v adjacent (2-opt).
func (s *state) tryIntra(u, v int32) bool {
	k := s.routeOf[u]
	r := &s.routes[k]
	i, j := int(s.posOf[u]), int(s.posOf[v])
	for seg := 1; seg <= 3; seg++ {
		if i+seg-1 > r.size() || (j >= i && j < i+seg) {
			break
		}
		for _, at := range [2]int{j, j - 1} { // insert after position at
			if at >= i-1 && at < i+seg {
				continue
			}
			s.bufA = moveSegment(s.bufA[:0], r.visits, i, seg, at)
			if s.tryOrder(k, min(i, at+1), max(i+seg-1, at)) {
				return true
			}
		}
	}
	lo, hi := i+1, j // reverse lo..hi so that u precedes v
	if j < i {
		lo, hi = j, i-1
	}
	if hi <= lo {
		return false
	}
	s.bufA = append(s.bufA[:0], r.visits[lo-1:hi]...)
	reverse(s.bufA)
	return s.tryOrder(k, lo, hi)
}

// tryOrder evaluates route k with positions lo..hi replaced by the visits
// in bufA, and applies it if cheaper.
func (s *state) tryOrder(k int32, lo, hi int) bool {
	r := &s.routes[k]
	c, ok := s.p.chain(r, lo-1, s.bufA, r, hi+1)
	if !ok || !s.worth(c-r.cost) {
		return false
	}
	s.bufB = append(append(append(s.bufB[:0], r.visits[:lo-1]...), s.bufA...), r.visits[hi:]...)
	return s.apply(k, s.bufB, -1, nil)
}

// moveSegment writes the visits of positions min(i,at+1)..max(i+seg-1,at)
// after moving the segment i..i+seg-1 to just after position at.
func moveSegment(out, visits []int32, i, seg, at int) []int32 {
	segment := visits[i-1 : i-1+seg]
	if at < i {
		out = append(out, segment...)
		return append(out, visits[at:i-1]...)
	}
	out = append(out, visits[i-1+seg:at]...)
	return append(out, segment...)
}

func reverse(s []int32) {
	for a, b := 0, len(s)-1; a < b; a, b = a+1, b-1 {
		s[a], s[b] = s[b], s[a]
	}
}
