package solver

// Continuity of care: every different worker beyond the first who serves
// a client's visits costs Problem.Continuity. The cost is not a route's:
// it depends on which persons serve a client across all routes (a person
// has one vehicle per shift, on several days). The state keeps, per
// client with at least two visits and per person, how many of the
// client's visits the person serves, and per client how many different
// persons serve it; inserting or removing a visit changes the cost by 0
// or ±Problem.Continuity, known in O(1). Problems without a continuity
// cost take none of these paths.

// cont holds the continuity tables of a Problem.
type cont struct {
	// client[v] is the tracked client of visit v, -1 if v's client has a
	// single visit (or none) and so never sees two workers.
	client []int32
	// person[k] is the person of vehicle k, from 0 to persons-1.
	person  []int32
	persons int
	// the visits of tracked client c are visits[visitOff[c]:visitOff[c+1]]
	visitOff, visits []int32
	// the vehicles of person w are vehs[vehOff[w]:vehOff[w+1]]
	vehOff, vehs []int32
}

// freezeContinuity fills p.cont when p.Continuity is positive. O(V + K).
func (p *Problem) freezeContinuity() {
	if p.Continuity == 0 {
		return
	}
	c := &p.cont
	c.person = make([]int32, len(p.Vehicles))
	persons := make(map[int]int32)
	for k, veh := range p.Vehicles {
		w, ok := persons[veh.Worker]
		if veh.Worker == 0 || !ok {
			w = int32(c.persons)
			c.persons++
			if veh.Worker > 0 {
				persons[veh.Worker] = w
			}
		}
		c.person[k] = w
	}
	c.vehOff = make([]int32, c.persons+1)
	for _, w := range c.person {
		c.vehOff[w+1]++
	}
	for w := 0; w < c.persons; w++ {
		c.vehOff[w+1] += c.vehOff[w]
	}
	c.vehs = make([]int32, len(p.Vehicles))
	fill := append([]int32(nil), c.vehOff[:c.persons]...)
	for k, w := range c.person {
		c.vehs[fill[w]] = int32(k)
		fill[w]++
	}

	visitsOf := make(map[int]int)
	for _, vis := range p.Visits {
		if vis.Client > 0 {
			visitsOf[vis.Client]++
		}
	}
	index := make(map[int]int32)
	c.client = make([]int32, len(p.Visits))
	c.visitOff = []int32{0}
	for v, vis := range p.Visits {
		c.client[v] = -1
		if visitsOf[vis.Client] < 2 {
			continue
		}
		i, ok := index[vis.Client]
		if !ok {
			i = int32(len(index))
			index[vis.Client] = i
			c.visitOff = append(c.visitOff, 0)
		}
		c.client[v] = i
		c.visitOff[i+1]++
	}
	for i := 1; i < len(c.visitOff); i++ {
		c.visitOff[i] += c.visitOff[i-1]
	}
	c.visits = make([]int32, c.visitOff[len(c.visitOff)-1])
	fill = append(fill[:0], c.visitOff[:len(c.visitOff)-1]...)
	for v, i := range c.client {
		if i >= 0 {
			c.visits[fill[i]] = int32(v)
			fill[i]++
		}
	}
}

// clients returns the number of tracked clients.
func (c *cont) clients() int { return max(len(c.visitOff)-1, 0) }

// sameClient returns the visits of v's client (v included); none when v's
// client is not tracked or the problem has no continuity cost.
func (c *cont) sameClient(v int32) []int32 {
	if c.client == nil {
		return nil
	}
	i := c.client[v]
	if i < 0 {
		return nil
	}
	return c.visits[c.visitOff[i]:c.visitOff[i+1]]
}

// continuity returns the continuity cost of a set of routes, from
// scratch. O(V + K + C·W) for C tracked clients and W persons.
func (p *Problem) continuity(routes [][]int) int64 {
	if p.Continuity == 0 {
		return 0
	}
	c := &p.cont
	seen := make([]bool, c.clients()*c.persons)
	var extra int64
	distinct := make([]int, c.clients())
	for k, r := range routes {
		for _, v := range r {
			i := c.client[v]
			if i < 0 {
				continue
			}
			at := int(i)*c.persons + int(c.person[k])
			if !seen[at] {
				seen[at] = true
				if distinct[i]++; distinct[i] > 1 {
					extra++
				}
			}
		}
	}
	return extra * p.Continuity
}

// counts is the continuity state of a working solution: how many visits
// of each tracked client each person serves, how many persons serve each
// client, and the cost.
type counts struct {
	n        []int32 // client-major: n[c*persons+w]
	distinct []int32
	cost     int64
}

func newCounts(p *Problem) counts {
	if p.Continuity == 0 {
		return counts{}
	}
	return counts{n: make([]int32, p.cont.clients()*p.cont.persons), distinct: make([]int32, p.cont.clients())}
}

// contAdd counts visit v as served by vehicle k and returns the change in
// the continuity cost. O(1).
func (s *state) contAdd(v, k int32) int64 {
	if s.cn.n == nil {
		return 0
	}
	c := &s.p.cont
	i := c.client[v]
	if i < 0 {
		return 0
	}
	at := i*int32(c.persons) + c.person[k]
	if s.cn.n[at]++; s.cn.n[at] > 1 {
		return 0
	}
	if s.cn.distinct[i]++; s.cn.distinct[i] == 1 {
		return 0
	}
	s.cn.cost += s.p.Continuity
	return s.p.Continuity
}

// contDel stops counting visit v as served by vehicle k and returns the
// change in the continuity cost. O(1).
func (s *state) contDel(v, k int32) int64 {
	if s.cn.n == nil {
		return 0
	}
	c := &s.p.cont
	i := c.client[v]
	if i < 0 {
		return 0
	}
	at := i*int32(c.persons) + c.person[k]
	if s.cn.n[at]--; s.cn.n[at] > 0 {
		return 0
	}
	if s.cn.distinct[i]--; s.cn.distinct[i] == 0 {
		return 0
	}
	s.cn.cost -= s.p.Continuity
	return -s.p.Continuity
}

// contInsert returns what inserting unassigned visit v on vehicle k would
// add to the continuity cost, changing nothing. O(1).
func (s *state) contInsert(v, k int32) int64 {
	if s.cn.n == nil {
		return 0
	}
	c := &s.p.cont
	i := c.client[v]
	if i < 0 || s.cn.distinct[i] == 0 || s.cn.n[i*int32(c.persons)+c.person[k]] > 0 {
		return 0
	}
	return s.p.Continuity
}

// serves reports whether the person of vehicle k already serves another
// visit of v's client, so that an empty route of k is not interchangeable
// with the empty routes of its class for v. O(1).
func (s *state) serves(v, k int32) bool {
	if s.cn.n == nil {
		return false
	}
	c := &s.p.cont
	i := c.client[v]
	return i >= 0 && s.cn.n[i*int32(c.persons)+c.person[k]] > 0
}

// contShift counts visits vs as served by vehicle to instead of from and
// returns the change in the continuity cost. O(len(vs)).
func (s *state) contShift(vs []int32, from, to int32) int64 {
	if s.cn.n == nil {
		return 0
	}
	var d int64
	for _, v := range vs {
		d += s.contDel(v, from) + s.contAdd(v, to)
	}
	return d
}

// contMove returns the change in the continuity cost of moving visits a
// from vehicle ka to kb and visits b from kb to ka, changing nothing.
// O(len(a) + len(b)).
func (s *state) contMove(a []int32, ka int32, b []int32, kb int32) int64 {
	if s.cn.n == nil || s.p.cont.person[ka] == s.p.cont.person[kb] {
		return 0
	}
	d := s.contShift(a, ka, kb) + s.contShift(b, kb, ka)
	s.contShift(b, ka, kb)
	s.contShift(a, kb, ka)
	return d
}

// contRoute counts (add) or uncounts the visits of route k.
func (s *state) contRoute(k int32, add bool) {
	if s.cn.n == nil {
		return
	}
	for _, v := range s.routes[k].visits {
		if add {
			s.contAdd(v, k)
		} else {
			s.contDel(v, k)
		}
	}
}

// clientVehicles returns, in w's buffer, the vehicles allowed to v of
// the persons who already serve v's client, so that insertions can keep
// the client with the workers they know; none without a continuity cost.
// It uses w.stamp, which the caller has just advanced. O(visits of the
// client + vehicles of those persons).
func (s *state) clientVehicles(w *scratch, v int32) []int32 {
	w.kin = w.kin[:0]
	if s.cn.n == nil {
		return w.kin
	}
	c := &s.p.cont
	for _, u := range c.sameClient(v) {
		k := s.routeOf[u]
		if k < 0 {
			continue
		}
		pw := c.person[k]
		if w.stampP[pw] == w.stamp {
			continue
		}
		w.stampP[pw] = w.stamp
		for _, kk := range c.vehs[c.vehOff[pw]:c.vehOff[pw+1]] {
			if s.p.Allowed(int(v), int(kk)) {
				w.kin = append(w.kin, kk)
			}
		}
	}
	return w.kin
}
