package solver

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/geo"
)

// day is the length of a day on the time axis of a care roster.
const day = 86400

// requestMeta links a Problem built from a request back to it.
type requestMeta struct {
	// req is the request with, after its own visits, a copy of each
	// double-handed visit for its second half, so that req.Visits[v] is
	// the request visit of problem visit v; visits is the number of the
	// request's own visits.
	req    *rounds.Request
	visits int
	base   rounds.Date // day 0 of the time axis
	// per vehicle: the worker (index in req.Workers), shift and day
	vehWorker []int
	vehShift  []int
	vehDay    []int
	// per visit: a reason and sentence fixed at build time, if any
	reason []string
	detail []string
	// location of each index of the matrices
	points []rounds.Location
}

// Build turns a request into a Problem. It runs req.Validate, then rejects
// with an EINVALID *rounds.Error a pin that contradicts its visit. Times are
// seconds from midnight of the earliest date; day d adds d·86400. Each
// worker shift is one vehicle; one travel matrix is fetched from src per
// travel mode in use, over the unique locations. Visit i of the request is
// problem visit i; a double-handed visit also gets a second half, appended
// after the request's visits, paired with the first (both served or
// neither, by two workers who each have its skills, starting within
// Options.SyncToleranceMinutes). A link becomes a Link from each half of
// the earlier visit to each half of the later one; a soft end becomes
// SoftEnd and Lateness. A client's preferred workers become the Preferred
// vehicles (every shift of theirs) of each of its visits, at
// Options.PreferenceMiss; networks become numbers, at Options.NetworkMiss.
// Each vehicle's Worker is its worker and each visit's Client its client
// (numbered from 1), at Options.ContinuityCost (WithContinuity).
// Visits that no worker can ever serve stay in the Problem with no allowed
// vehicle and a reason for the roster.
func Build(ctx context.Context, req *rounds.Request, src geo.Source) (*Problem, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	p, _, err := build(ctx, req, src)
	return p, err
}

// build is Build after req.Validate: it also returns the builder, whose
// maps and meta grow (grow.go) adds a visit to.
func build(ctx context.Context, req *rounds.Request, src geo.Source) (*Problem, *builder, error) {
	b := &builder{req: halves(req), locIndex: make(map[rounds.Location]int), skillBit: make(map[rounds.Skill]uint64),
		netIndex: make(map[string]int)}
	b.meta.req = b.req
	b.meta.visits = len(req.Visits)
	b.meta.base = baseDate(req)
	if err := b.vehicles(); err != nil {
		return nil, nil, err
	}
	if err := b.visits(); err != nil {
		return nil, nil, err
	}
	travel, err := b.matrices(ctx, src)
	if err != nil {
		return nil, nil, err
	}
	b.balance()
	links := b.links()
	p, err := NewProblem(travel, b.vehs, b.viss, WithLinks(links), WithContinuity(b.req.Options.ContinuityCost()))
	if err != nil {
		return nil, nil, rounds.Errorf(rounds.EINTERNAL, "build problem: %v", err)
	}
	p.meta = &b.meta
	return p, b, nil
}

// halves returns req with a copy of each double-handed visit appended, for
// its second half (req itself if it has none). req is not modified.
func halves(req *rounds.Request) *rounds.Request {
	out := req
	for i := range req.Visits {
		if req.Visits[i].Workers() == 2 {
			if out == req {
				cp := *req
				cp.Visits = slices.Clip(req.Visits)
				out = &cp
			}
			out.Visits = append(out.Visits, req.Visits[i])
		}
	}
	return out
}

// links returns the pairs of the double-handed visits and the request's
// links, on problem visit indices.
func (b *builder) links() []Link {
	n := b.meta.visits
	index := make(map[string][]int, n)
	for i := 0; i < n; i++ {
		index[b.req.Visits[i].ID] = []int{i}
	}
	tol := int32(b.req.Options.SyncToleranceMinutes * 60)
	var out []Link
	for i, second := 0, n; i < n; i++ {
		if b.req.Visits[i].Workers() == 2 {
			id := b.req.Visits[i].ID
			index[id] = append(index[id], second)
			out = append(out, Link{From: i, To: second, MinGap: -tol, MaxGap: tol, Pair: true})
			second++
		}
	}
	for i := 0; i < n; i++ {
		v := &b.req.Visits[i]
		for _, l := range v.Links {
			for _, from := range index[l.VisitID] {
				for _, to := range index[v.ID] {
					out = append(out, Link{From: from, To: to, MinGap: int32(l.MinGapMinutes * 60), MaxGap: int32(l.MaxGapMinutes * 60)})
				}
			}
		}
	}
	return out
}

// baseDate returns the earliest date of any shift or visit.
func baseDate(req *rounds.Request) rounds.Date {
	var base rounds.Date
	for _, w := range req.Workers {
		for _, s := range w.Shifts {
			if base == "" || s.Date < base {
				base = s.Date
			}
		}
	}
	for _, v := range req.Visits {
		if base == "" || v.Date < base {
			base = v.Date
		}
	}
	return base
}

type builder struct {
	req      *rounds.Request
	meta     requestMeta
	locIndex map[rounds.Location]int
	skillBit map[rounds.Skill]uint64
	netIndex map[string]int // network name -> number from 1
	modes    []geo.Mode     // profile index -> mode
	vehs     []Vehicle
	viss     []Visit
}

func (b *builder) location(l rounds.Location) int {
	if i, ok := b.locIndex[l]; ok {
		return i
	}
	b.locIndex[l] = len(b.meta.points)
	b.meta.points = append(b.meta.points, l)
	return len(b.meta.points) - 1
}

func (b *builder) skills(list []rounds.Skill) uint64 {
	var mask uint64
	for _, s := range list {
		bit, ok := b.skillBit[s]
		if !ok {
			bit = 1 << len(b.skillBit)
			b.skillBit[s] = bit
		}
		mask |= bit
	}
	return mask
}

// network returns the number of a network name, 0 for none.
func (b *builder) network(name string) int {
	if name == "" {
		return 0
	}
	i, ok := b.netIndex[name]
	if !ok {
		i = len(b.netIndex) + 1
		b.netIndex[name] = i
	}
	return i
}

func (b *builder) profile(m geo.Mode) int {
	if i := slices.Index(b.modes, m); i >= 0 {
		return i
	}
	b.modes = append(b.modes, m)
	return len(b.modes) - 1
}

// vehicles makes one vehicle per worker shift.
func (b *builder) vehicles() error {
	for wi := range b.req.Workers {
		w := &b.req.Workers[wi]
		for si, s := range w.Shifts {
			d := s.Date.DaysSince(b.meta.base)
			maxWork := s.MaxWorkMinutes
			if maxWork == 0 {
				maxWork = w.MaxWorkMinutes
			}
			if maxWork > 7*24*60 {
				return rounds.Invalid(fmt.Sprintf("workers[%d].shifts[%d].maxWorkMinutes", wi, si), maxWork, "must be at most a week")
			}
			veh := Vehicle{
				Start:    b.location(w.Start),
				End:      b.location(w.EndLocation()),
				Profile:  b.profile(w.TravelMode),
				Earliest: int32(d*day) + int32(s.Start),
				Latest:   int32(d*day) + int32(s.End),
				MaxWork:  int32(maxWork * 60),
				Skills:   b.skills(w.Skills),
				Network:  b.network(w.Network),
				Worker:   wi + 1,
			}
			if s.OvertimeMinutes > 0 {
				veh.OvertimeStart, veh.OvertimeCost = veh.Latest, b.req.Options.OvertimeCost()
				veh.Latest += int32(s.OvertimeMinutes * 60)
			}
			if br := b.req.Options.Break; br.Needs(&s) {
				w, n := br.Span(), int32(br.Length())
				veh.Break = Break{Duration: n, Window: Window{int32(d*day) + int32(w.Start), int32(d*day) + int32(w.End) - n}}
			}
			b.vehs = append(b.vehs, veh)
			b.meta.vehWorker = append(b.meta.vehWorker, wi)
			b.meta.vehShift = append(b.meta.vehShift, si)
			b.meta.vehDay = append(b.meta.vehDay, d)
		}
	}
	if len(b.vehs) == 0 {
		return rounds.Invalid("workers", len(b.req.Workers), "no worker has a shift: nothing can be planned")
	}
	return nil
}

// visits converts every visit: windows clipped to the service hours and
// the rapid-response deadline, pins, and the vehicles allowed.
func (b *builder) visits() error {
	clients := make(map[string]int, len(b.req.Clients))
	for i := range b.req.Clients {
		clients[b.req.Clients[i].ID] = i
	}
	n := len(b.req.Visits)
	b.meta.reason = make([]string, n)
	b.meta.detail = make([]string, n)
	for i := range b.req.Visits {
		vis, err := b.visit(i, clients[b.req.Visits[i].ClientID])
		if err != nil {
			return err
		}
		b.viss = append(b.viss, vis)
	}
	return nil
}

// visit converts visit i of client ci, and sets its reason and detail in
// meta if no worker can ever make it.
func (b *builder) visit(i, ci int) (Visit, error) {
	v := &b.req.Visits[i]
	c := &b.req.Clients[ci]
	windows, err := b.windows(i, v)
	if err != nil {
		return Visit{}, err
	}
	vis := Visit{
		Location: b.location(c.Location),
		Duration: int32(v.DurationMinutes * 60),
		Windows:  windows,
		Skills:   b.skills(v.Skills),
		Penalty:  b.req.Options.Penalty(v.Priority),
		Vehicles: []int{},
		Client:   ci + 1,
	}
	b.care(&vis, c)
	if v.SoftEnd != nil {
		vis.SoftEnd = int32(v.Date.DaysSince(b.meta.base)*day) + int32(*v.SoftEnd)
		vis.Lateness = max(v.LatenessCost, 1)
	}
	qualified := false
	for k, veh := range b.vehs {
		if barOf(&b.req.Workers[b.meta.vehWorker[k]], veh.Skills, v, vis.Skills, c) != barNone {
			continue
		}
		qualified = true
		if b.req.Workers[b.meta.vehWorker[k]].Shifts[b.meta.vehShift[k]].Date == v.Date {
			vis.Vehicles = append(vis.Vehicles, k)
		}
	}
	switch {
	case !qualified:
		b.meta.reason[i] = rounds.ReasonNoQualifiedWorker
		b.meta.detail[i] = noQualified(v, c)
	case len(vis.Vehicles) == 0:
		b.meta.reason[i] = rounds.ReasonNoWorkerOnShift
		b.meta.detail[i] = fmt.Sprintf("No worker who could make this visit is on shift on %s.", v.Date)
	case len(windows) == 0:
		b.meta.reason[i] = rounds.ReasonUnreachable
		b.meta.detail[i] = fmt.Sprintf("A %d-minute visit cannot start within its window%s and finish by %s.",
			v.DurationMinutes, deadlineNote(v), rounds.ServiceHours.End)
	}
	return vis, nil
}

// care sets the preference and network costs of a visit of client c.
func (b *builder) care(vis *Visit, c *rounds.Client) {
	if miss := b.req.Options.PreferenceMiss(); miss > 0 && len(c.PreferredWorkers) > 0 {
		vis.PreferenceMiss = miss
		for k, wi := range b.meta.vehWorker {
			if slices.Contains(c.PreferredWorkers, b.req.Workers[wi].ID) {
				vis.Preferred = append(vis.Preferred, k)
			}
		}
	}
	if miss := b.req.Options.NetworkMiss(); miss > 0 && c.Network != "" {
		vis.Network = b.network(c.Network)
		vis.NetworkMiss = miss
	}
}

// windows returns the allowed starts of visit i on the time axis: each
// window clipped so the visit starts and ends within the service hours,
// starts no earlier than its referral and by its deadline, empty ones dropped; a pinned start replaces them.
func (b *builder) windows(i int, v *rounds.Visit) ([]Window, error) {
	raw := v.Windows
	if len(raw) == 0 {
		raw = []rounds.Window{rounds.ServiceHours}
	}
	latest := rounds.ServiceHours.End - rounds.Clock(v.DurationMinutes*60)
	if dl, ok := v.LatestStart(); ok && dl < latest {
		latest = dl
	}
	offset := int32(v.Date.DaysSince(b.meta.base) * day)
	if v.Pin != nil && v.Pin.Start != nil {
		at := *v.Pin.Start
		inside := slices.ContainsFunc(raw, func(w rounds.Window) bool { return w.Contains(at) })
		if !inside || at > latest || at < rounds.ServiceHours.Start || (v.ReferredAt != nil && at < *v.ReferredAt) {
			return nil, rounds.Invalid(fmt.Sprintf("visits[%d].pin.start", i), at,
				"pinned start must lie within the visit's windows, after its referral, by its deadline, and let it finish by %s", rounds.ServiceHours.End)
		}
		return []Window{{offset + int32(at), offset + int32(at)}}, nil
	}
	earliest := rounds.ServiceHours.Start
	if v.ReferredAt != nil {
		earliest = max(earliest, *v.ReferredAt)
	}
	var out []Window
	for _, w := range raw {
		start := max(w.Start, earliest)
		end := min(w.End, latest)
		if end >= start {
			out = append(out, Window{offset + int32(start), offset + int32(end)})
		}
	}
	return out, nil
}

func deadlineNote(v *rounds.Visit) string {
	if dl, ok := v.LatestStart(); ok {
		return " and by its deadline " + dl.String()
	}
	return ""
}

// bar is the first care rule that keeps a worker from a visit, whatever
// the date; barNone if none does.
type bar uint8

const (
	barNone     bar = iota
	barPin          // the visit is pinned to another worker
	barDeclined     // the client declined the worker
	barGender       // the client asked for a worker of another gender
	barSkills       // the worker lacks a skill the visit needs
)

// barOf returns the rule that keeps worker w, who holds the skill set
// has, from visit v of client c, which needs the skill set needs. It is
// the one statement of who may make a visit: Build allows the vehicles
// it clears, and Retime words why it refuses one.
func barOf(w *rounds.Worker, has uint64, v *rounds.Visit, needs uint64, c *rounds.Client) bar {
	switch {
	case v.Pin != nil && v.Pin.WorkerID != w.ID:
		return barPin
	case slices.Contains(c.DeclinedWorkers, w.ID):
		return barDeclined
	case c.GenderPreference != "" && w.Gender != c.GenderPreference:
		return barGender
	case has&needs != needs:
		return barSkills
	}
	return barNone
}

func noQualified(v *rounds.Visit, c *rounds.Client) string {
	var rules []string
	if len(v.Skills) > 0 {
		names := make([]string, len(v.Skills))
		for i, s := range v.Skills {
			names[i] = string(s)
		}
		rules = append(rules, "has the skills "+strings.Join(names, ", "))
	}
	if v.Pin != nil {
		rules = append(rules, "is the pinned worker "+v.Pin.WorkerID)
	}
	if c.GenderPreference != "" {
		rules = append(rules, "is "+c.GenderPreference+" as the client asked")
	}
	if len(c.DeclinedWorkers) > 0 {
		rules = append(rules, "is not declined by the client")
	}
	if len(rules) == 0 {
		return "No worker is available for this visit."
	}
	return "No worker " + strings.Join(rules, " and ") + "."
}

// matrices fetches one travel matrix per travel mode in use.
func (b *builder) matrices(ctx context.Context, src geo.Source) ([]geo.Matrix, error) {
	points := make([]geo.Point, len(b.meta.points))
	for i, l := range b.meta.points {
		points[i] = l.Point()
	}
	out := make([]geo.Matrix, len(b.modes))
	for i, mode := range b.modes {
		m, err := src.Matrix(ctx, points, mode)
		if err != nil {
			return nil, fmt.Errorf("travel matrix for %s: %w", mode, err)
		}
		if err := m.Check(len(points)); err != nil {
			return nil, fmt.Errorf("travel matrix for %s: %w", mode, err)
		}
		for _, t := range m.Values {
			if t > math.MaxInt32/64 {
				return nil, rounds.Errorf(rounds.EINVALID, "travel matrix for %s holds a time of %d s: points cannot be routed", mode, t)
			}
		}
		out[i] = m
	}
	return out, nil
}
