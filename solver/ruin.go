package solver

import (
	"math"
	"math/rand"
)

// Ruin-and-recreate in the manner of SISR (Christiaens & Vanden Berghe,
// "Slack induction by string removals", Transp. Sci. 2020): remove a few
// strings of consecutive visits from routes near a random seed visit, then
// reinsert every removed visit greedily with "blinks" (each position is
// skipped with a small probability).
const (
	avgRemoved = 10   // c̄: average number of visits removed
	maxString  = 10   // L_max: longest string removed from one route
	blinkRate  = 0.01 // probability of skipping an insertion position
)

// routeRemoval is the probability that a step also empties the seed's
// whole route when routes have a fixed cost, so that the search can close
// routes. Measured on Solomon (no fixed cost) it does not pay, so it is
// off there.
const routeRemoval = 0.05

// ruinRecreate performs one step on s and leaves it journaled: the caller
// accepts it or calls s.rollback. It does not allocate once buffers grow.
func (s *state) ruinRecreate(rng *rand.Rand, w *scratch) {
	s.begin()
	s.ruin(rng, w)
	s.settle()
	s.recreate(rng, w)
}

// scratch holds the buffers of one search thread.
type scratch struct {
	removed  []int32
	ruinedAt []int64 // step at which a route was ruined
	stampV   []int64 // per vehicle, for candidate deduplication
	stampC   []int64 // per class, for empty-route deduplication
	stampU   []int64 // per visit, for the recreate list
	stampP   []int64 // per person, for clientVehicles
	kin      []int32 // clientVehicles' buffer
	stamp    int64
	keys     []int64
	order    []int32
	// best insertion found by insertBest or scanEject; bestEject is how
	// many visits the latter ejects from bestPos on
	best      int64
	bestK     int32
	bestPos   int
	bestEject int
	single    [1]int32 // one-visit buffer for chain
	// blink is the probability of skipping a position (blinkRate; 0
	// while constructing)
	blink float64
	// candidate positions of the two halves of a pair
	candA, candB []pairCand
}

func newScratch(p *Problem) *scratch {
	return &scratch{
		ruinedAt: make([]int64, p.NumVehicles()),
		stampV:   make([]int64, p.NumVehicles()),
		stampC:   make([]int64, p.NumVehicles()),
		stampU:   make([]int64, p.NumVisits()),
		stampP:   make([]int64, p.cont.persons),
		blink:    blinkRate,
	}
}

// ruin removes strings of visits from up to a few routes near a seed.
// Sometimes it first puts an unassigned visit in by ejection and takes
// that visit as the seed (not in rich problems: ejection does not keep
// pairs and links).
func (s *state) ruin(rng *rand.Rand, w *scratch) {
	w.removed = w.removed[:0]
	assigned := len(s.routeOf) - s.missing
	if assigned == 0 {
		return
	}
	avgSize := float64(assigned) / float64(max(s.used, 1))
	lsMax := math.Min(maxString, avgSize)
	ksMax := 4*avgRemoved/(1+lsMax) - 1
	ks := int(rng.Float64()*ksMax) + 1
	seed := int32(rng.Intn(len(s.routeOf)))
	if s.missing > 0 && !s.p.rich && rng.Float64() < ejectRate {
		if v := s.ejectRuin(rng, w); v >= 0 {
			seed = v
		}
	}
	for s.routeOf[seed] < 0 {
		seed = int32(rng.Intn(len(s.routeOf)))
	}
	ruined := 0
	if s.p.fixedCosts && rng.Float64() < routeRemoval {
		k := s.routeOf[seed]
		w.ruinedAt[k] = s.step
		ruined++
		r := &s.routes[k]
		for r.size() > 0 {
			s.remove(w, r.visits[r.size()-1])
		}
	}
	for n := -1; n < len(s.p.near[seed]) && ruined < ks; n++ {
		c := seed
		if n >= 0 {
			c = s.p.near[seed][n]
		}
		k := s.routeOf[c]
		if k < 0 || w.ruinedAt[k] == s.step {
			continue
		}
		w.ruinedAt[k] = s.step
		ruined++
		size := s.routes[k].size()
		lMax := int(math.Min(float64(size), lsMax))
		l := rng.Intn(lMax) + 1
		if rng.Intn(2) == 0 || l == size {
			s.removeString(rng, w, c, l)
		} else {
			s.removeSplitString(rng, w, c, l)
		}
	}
}

// removeString removes l consecutive visits including c.
func (s *state) removeString(rng *rand.Rand, w *scratch, c int32, l int) {
	r := &s.routes[s.routeOf[c]]
	i := int(s.posOf[c])
	lo := max(1, i-l+1)
	hi := min(i, r.size()-l+1)
	start := lo + rng.Intn(hi-lo+1)
	for q := 0; q < l; q++ {
		s.remove(w, r.visits[start-1])
	}
}

// remove detaches v, and the other half of its pair if it has one.
func (s *state) remove(w *scratch, v int32) {
	w.removed = append(w.removed, v)
	s.detach(v)
	if u := s.p.pairOf[v]; u >= 0 && s.routeOf[u] >= 0 {
		w.removed = append(w.removed, u)
		s.detach(u)
	}
}

// removeSplitString removes l visits from a string of l+m including c,
// keeping m consecutive ones in it.
func (s *state) removeSplitString(rng *rand.Rand, w *scratch, c int32, l int) {
	r := &s.routes[s.routeOf[c]]
	size := r.size()
	m := 1
	for m < size-l && rng.Float64() < 0.5 {
		m++
	}
	span := l + m
	i := int(s.posOf[c])
	lo := max(1, i-span+1)
	hi := min(i, size-span+1)
	start := lo + rng.Intn(hi-lo+1)
	keep := start + rng.Intn(l+1) // first kept position
	for q := start + span - 1; q >= start; q-- {
		if q >= keep && q < keep+m {
			continue
		}
		s.remove(w, r.visits[q-1])
	}
}

// recreate reinserts the removed visits, plus unassigned visits near them,
// each at its cheapest position (with blinks), in an order drawn at
// random: random, largest demand, farthest, or tightest window first;
// higher penalties always first. When every visit has the same demand
// (care rounds) the demand order would be random again, so it becomes
// the earliest last window end first: measured at 130,000 iterations on
// the borough day over seeds 1-12 it lowers the cost by 1.4%, the visits
// with morning windows getting their places before flexible ones fill
// the morning.
func (s *state) recreate(rng *rand.Rand, w *scratch) {
	p := s.p
	w.stamp++
	w.order = append(w.order[:0], w.removed...)
	for _, v := range w.removed {
		w.stampU[v] = w.stamp
	}
	if s.missing > len(w.removed) {
		// retry at most as many unassigned neighbours as were removed
		limit := 2 * len(w.removed)
		for _, v := range w.removed {
			for _, u := range p.near[v] {
				if len(w.order) >= limit {
					break
				}
				if s.routeOf[u] < 0 && w.stampU[u] != w.stamp {
					w.stampU[u] = w.stamp
					w.order = append(w.order, u)
				}
			}
		}
	}
	rng.Shuffle(len(w.order), func(i, j int) { w.order[i], w.order[j] = w.order[j], w.order[i] })
	w.keys = w.keys[:0]
	pick := rng.Intn(11)
	for _, v := range w.order {
		var key int64
		switch {
		case pick < 4:
			key = 0
		case pick < 8 && p.flatDemand:
			key = int64(p.lastEnd(v))
		case pick < 8:
			key = -int64(p.demand[v])
		case pick < 10:
			key = -int64(p.far[v])
		default:
			key = int64(p.width[v])
		}
		w.keys = append(w.keys, key)
	}
	sortByKeys(w.order, w.keys, p.penalty)
	s.insertAll(rng, w, w.order)
}

// insertAll inserts the unassigned visits of order, in order; the two
// halves of a pair go in together when the first is reached.
func (s *state) insertAll(rng *rand.Rand, w *scratch, order []int32) {
	for _, v := range order {
		switch u := s.p.pairOf[v]; {
		case s.routeOf[v] >= 0:
		case u < 0:
			s.insertBest(rng, w, v)
		case s.routeOf[u] < 0:
			s.insertPair(rng, w, v, u)
		}
	}
}

// sortByKeys sorts visits by penalty (highest first) then key, stably.
func sortByKeys(order []int32, keys []int64, penalty []int64) {
	for i := 1; i < len(order); i++ {
		for j := i; j > 0; j-- {
			a, b := j-1, j
			pa, pb := penalty[order[a]], penalty[order[b]]
			if pa > pb || pa == pb && keys[a] <= keys[b] {
				break
			}
			order[a], order[b] = order[b], order[a]
			keys[a], keys[b] = keys[b], keys[a]
		}
	}
}

// insertBest puts v at its cheapest feasible position among its candidate
// routes (every route on small fleets, else the nearest vehicles, the
// routes of v's neighbours and those of the persons serving v's client),
// skipping each would-be improvement with probability blinkRate;
// v stays unassigned if no position fits or the best costs more than its
// penalty.
func (s *state) insertBest(rng *rand.Rand, w *scratch, v int32) {
	p := s.p
	w.best, w.bestK, w.bestPos = p.penalty[v], -1, 0
	w.stamp++
	if len(p.Vehicles) <= 64 {
		for k := range s.routes {
			s.scanRoute(rng, w, v, int32(k))
		}
	} else {
		for _, k := range p.nearVeh[v] {
			s.scanRoute(rng, w, v, k)
		}
		for _, u := range p.near[v] {
			// neighbours share few routes: skip a scanned one before
			// the call (candidate checks the stamp for the other lists)
			if k := s.routeOf[u]; k >= 0 && w.stampV[k] != w.stamp {
				s.scanRoute(rng, w, v, k)
			}
		}
		for _, k := range s.clientVehicles(w, v) {
			s.scanRoute(rng, w, v, k)
		}
	}
	if w.bestK >= 0 {
		s.insert(v, w.bestK, w.bestPos)
	}
}

// candidate returns route k if it may take v at all, with the travel v
// may add to it before its working time passes the cap (room) and v's
// cost in it apart from travel (fixed, assignment and continuity costs).
// It rules out a route already seen in this scan (w.stamp), one v is not
// allowed in or has no capacity for, an empty route of a class (p.class)
// already tried, and one with negative room: v would need a detour below
// zero, which a travel matrix keeping the triangle inequality (haversine,
// road network) never has, give or take a second of rounding. On the generated borough day, where most rounds
// end near their cap, that rules out three in four visit-route pairs
// before the matrix is read and cuts the time per step by a third; with a
// matrix that breaks the inequality (some OSRM tables, hand-made ones) a
// scan may miss a place that shortens a route, never take an infeasible
// one. v without a window fits nowhere.
func (s *state) candidate(w *scratch, v, k int32) (r *route, room int32, fixed int64, ok bool) {
	p := s.p
	if w.stampV[k] == w.stamp || !p.Allowed(int(v), int(k)) || p.winOff[v] == p.winOff[v+1] {
		return nil, 0, 0, false
	}
	w.stampV[k] = w.stamp
	room = s.free[k] - p.dur[v]
	if room < 0 {
		return nil, 0, 0, false
	}
	r = &s.routes[k]
	m := r.size()
	if r.ld[m+1]+p.demand[v] > p.capacity[k] {
		return nil, 0, 0, false
	}
	if m == 0 {
		if cl := p.class[k]; !s.serves(v, k) {
			if w.stampC[cl] == w.stamp {
				return nil, 0, 0, false
			}
			w.stampC[cl] = w.stamp
		}
		fixed = p.Vehicles[k].FixedCost
	}
	return r, room, fixed + p.assignCost(v, k) + s.contInsert(v, k), true
}

// scanRoute updates w's best insertion of v with the positions of route
// k. Travel deltas are pruned before the time windows are checked, the
// scan starts at the first position whose next stop can wait for v (see
// firstFit) and stops once the route's schedule passes v's last window.
// The positions it skips would fail the window check before drawing a
// blink, so the search is the same as with a scan of every position; and
// it skips a route whose working time leaves no room for v's service.
func (s *state) scanRoute(rng *rand.Rand, w *scratch, v int32, k int32) {
	p := s.p
	r, room, fixed, ok := s.candidate(w, v, k)
	if !ok {
		return
	}
	m := r.size()
	mat := &p.Travel[p.Vehicles[k].Profile]
	vals, n := mat.Values, mat.N
	lv := int(p.loc[v])
	dv := p.dur[v]
	lastEnd := p.lastEnd(v)
	for pos := r.firstFit(p.win[p.winOff[v]].Start + dv); pos <= m; pos++ {
		ready := r.es[pos] + r.du[pos]
		if ready > lastEnd {
			return
		}
		a, b := int(r.lc[pos]), int(r.lc[pos+1])
		tav, tvb := vals[a*n+lv], vals[lv*n+b]
		d := tav + tvb
		if m > 0 {
			d -= vals[a*n+b]
		}
		c := int64(d) + fixed
		if c >= w.best || d > room {
			continue
		}
		if p.breaks {
			if !r.breakFits(p, v, pos, tav, tvb) {
				continue
			}
		} else if st, ok := p.earliestStart(v, ready+tav); !ok || st+dv+tvb > r.ls[pos+1] {
			continue
		}
		if w.blink > 0 && rng.Float64() < w.blink {
			continue
		}
		if p.rich {
			if st, ok := p.earliestStart(v, s.readyAt(k, pos, ready)+tav); !ok || c+s.lateFloorCost(v, k, pos, st) >= w.best {
				continue
			}
			late, ok := s.trialInsert(w.best-c, slot{k: k, v: v, at: pos})
			if c += late; !ok || c >= w.best {
				continue
			}
		}
		w.best, w.bestK, w.bestPos = c, k, pos+1
	}
}
