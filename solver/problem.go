// Package solver plans routes: a dense, index-based Problem built once from
// a request (or from a benchmark file), a regret-insertion construction, a
// granular local search, and a ruin-and-recreate metaheuristic with
// simulated annealing that runs one search per core. Every visit, vehicle
// and location is a dense int; travel times live in one flat []int32 per
// travel profile.
package solver

import (
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/roundsdev/rounds/geo"
)

// Window is an interval of allowed start times on the problem's time axis,
// both ends included.
type Window struct {
	Start, End int32
}

// Vehicle is one route to fill: a worker on one shift date, or one truck
// of a benchmark fleet. Times are on the problem's absolute axis.
type Vehicle struct {
	// Start and End are location indices into the travel matrices.
	Start, End int
	// Profile indexes Problem.Travel: the matrix this vehicle travels by.
	Profile int
	// Earliest is the earliest departure; Latest the latest return.
	Earliest, Latest int32
	// OvertimeCost, if positive, is the cost of every 60 units of time
	// (a minute when times are in seconds) that the route returns after
	// OvertimeStart (the shift end, at most Latest), charged per unit
	// and rounded down: (return − OvertimeStart) × OvertimeCost / 60.
	OvertimeStart int32
	OvertimeCost  int64
	// BalanceCost, if positive, is the cost of every 60 units of service
	// time (time in visits) above BalanceTarget, the vehicle's fair
	// share, charged per unit and rounded down:
	// (service − BalanceTarget) × BalanceCost / 60.
	BalanceTarget int32
	BalanceCost   int64
	// MaxWork caps travel plus service time (waiting excluded); 0 means
	// no cap beyond the shift.
	MaxWork int32
	// Skills is the set of skills the vehicle's worker has.
	Skills uint64
	// Capacity caps the summed demand of the route; 0 means no cap.
	Capacity int32
	// FixedCost is added to the objective when the route is used.
	FixedCost int64
	// Network, if positive, is the group the vehicle belongs to; serving
	// a visit of another positive network costs the visit's NetworkMiss.
	Network int
	// Break, if its Duration is positive, is a pause the route must hold
	// when it has visits.
	Break Break
	// Worker, if positive, is the person on the vehicle: vehicles with
	// equal Worker are one person's shifts, who count once towards the
	// continuity cost (WithContinuity). 0 makes the vehicle a person of
	// its own.
	Worker int
}

// Visit is one stop to serve at most once.
type Visit struct {
	// Location is an index into the travel matrices.
	Location int
	// Duration is the service time.
	Duration int32
	// Windows are the allowed start times: sorted, disjoint, non-empty
	// intervals. An empty list means the visit cannot be served.
	Windows []Window
	// Skills must all be held by the vehicle.
	Skills uint64
	// Demand counts against vehicle capacity.
	Demand int32
	// Penalty is the cost of leaving the visit unassigned.
	Penalty int64
	// Vehicles lists the vehicles allowed to serve the visit (pins,
	// declined workers, dates, ...); nil allows every vehicle. The skills
	// rule applies on top.
	Vehicles []int
	// Lateness, if positive, is the cost per unit of time that the visit
	// starts after SoftEnd (a soft window end inside the hard windows).
	SoftEnd  int32
	Lateness int64
	// Preferred lists the vehicles the visit should ride (its client's
	// preferred workers); riding any other vehicle adds PreferenceMiss
	// to the objective. An empty list means no preference and no cost.
	Preferred      []int
	PreferenceMiss int64
	// Network, if positive, is the visit's group; riding a vehicle of
	// another positive network adds NetworkMiss to the objective.
	Network     int
	NetworkMiss int64
	// Client, if positive, is the person the visit is for: with
	// WithContinuity, every different Worker beyond the first who serves
	// the visits of one Client costs Problem.Continuity.
	Client int
}

// Problem is the dense form of a routing problem. It is immutable once
// NewProblem returns: solvers share it between goroutines.
type Problem struct {
	// Travel holds one travel matrix per profile, indexed by location.
	Travel []geo.Matrix
	// Vehicles and Visits are the inputs, as given to NewProblem.
	Vehicles []Vehicle
	Visits   []Visit
	// Links couple visits (WithLinks); MaxLateness weighs the largest
	// lateness (WithMaxLateness).
	Links       []Link
	MaxLateness int64
	// Continuity is the cost of each different worker beyond the first
	// who serves a client's visits (WithContinuity).
	Continuity int64

	// Struct-of-arrays copies for the hot loop.
	loc      []int32
	dur      []int32
	demand   []int32
	penalty  []int64
	winOff   []int32 // windows of visit v are win[winOff[v]:winOff[v+1]]
	win      []Window
	allowed  []uint64 // visit-major bitset: bit k of row v = v may ride vehicle k
	words    int      // uint64 words per row of allowed
	maxWork  []int32  // math.MaxInt32 when uncapped
	capacity []int32  // math.MaxInt32 when uncapped
	class    []int32  // vehicles with equal class are interchangeable
	// near[v] lists up to nearK visits closest to v (by the first travel
	// profile, symmetrised, plus how badly their windows fit together:
	// timeGap) that may share a vehicle with v.
	near [][]int32
	// nearVeh[v] lists up to nearVehK allowed vehicles whose start is
	// closest to v, those whose shift cannot take v coming last
	// (shiftGap).
	nearVeh [][]int32
	// allAllowed is true when every visit may ride every vehicle.
	allAllowed bool
	// fixedCosts is true when some vehicle has a fixed cost.
	fixedCosts bool
	// overtime is true when some vehicle has an overtime cost.
	overtime bool
	// balance is true when some vehicle has a balance cost.
	balance bool
	// breaks is true when some vehicle has a break.
	breaks bool
	// far is the travel time to the visit from the start of its first
	// vehicle in nearVeh; width the summed length of its windows.
	far, width []int32
	// flatDemand is true when every visit has the same demand.
	flatDemand bool

	// links: the links of visit v are linkAt[linkOff[v]:linkOff[v+1]]
	linkOff, linkAt []int32
	pairOf          []int32 // the other half of v's pair, -1 if none
	soft            []int32 // SoftEnd per visit
	lateCost        []int64 // Lateness per visit
	// assignment costs, when assigns is set (see assign.go)
	assigns bool
	pref    []uint64 // visit-major bitset like allowed: v prefers vehicle k
	// stay[v] are the vehicles visit v rides in the published roster (-1
	// for none), and stayMiss the cost of riding another (withStays)
	stay     [][2]int32
	stayMiss int64
	prefMiss []int64 // PreferenceMiss per visit, 0 without a preference
	vehNet   []int32
	visNet   []int32
	netMiss  []int64
	// rich is true when routes must be scheduled together (links) or
	// start times cost something (soft windows).
	rich bool
	// continuity cost tables, when Continuity > 0 (see continuity.go)
	cont cont

	meta *requestMeta // set by Build; nil for problems made directly
	// lean problems have no neighbour lists and a class per vehicle: they
	// evaluate moves (grow.go) and are not for the search.
	lean bool
	// nearFrom, if set, is a problem with the same locations, windows and
	// allowed vehicles whose neighbour lists this one shares (Repair).
	nearFrom *Problem
}

const (
	nearK    = 40
	nearVehK = 12
)

// The weights of the time terms of the neighbour lists, after the
// correlation measure of HGS-TW (Kool et al., "Hybrid genetic search for
// the vehicle routing problem with time windows", DIMACS challenge 2022):
// a wait that visit windows force costs nearWait per second as a
// neighbour distance, a start past a window end nearLate. On the borough
// day, whose visits hold windows of an hour or two spread over the day,
// spatial neighbours alone are mostly visits of other hours: ruin then
// frees room at the wrong time and recreate retries the wrong unassigned
// visits. Measured at 130,000 iterations over seeds 1-6, the time-aware
// lists cut its cost by 4% (about 3 more visits served); a nearWait of
// 0.5 or 1 did no better; Solomon's average gap is unchanged.
const (
	nearWait = 0.2
	nearLate = 1.0
)

// NewProblem checks and freezes a problem, with the rules opts add. It
// returns an error naming the field and value of the first bad input: a
// location outside the matrices, an unknown profile, windows out of
// order, a negative time, a link to an unknown visit. It takes
// O(V·N + V·K + V·nearK·log + L) time for V visits, N locations, K
// vehicles and L links.
func NewProblem(travel []geo.Matrix, vehicles []Vehicle, visits []Visit, opts ...Option) (*Problem, error) {
	if len(travel) == 0 {
		return nil, fmt.Errorf("travel: at least one matrix is required")
	}
	n := travel[0].N
	for i, m := range travel {
		if err := m.Check(n); err != nil {
			return nil, fmt.Errorf("travel[%d]: %w", i, err)
		}
	}
	if len(vehicles) == 0 {
		return nil, fmt.Errorf("vehicles: at least one vehicle is required")
	}
	for k, veh := range vehicles {
		if err := checkVehicle(k, veh, n, len(travel)); err != nil {
			return nil, err
		}
	}
	for v, vis := range visits {
		if err := checkVisit(v, vis, n, len(vehicles)); err != nil {
			return nil, err
		}
	}
	p := &Problem{Travel: travel, Vehicles: vehicles, Visits: visits}
	for _, o := range opts {
		o(p)
	}
	paired := make([]bool, len(visits))
	for i, l := range p.Links {
		if err := checkLink(i, l, len(visits), paired); err != nil {
			return nil, err
		}
	}
	if p.MaxLateness < 0 {
		return nil, fmt.Errorf("maxLateness = %d: must not be negative", p.MaxLateness)
	}
	if p.Continuity < 0 {
		return nil, fmt.Errorf("continuity = %d: must not be negative", p.Continuity)
	}
	p.freeze()
	return p, nil
}

// Option adds a rule to a Problem made by NewProblem.
type Option func(*Problem)

// WithLinks adds links between visits. Problems with links (or soft
// windows) are scheduled across routes: a move that delays a linked visit
// re-times the routes it is coupled to.
func WithLinks(links []Link) Option {
	return func(p *Problem) { p.Links = append(p.Links, links...) }
}

// WithMaxLateness adds to the objective w times the largest lateness of
// any visit past its SoftEnd (the max-tardiness term of the Mankowska
// objective).
func WithMaxLateness(w int64) Option {
	return func(p *Problem) { p.MaxLateness = w }
}

// WithContinuity adds to the objective cost for every different worker
// (Vehicle.Worker) beyond the first who serves the visits of one client
// (Visit.Client).
func WithContinuity(cost int64) Option {
	return func(p *Problem) { p.Continuity = cost }
}

func checkVehicle(k int, veh Vehicle, n, profiles int) error {
	f := fmt.Sprintf("vehicles[%d]", k)
	switch {
	case veh.Start < 0 || veh.Start >= n:
		return fmt.Errorf("%s.start = %d: location outside the %d×%d matrix", f, veh.Start, n, n)
	case veh.End < 0 || veh.End >= n:
		return fmt.Errorf("%s.end = %d: location outside the %d×%d matrix", f, veh.End, n, n)
	case veh.Profile < 0 || veh.Profile >= profiles:
		return fmt.Errorf("%s.profile = %d: no such travel matrix", f, veh.Profile)
	case veh.Latest < veh.Earliest:
		return fmt.Errorf("%s.latest = %d: before earliest %d", f, veh.Latest, veh.Earliest)
	case veh.MaxWork < 0:
		return fmt.Errorf("%s.maxWork = %d: must not be negative", f, veh.MaxWork)
	case veh.Capacity < 0:
		return fmt.Errorf("%s.capacity = %d: must not be negative", f, veh.Capacity)
	case veh.FixedCost < 0:
		return fmt.Errorf("%s.fixedCost = %d: must not be negative", f, veh.FixedCost)
	case veh.BalanceCost < 0:
		return fmt.Errorf("%s.balanceCost = %d: must not be negative", f, veh.BalanceCost)
	case veh.BalanceTarget < 0:
		return fmt.Errorf("%s.balanceTarget = %d: must not be negative", f, veh.BalanceTarget)
	case veh.OvertimeCost < 0:
		return fmt.Errorf("%s.overtimeCost = %d: must not be negative", f, veh.OvertimeCost)
	case veh.Worker < 0:
		return fmt.Errorf("%s.worker = %d: must not be negative", f, veh.Worker)
	case veh.Break.Duration < 0:
		return fmt.Errorf("%s.break.duration = %d: must not be negative", f, veh.Break.Duration)
	case veh.Break.Duration > 0 && veh.Break.Window.End < veh.Break.Window.Start:
		return fmt.Errorf("%s.break.window = %d-%d: ends before it starts", f, veh.Break.Window.Start, veh.Break.Window.End)
	case veh.OvertimeCost > 0 && (veh.OvertimeStart < veh.Earliest || veh.OvertimeStart > veh.Latest):
		return fmt.Errorf("%s.overtimeStart = %d: outside %d-%d", f, veh.OvertimeStart, veh.Earliest, veh.Latest)
	}
	return nil
}

func checkVisit(v int, vis Visit, n, vehicles int) error {
	f := fmt.Sprintf("visits[%d]", v)
	switch {
	case vis.Location < 0 || vis.Location >= n:
		return fmt.Errorf("%s.location = %d: location outside the %d×%d matrix", f, vis.Location, n, n)
	case vis.Duration < 0:
		return fmt.Errorf("%s.duration = %d: must not be negative", f, vis.Duration)
	case vis.Demand < 0:
		return fmt.Errorf("%s.demand = %d: must not be negative", f, vis.Demand)
	case vis.Penalty < 0:
		return fmt.Errorf("%s.penalty = %d: must not be negative", f, vis.Penalty)
	case vis.Lateness < 0:
		return fmt.Errorf("%s.lateness = %d: must not be negative", f, vis.Lateness)
	case vis.PreferenceMiss < 0:
		return fmt.Errorf("%s.preferenceMiss = %d: must not be negative", f, vis.PreferenceMiss)
	case vis.NetworkMiss < 0:
		return fmt.Errorf("%s.networkMiss = %d: must not be negative", f, vis.NetworkMiss)
	case vis.Client < 0:
		return fmt.Errorf("%s.client = %d: must not be negative", f, vis.Client)
	}
	for j, w := range vis.Windows {
		if w.End < w.Start {
			return fmt.Errorf("%s.windows[%d] = %d-%d: ends before it starts", f, j, w.Start, w.End)
		}
		if j > 0 && w.Start <= vis.Windows[j-1].End {
			return fmt.Errorf("%s.windows[%d] = %d-%d: windows must be sorted and disjoint", f, j, w.Start, w.End)
		}
	}
	for j, k := range vis.Vehicles {
		if k < 0 || k >= vehicles {
			return fmt.Errorf("%s.vehicles[%d] = %d: no such vehicle", f, j, k)
		}
	}
	for j, k := range vis.Preferred {
		if k < 0 || k >= vehicles {
			return fmt.Errorf("%s.preferred[%d] = %d: no such vehicle", f, j, k)
		}
	}
	return nil
}

// freeze fills the struct-of-arrays copies, the compatibility bitset, the
// vehicle classes and the neighbour lists.
func (p *Problem) freeze() {
	nv, nk := len(p.Visits), len(p.Vehicles)
	p.loc = make([]int32, nv)
	p.dur = make([]int32, nv)
	p.demand = make([]int32, nv)
	p.penalty = make([]int64, nv)
	p.winOff = make([]int32, nv+1)
	for v, vis := range p.Visits {
		p.loc[v] = int32(vis.Location)
		p.dur[v] = vis.Duration
		p.demand[v] = vis.Demand
		p.penalty[v] = vis.Penalty
		p.win = append(p.win, vis.Windows...)
		p.winOff[v+1] = int32(len(p.win))
	}
	p.maxWork = make([]int32, nk)
	p.capacity = make([]int32, nk)
	for k, veh := range p.Vehicles {
		p.maxWork[k], p.capacity[k] = veh.MaxWork, veh.Capacity
		if veh.MaxWork == 0 {
			p.maxWork[k] = math.MaxInt32
		}
		if veh.Capacity == 0 {
			p.capacity[k] = math.MaxInt32
		}
		p.fixedCosts = p.fixedCosts || veh.FixedCost > 0
		p.overtime = p.overtime || veh.OvertimeCost > 0
		p.balance = p.balance || veh.BalanceCost > 0
		p.breaks = p.breaks || veh.Break.Duration > 0
	}
	p.words = (nk + 63) / 64
	p.allowed = make([]uint64, nv*p.words)
	p.allAllowed = true
	for v, vis := range p.Visits {
		row := p.allowed[v*p.words : (v+1)*p.words]
		set := func(k int) {
			if p.Vehicles[k].Skills&vis.Skills == vis.Skills {
				row[k>>6] |= 1 << (k & 63)
			}
		}
		if vis.Vehicles == nil {
			for k := range p.Vehicles {
				set(k)
			}
		} else {
			for _, k := range vis.Vehicles {
				set(k)
			}
		}
		cnt := 0
		for _, w := range row {
			cnt += bits.OnesCount64(w)
		}
		if cnt != nk || len(vis.Windows) == 0 {
			p.allAllowed = false
		}
	}
	p.freezeLinks()
	p.freezeAssign()
	p.freezeContinuity()
	if p.lean {
		p.class = make([]int32, nk)
		for k := range p.class {
			p.class[k] = int32(k)
		}
		p.near, p.nearVeh = make([][]int32, nv), make([][]int32, nv)
	} else {
		p.classify()
		if p.nearFrom != nil {
			p.near, p.nearVeh = p.nearFrom.near, p.nearFrom.nearVeh
		} else {
			p.neighbours()
		}
	}
	p.far = make([]int32, nv)
	p.width = make([]int32, nv)
	p.flatDemand = true
	m := p.Travel[0]
	for v := range p.Visits {
		p.flatDemand = p.flatDemand && p.demand[v] == p.demand[0]
		if len(p.nearVeh[v]) > 0 {
			p.far[v] = m.At(p.Vehicles[p.nearVeh[v][0]].Start, int(p.loc[v]))
		}
		for _, w := range p.Visits[v].Windows {
			p.width[v] += w.End - w.Start
		}
	}
}

// classify gives interchangeable vehicles (same places, times, limits and
// compatible visits) the same class.
func (p *Problem) classify() {
	type key struct {
		veh Vehicle
		col string
	}
	p.class = make([]int32, len(p.Vehicles))
	seen := make(map[key]int32)
	col := make([]byte, (len(p.Visits)+7)/8)
	for k, veh := range p.Vehicles {
		for i := range col {
			col[i] = 0
		}
		if !p.allAllowed {
			for v := range p.Visits {
				if p.Allowed(v, k) {
					col[v>>3] |= 1 << (v & 7)
				}
			}
		}
		veh.Skills, veh.Worker = 0, 0
		kk := key{veh, string(col) + p.prefColumn(k)}
		c, ok := seen[kk]
		if !ok {
			c = int32(len(seen))
			seen[kk] = c
		}
		p.class[k] = c
	}
}

// neighbours fills near and nearVeh. Two visits are neighbours only if
// some vehicle may carry both. O(V² + V·K) with a bounded selection,
// spread over the cores.
func (p *Problem) neighbours() {
	nv := len(p.Visits)
	p.near = make([][]int32, nv)
	p.nearVeh = make([][]int32, nv)
	// Each visit's lists depend on nothing but the problem, so the visits
	// are shared out over the cores in blocks; the result does not depend
	// on the scheduling.
	const block = 256
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), (nv+block-1)/block) {
		wg.Go(func() {
			var top topK
			for {
				lo := int(next.Add(block)) - block
				if lo >= nv {
					return
				}
				for v := lo; v < min(lo+block, nv); v++ {
					p.neighboursOf(&top, v)
				}
			}
		})
	}
	wg.Wait()
}

// neighboursOf fills near[v] and nearVeh[v], using top as scratch.
func (p *Problem) neighboursOf(top *topK, v int) {
	nv := len(p.Visits)
	m := p.Travel[0]
	top.reset(nearK)
	lv := int(p.loc[v])
	for u := 0; u < nv; u++ {
		if u == v {
			continue
		}
		lu := int(p.loc[u])
		d := m.Values[lv*m.N+lu] + m.Values[lu*m.N+lv]
		if !top.wants(d) {
			continue
		}
		d = clamp32(int64(d) + min(p.timeGap(&m, u, v), p.timeGap(&m, v, u)))
		if top.wants(d) && p.shareVehicle(u, v) {
			top.add(d, int32(u))
		}
	}
	p.near[v] = top.indices()
	top.reset(nearVehK)
	for k, veh := range p.Vehicles {
		d := m.Values[veh.Start*m.N+lv] + m.Values[lv*m.N+veh.End]
		d = clamp32(int64(d) + p.shiftGap(&m, k, v))
		if top.wants(d) && p.Allowed(v, k) {
			top.add(d, int32(k))
		}
	}
	p.nearVeh[v] = p.withPreferred(v, top.indices())
}

// timeGap measures how badly visit u followed by visit v fits in time:
// the wait forced even when u starts as late and v as early as their
// windows allow, weighted by nearWait, plus how late v starts even when u
// starts as early as it may, weighted by nearLate. 0 when either has no
// window.
func (p *Problem) timeGap(m *geo.Matrix, u, v int) int64 {
	if p.winOff[u] == p.winOff[u+1] || p.winOff[v] == p.winOff[v+1] {
		return 0
	}
	t := int64(m.Values[int(p.loc[u])*m.N+int(p.loc[v])])
	du := int64(p.dur[u])
	wait := int64(p.win[p.winOff[v]].Start) - int64(p.lastEnd(int32(u))) - du - t
	late := int64(p.win[p.winOff[u]].Start) + du + t - int64(p.lastEnd(int32(v)))
	return int64(nearWait*float64(max(wait, 0)) + nearLate*float64(max(late, 0)))
}

// shiftGap measures how far vehicle k is from serving visit v alone in
// its shift: how late it would start v, or return, past its window or
// shift end. 0 when it can, or when v has no window.
func (p *Problem) shiftGap(m *geo.Matrix, k, v int) int64 {
	if p.winOff[v] == p.winOff[v+1] {
		return 0
	}
	veh := &p.Vehicles[k]
	lv := int(p.loc[v])
	arrive := veh.Earliest + m.Values[veh.Start*m.N+lv]
	st, ok := p.earliestStart(int32(v), arrive)
	if !ok {
		return int64(nearLate * float64(int64(arrive)-int64(p.lastEnd(int32(v)))))
	}
	back := int64(st) + int64(p.dur[v]) + int64(m.Values[lv*m.N+veh.End])
	return int64(nearLate * float64(max(back-int64(veh.Latest), 0)))
}

// clamp32 returns x capped at math.MaxInt32.
func clamp32(x int64) int32 {
	return int32(min(x, math.MaxInt32))
}

// topK keeps the k smallest (distance, index) pairs seen, sorted; ties
// keep the earlier index.
type topK struct {
	k    int
	dist []int32
	idx  []int32
}

func (t *topK) reset(k int) {
	t.k, t.dist, t.idx = k, t.dist[:0], t.idx[:0]
}

// wants reports whether a candidate at distance d would be kept.
func (t *topK) wants(d int32) bool {
	return len(t.dist) < t.k || d < t.dist[len(t.dist)-1]
}

func (t *topK) add(d, i int32) {
	if len(t.dist) == t.k {
		t.dist, t.idx = t.dist[:t.k-1], t.idx[:t.k-1]
	}
	pos := sort.Search(len(t.dist), func(j int) bool { return t.dist[j] > d })
	t.dist = append(t.dist, 0)
	t.idx = append(t.idx, 0)
	copy(t.dist[pos+1:], t.dist[pos:])
	copy(t.idx[pos+1:], t.idx[pos:])
	t.dist[pos], t.idx[pos] = d, i
}

func (t *topK) indices() []int32 {
	return append([]int32(nil), t.idx...)
}

func (p *Problem) shareVehicle(u, v int) bool {
	if p.allAllowed {
		return true
	}
	ru, rv := p.allowed[u*p.words:(u+1)*p.words], p.allowed[v*p.words:(v+1)*p.words]
	for i := range ru {
		if ru[i]&rv[i] != 0 {
			return true
		}
	}
	return false
}

// Allowed reports whether visit v may ride vehicle k: the vehicle is in
// the visit's list and has all its skills. O(1).
func (p *Problem) Allowed(v, k int) bool {
	return p.allowed[v*p.words+k>>6]&(1<<(k&63)) != 0
}

// NumVisits returns the number of visits.
func (p *Problem) NumVisits() int { return len(p.Visits) }

// NumVehicles returns the number of vehicles.
func (p *Problem) NumVehicles() int { return len(p.Vehicles) }

// travel returns the time from location a to b for vehicle k's profile.
func (p *Problem) travel(k int, a, b int32) int32 {
	m := &p.Travel[p.Vehicles[k].Profile]
	return m.Values[int(a)*m.N+int(b)]
}

// earliestStart returns the first allowed start of v at or after t, and
// false if every window closes before t.
func (p *Problem) earliestStart(v int32, t int32) (int32, bool) {
	for i := p.winOff[v]; i < p.winOff[v+1]; i++ {
		w := p.win[i]
		if t <= w.End {
			if t < w.Start {
				return w.Start, true
			}
			return t, true
		}
	}
	return 0, false
}

// lastEnd returns the end of v's last window, 0 if v has none.
func (p *Problem) lastEnd(v int32) int32 {
	if p.winOff[v] == p.winOff[v+1] {
		return 0
	}
	return p.win[p.winOff[v+1]-1].End
}

// latestStart returns the last allowed start of v at or before t, and
// false if every window opens after t.
func (p *Problem) latestStart(v int32, t int32) (int32, bool) {
	for i := p.winOff[v+1] - 1; i >= p.winOff[v]; i-- {
		w := p.win[i]
		if t >= w.Start {
			if t > w.End {
				return w.End, true
			}
			return t, true
		}
	}
	return 0, false
}
