package solver

import (
	"math"
	"math/rand"
)

const infCost = math.MaxInt64 / 4

// candidates returns the vehicles a visit may be inserted into during
// construction: every allowed vehicle on small fleets, else the nearest
// allowed ones.
func (p *Problem) candidates(v int) []int32 {
	if len(p.Vehicles) > 64 {
		return p.nearVeh[v]
	}
	var out []int32
	for k := range p.Vehicles {
		if p.Allowed(v, k) {
			out = append(out, int32(k))
		}
	}
	return out
}

// bestInsertion returns the cheapest feasible position of v in route r.
func (s *state) bestInsertion(v int32, r *route) (int64, int) {
	best, at := int64(infCost), -1
	for pos := 0; pos <= r.size(); pos++ {
		if c, ok := r.insertCost(s.p, v, pos); ok && c < best {
			best, at = c, pos+1
		}
	}
	return best, at
}

// regret inserts unassigned visits by regret-3 insertion: at each step the
// visit whose best insertion beats its second and third best by the most
// (a missing option counts as the visit's unassigned penalty, and the
// penalty itself is added so rapid-response visits go first) takes its
// best place. Costs include the continuity cost, which changes for the
// client's other visits when one is placed. Visits that fit nowhere stay
// unassigned. Each step costs O(V + R·C) for V visits, R visits whose
// candidate route changed or whose client was served, and C candidates
// per visit.
func (s *state) regret() {
	p := s.p
	nv := p.NumVisits()
	cand := make([][]int32, nv)
	cost := make([][]int64, nv)
	at := make([][]int32, nv)
	rev := make([][]int32, p.NumVehicles())
	open := make([]bool, nv)
	score := make([]int64, nv)
	for v := 0; v < nv; v++ {
		if s.routeOf[v] >= 0 {
			continue
		}
		cand[v] = p.candidates(v)
		cost[v] = make([]int64, len(cand[v]))
		at[v] = make([]int32, len(cand[v]))
		for i, k := range cand[v] {
			rev[k] = append(rev[k], int32(v))
			c, pos := s.bestInsertion(int32(v), &s.routes[k])
			cost[v][i], at[v][i] = c, int32(pos)
		}
		open[v] = true
	}
	seenClass := make([]int64, len(p.Vehicles))
	stamp := int64(0)
	summarise := func(v int) {
		stamp++
		c1, c2, c3 := int64(infCost), int64(infCost), int64(infCost)
		for i, k := range cand[v] {
			c := cost[v][i]
			if c >= infCost {
				continue
			}
			c += s.contInsert(int32(v), k)
			if s.routes[k].size() == 0 && !s.serves(int32(v), k) {
				cl := p.class[k]
				if seenClass[cl] == stamp {
					continue
				}
				seenClass[cl] = stamp
			}
			switch {
			case c < c1:
				c1, c2, c3 = c, c1, c2
			case c < c2:
				c2, c3 = c, c2
			case c < c3:
				c3 = c
			}
		}
		if c1 >= infCost {
			open[v] = false
			return
		}
		pen := p.penalty[v]
		if c2 >= infCost {
			c2 = pen
		}
		if c3 >= infCost {
			c3 = pen
		}
		score[v] = c2 - c1 + c3 - c1 + pen
	}
	for v := 0; v < nv; v++ {
		if open[v] {
			summarise(v)
		}
	}
	for {
		best := -1
		for v := 0; v < nv; v++ {
			if open[v] && (best < 0 || score[v] > score[best]) {
				best = v
			}
		}
		if best < 0 {
			return
		}
		bi, bc := -1, int64(infCost)
		for i, k := range cand[best] {
			c := cost[best][i]
			if c >= infCost {
				continue
			}
			c += s.contInsert(int32(best), k)
			if bi < 0 || c < bc || c == bc && k < cand[best][bi] {
				bi, bc = i, c
			}
		}
		k := cand[best][bi]
		open[best] = false
		s.insert(int32(best), k, int(at[best][bi]))
		r := &s.routes[k]
		for _, u := range rev[k] {
			if !open[u] {
				continue
			}
			for i, kk := range cand[u] {
				if kk == k {
					c, pos := s.bestInsertion(u, r)
					cost[u][i], at[u][i] = c, int32(pos)
				}
			}
			summarise(int(u))
		}
		for _, u := range p.cont.sameClient(int32(best)) {
			if open[u] {
				summarise(int(u))
			}
		}
	}
}

// greedy inserts every unassigned visit at its cheapest feasible place,
// the highest penalties first and then by the end of their last window
// (as recreate's window order), the two halves of a pair together. It
// builds the first solution of rich problems (links, soft windows), whose
// costs regret's route-by-route tables cannot hold. On the generated
// borough day with every care rule, taking the visits that must start
// early first leaves 172, 188 and 168 visits out (fixture seeds 1-3)
// where the opening of the first window left 212, 219 and 189.
func (s *state) greedy(rng *rand.Rand) {
	p := s.p
	w := newScratch(p)
	w.blink = 0
	var order []int32
	var keys []int64
	for v, k := range s.routeOf {
		if k < 0 {
			order = append(order, int32(v))
			keys = append(keys, int64(p.lastEnd(int32(v))))
		}
	}
	sortByKeys(order, keys, p.penalty)
	s.insertAll(rng, w, order)
}
