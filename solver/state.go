package solver

// state is a working solution: one route per vehicle, where each visit is,
// and the objective kept up to date. A journal of touched routes lets a
// rejected ruin-and-recreate step be undone in time proportional to what
// it touched.
type state struct {
	p       *Problem
	routes  []route
	routeOf []int32 // vehicle serving the visit, -1 if unassigned
	posOf   []int32 // position of the visit in its route (1-based)
	routed  int64   // sum of route costs (travel, fixed and assignment)
	penalty int64   // sum of penalties of unassigned visits
	missing int     // number of unassigned visits
	used    int     // number of routes with visits
	cn      counts  // continuity of care (continuity.go), kept through every change
	free    []int32 // per route, route.free, read by the scans without the route's arrays

	// routes changed since the last saveBest
	dirty     []int32
	dirtyMark []bool

	// journal
	saved     [][]int32 // saved[k]: visits of route k before this step
	savedGap  []int32   // savedGap[k]: route k's break gap before this step
	savedStep []int64
	step      int64
	touched   []int32
	moved     []int32 // visits whose vehicle changed this step
	oldRouted int64
	oldPen    int64
	oldMiss   int

	bufA, bufB, bufC []int32 // scratch for moves

	// schedule of rich problems (links, soft windows): the starts
	// Problem.Schedule gives the routes, kept by prop (propagate.go)
	start    []int32 // start of each served visit, NotServed otherwise
	lateSum  int64   // summed lateness costs
	worst    int32   // largest lateness
	broken   bool    // the routes have no schedule
	prop     *propagator
	oldStart []int32 // journal of the schedule
	oldLate  int64
	oldWorst int32
	oldBad   bool
	overFix  int64 // scheduled overtime cost minus the routes' own
	oldFix   int64
	bufD     []int32 // scratch for local search in rich problems
	bufE     []int32
	from     []slot // unschedule's reruns
}

func newState(p *Problem) *state {
	nk, nv := p.NumVehicles(), p.NumVisits()
	s := &state{
		p:         p,
		routes:    make([]route, nk),
		routeOf:   make([]int32, nv),
		posOf:     make([]int32, nv),
		free:      make([]int32, nk),
		saved:     make([][]int32, nk),
		savedGap:  make([]int32, nk),
		dirtyMark: make([]bool, nk),
		savedStep: make([]int64, nk),
		step:      1,
		cn:        newCounts(p),
	}
	for k := range s.routes {
		s.routes[k].veh = int32(k)
		s.update(int32(k))
	}
	for v := range s.routeOf {
		s.routeOf[v] = -1
		s.penalty += p.penalty[v]
	}
	s.missing = nv
	if p.rich {
		s.start = make([]int32, nv)
		s.oldStart = make([]int32, nv)
		for v := range s.start {
			s.start[v] = NotServed
		}
		s.prop = newPropagator(nv)
	}
	return s
}

// cost returns the objective: route costs (overtime included),
// unassigned penalties, lateness and continuity costs.
func (s *state) cost() int64 {
	if s.p.rich {
		return s.routed + s.penalty + s.lateness() + s.overFix + s.cn.cost
	}
	return s.routed + s.penalty + s.cn.cost
}

// begin starts a journaled step.
func (s *state) begin() {
	s.step++
	s.touched = s.touched[:0]
	s.moved = s.moved[:0]
	s.oldRouted, s.oldPen, s.oldMiss = s.routed, s.penalty, s.missing
	if s.p.rich {
		s.saveSchedule()
	}
}

// saveSchedule keeps the schedule for restoreSchedule.
func (s *state) saveSchedule() {
	copy(s.oldStart, s.start)
	s.oldLate, s.oldWorst, s.oldBad, s.oldFix = s.lateSum, s.worst, s.broken, s.overFix
}

// restoreSchedule puts back the schedule saved last.
func (s *state) restoreSchedule() {
	copy(s.start, s.oldStart)
	s.lateSum, s.worst, s.broken, s.overFix = s.oldLate, s.oldWorst, s.oldBad, s.oldFix
}

// touch saves route k's visits the first time it changes in a step.
func (s *state) touch(k int32) {
	if s.savedStep[k] == s.step {
		return
	}
	s.savedStep[k] = s.step
	s.saved[k] = append(s.saved[k][:0], s.routes[k].visits...)
	s.savedGap[k] = s.routes[k].gap
	s.touched = append(s.touched, k)
	if !s.dirtyMark[k] {
		s.dirtyMark[k] = true
		s.dirty = append(s.dirty, k)
	}
}

// rollback undoes every change since begin.
func (s *state) rollback() {
	for _, v := range s.moved {
		s.routeOf[v] = -1
	}
	for _, k := range s.touched {
		s.contRoute(k, false)
		r := &s.routes[k]
		r.visits = append(r.visits[:0], s.saved[k]...)
		s.contRoute(k, true)
		s.update(k)
		s.index(k)
		s.count(r)
	}
	s.routed, s.penalty, s.missing = s.oldRouted, s.oldPen, s.oldMiss
	if s.p.rich {
		s.restoreSchedule()
	}
	s.step++
}

// index refreshes routeOf and posOf for the visits of route k.
func (s *state) index(k int32) {
	for i, v := range s.routes[k].visits {
		s.routeOf[v] = k
		s.posOf[v] = int32(i + 1)
	}
}

// update recomputes route k's cached data and its entry in s.free.
func (s *state) update(k int32) {
	r := &s.routes[k]
	r.update(s.p)
	s.free[k] = r.free(s.p)
}

// refresh recomputes route k after its visits changed and keeps the
// objective current.
func (s *state) refresh(k int32) {
	r := &s.routes[k]
	old := r.cost
	s.update(k)
	s.routed += r.cost - old
	s.index(k)
	s.count(r)
}

// count keeps s.used current after route r changed.
func (s *state) count(r *route) {
	now := r.size() > 0
	s.used += b2i(now) - b2i(r.counted)
	r.counted = now
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// insert puts unassigned visit v at position pos (1-based) of route k.
func (s *state) insert(v int32, k int32, pos int) {
	s.touch(k)
	r := &s.routes[k]
	r.visits = append(r.visits, 0)
	copy(r.visits[pos:], r.visits[pos-1:])
	r.visits[pos-1] = v
	s.penalty -= s.p.penalty[v]
	s.missing--
	s.moved = append(s.moved, v)
	s.contAdd(v, k)
	gap := r.gap
	s.refresh(k)
	if s.p.rich {
		s.propagate(v, k, pos-1, gap)
	}
}

// detach removes visit v from its route without refreshing the route's
// caches; call settle on the touched routes afterwards.
func (s *state) detach(v int32) {
	k := s.routeOf[v]
	s.touch(k)
	r := &s.routes[k]
	pos := s.posOf[v]
	copy(r.visits[pos-1:], r.visits[pos:])
	r.visits = r.visits[:len(r.visits)-1]
	for i := int(pos) - 1; i < len(r.visits); i++ {
		s.posOf[r.visits[i]] = int32(i + 1)
	}
	s.contDel(v, k)
	s.routeOf[v] = -1
	s.penalty += s.p.penalty[v]
	s.missing++
	s.moved = append(s.moved, v)
}

// settle refreshes every route touched in this step, and the schedule,
// after the step has only removed visits (a ruin).
func (s *state) settle() {
	for _, k := range s.touched {
		s.refresh(k)
	}
	if s.p.rich {
		s.unschedule()
	}
}

// replace sets route k's visits (used by local search moves) and
// refreshes it, but not the schedule of a rich problem. The caller
// guarantees feasibility.
func (s *state) replace(k int32, visits []int32) {
	s.touch(k)
	s.contRoute(k, false)
	r := &s.routes[k]
	r.visits = append(r.visits[:0], visits...)
	s.contRoute(k, true)
	s.refresh(k)
}

// saveBest copies into sol, the state's last snapshot, the routes changed
// since then, and the objective. sol.Unassigned is left stale: call
// finish before handing sol out. O(size of the changed routes).
func (s *state) saveBest(sol *Solution) {
	for _, k := range s.dirty {
		s.dirtyMark[k] = false
		r := sol.Routes[k][:0]
		for _, v := range s.routes[k].visits {
			r = append(r, int(v))
		}
		sol.Routes[k] = r
	}
	s.dirty = s.dirty[:0]
	s.costs(sol)
}

// costs copies the objective and its parts into sol.
func (s *state) costs(sol *Solution) {
	sol.Cost = s.cost()
	sol.Assignment = s.assignment()
	own := s.routeOvertime()
	sol.Overtime = own
	sol.Balance = s.routeBalance()
	sol.Travel = s.routed - sol.Assignment - own - sol.Balance
	if s.p.rich {
		sol.Overtime += s.overFix
	}
	sol.Lateness = 0
	if s.p.rich {
		sol.Lateness = s.lateness()
	}
	sol.Continuity = s.cn.cost
}

// snapshot copies the routes into sol (reusing its memory).
func (s *state) snapshot(sol *Solution) {
	for _, k := range s.dirty {
		s.dirtyMark[k] = false
	}
	s.dirty = s.dirty[:0]
	if len(sol.Routes) != len(s.routes) {
		sol.Routes = make([][]int, len(s.routes))
	}
	for k := range s.routes {
		vs := s.routes[k].visits
		r := sol.Routes[k][:0]
		for _, v := range vs {
			r = append(r, int(v))
		}
		sol.Routes[k] = r
	}
	sol.Unassigned = sol.Unassigned[:0]
	for v, k := range s.routeOf {
		if k < 0 {
			sol.Unassigned = append(sol.Unassigned, v)
		}
	}
	s.costs(sol)
}

// load replaces the state's routes with sol's.
func (s *state) load(sol *Solution) {
	s.routed, s.penalty, s.missing, s.used = 0, 0, 0, 0
	for v := range s.routeOf {
		s.routeOf[v] = -1
	}
	clear(s.cn.n)
	clear(s.cn.distinct)
	s.cn.cost = 0
	for k := range s.routes {
		r := &s.routes[k]
		r.visits = r.visits[:0]
		for _, v := range sol.Routes[k] {
			r.visits = append(r.visits, int32(v))
		}
		s.update(int32(k))
		s.routed += r.cost
		r.counted = false
		s.count(r)
		s.index(int32(k))
		s.contRoute(int32(k), true)
	}
	for _, k := range s.dirty {
		s.dirtyMark[k] = false
	}
	s.dirty = s.dirty[:0]
	for v, k := range s.routeOf {
		if k < 0 {
			s.penalty += s.p.penalty[v]
			s.missing++
		}
	}
	if s.p.rich {
		s.reschedule()
	}
	s.step++
}

// finish fills sol.Unassigned from its routes.
func finish(sol *Solution, visits int) {
	on := make([]bool, visits)
	for _, r := range sol.Routes {
		for _, v := range r {
			on[v] = true
		}
	}
	sol.Unassigned = sol.Unassigned[:0]
	for v, ok := range on {
		if !ok {
			sol.Unassigned = append(sol.Unassigned, v)
		}
	}
}
