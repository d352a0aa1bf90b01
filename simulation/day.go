package simulation

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/solver"
)

// made is a visit made on its day: when it started and ended, and by
// whom.
type made struct {
	start, end rounds.Clock
	workers    []string
}

// dayRun is a planned day as it ran.
type dayRun struct {
	made map[string]made // by visit id
	// travelSeconds and visitSeconds sum the routes' journeys (the one
	// home included) and visits (each worker's own).
	travelSeconds, visitSeconds int
	overtimeSeconds             int
	// workedSeconds and shiftSeconds are per role: travel and visits, and
	// the length of the shifts of every worker on shift.
	workedSeconds, shiftSeconds map[rounds.Role]int
	// dispatched counts the same-day referrals dispatch placed, late
	// those it could place only after their deadline.
	dispatched, late int
}

// routeRun follows one worker's round through the day.
type routeRun struct {
	rt     *rounds.Route
	worker *rounds.Worker
	shift  rounds.Shift
	travel geo.Matrix // 0 the start, 1..n the stops, n+1 the end
	next   int        // index of the next stop
	at     int        // point where the worker is
	t      rounds.Clock
	// waiting is set while the worker is at a double-handed visit whose
	// partner has not come.
	waiting                     bool
	travelSeconds, visitSeconds int
	madeAny                     bool
	// passed holds the visits of the round the worker made or gave up;
	// atVisit is the last one made, where the worker is ("" at the start).
	passed  map[string]bool
	atVisit string
}

// arrival is a worker at a double-handed visit, waiting for the other.
type arrival struct {
	route int
	// left is when the worker left for it, at when they got there.
	left, at rounds.Clock
}

// dayRunner runs a day's plan in time order. Each worker leaves for
// their next stop when they are free and the published round has them
// leave (the planned arrival less the journey), never earlier, so that
// what the live day says is committed (rounds.LiveDay) is exactly what
// the day has set going; steps run in the order of these departures, so
// that the state of the day is known at every time. It records what
// happens as rounds.Events (visits started, finished, given up as
// cancelled), from which rounds.LiveDay rebuilds the live state when a
// referral arrives (dispatch).
type dayRunner struct {
	r         *replication
	req       *rounds.Request // with the referrals' visits accepted so far
	roster    *rounds.Roster  // the evening's, then each accepted option's
	date      rounds.Date
	hours     rounds.Window
	visits    map[string]*rounds.Visit
	workers   map[string]*rounds.Worker
	cancelled map[string]bool // by the client
	routes    []*routeRun
	byWorker  map[string]int
	waiting   map[string][]arrival
	failed    map[string]bool // double-handed visits given up
	gaveUp    map[string]bool // visits with a cancelled event
	events    []rounds.Event
	out       *dayRun
	grace     rounds.Clock
	overtime  rounds.Clock
	// now is the time of the last dispatch: nobody leaves before it.
	now rounds.Clock
}

// runDay runs a day's plan and dispatches the day's same-day referrals
// (referrals, the rapid-response assessments, each at its ReferredAt).
// Journeys and visits take their planned time times a log-normal factor
// of mean 1 (Variation); a worker waits for a visit's window and for the
// partner of a double-handed visit; a cancelled visit is skipped, and so
// is one the worker would start more than LateGraceMinutes after its
// window or finish more than OvertimeMinutes after their shift. Every
// draw comes from the visit's own stream (and the worker's, for a
// journey). Without referrals it takes O(stops × routes) after one small
// travel matrix per route; each referral adds a live day and a dispatch
// (dispatch).
func (r *replication) runDay(ctx context.Context, date rounds.Date, req *rounds.Request, roster *rounds.Roster,
	cancelled map[string]bool, hours rounds.Window, referrals []rounds.Visit) (*dayRun, error) {
	vary := &r.plan.demand.Day
	req = onTheDay(req, vary.OvertimeMinutes)
	d := &dayRunner{r: r, req: req, roster: roster, date: date, hours: hours,
		visits: make(map[string]*rounds.Visit, len(req.Visits)), workers: make(map[string]*rounds.Worker, len(req.Workers)),
		cancelled: cancelled, byWorker: map[string]int{}, waiting: map[string][]arrival{}, failed: map[string]bool{},
		gaveUp: map[string]bool{}, grace: rounds.Clock(vary.LateGraceMinutes * 60), overtime: rounds.Clock(vary.OvertimeMinutes * 60),
		out: &dayRun{made: map[string]made{}, workedSeconds: map[rounds.Role]int{}, shiftSeconds: map[rounds.Role]int{}}}
	for i := range req.Visits {
		d.visits[req.Visits[i].ID] = &req.Visits[i]
	}
	for i := range req.Workers {
		w := &req.Workers[i]
		d.workers[w.ID] = w
		for _, sh := range w.Shifts {
			d.out.shiftSeconds[w.Role] += int(sh.End - sh.Start)
		}
	}
	if err := d.load(ctx, roster); err != nil {
		return nil, err
	}
	for i := range referrals {
		v := &referrals[i]
		d.advance(*v.ReferredAt)
		if err := d.dispatch(ctx, v); err != nil {
			return nil, fmt.Errorf("dispatch %s at %s: %w", v.ID, *v.ReferredAt, err)
		}
	}
	for {
		d.advance(math.MaxInt32)
		// Whoever still waits, waits for a partner who will not come: the
		// partner skipped the visit or never had it.
		if len(d.waiting) == 0 {
			break
		}
		for _, id := range slices.Sorted(maps.Keys(d.waiting)) {
			for _, a := range d.waiting[id] {
				d.giveUp(d.routes[a.route], id, a.at)
			}
			d.failed[id] = true
			delete(d.waiting, id)
		}
	}
	d.finish()
	return d.out, nil
}

// onTheDay returns req as the day runs it: every shift allows overtime
// minutes past its end, as the running day lets a worker finish a visit
// (Variation.OvertimeMinutes), so that the live day takes what the day
// did (the events of a visit that ran over) and dispatch may ask a worker
// to stay on. req is not modified.
func onTheDay(req *rounds.Request, overtime int) *rounds.Request {
	out := *req
	out.Workers = slices.Clone(req.Workers)
	for i := range out.Workers {
		w := &out.Workers[i]
		w.Shifts = slices.Clone(w.Shifts)
		for j := range w.Shifts {
			w.Shifts[j].OvertimeMinutes = max(w.Shifts[j].OvertimeMinutes, overtime)
		}
	}
	return &out
}

// load follows the rounds of roster from where each worker is: a round
// already under way keeps its place, its travel matrix too if its stops
// are the same. The stops a worker has passed must lead their round, as
// they do in an option's rounds (the live day froze them).
func (d *dayRunner) load(ctx context.Context, roster *rounds.Roster) error {
	d.roster = roster
	for i := range roster.Routes {
		rt := &roster.Routes[i]
		w := d.workers[rt.WorkerID]
		if rt.Date != d.date || w == nil || len(w.Shifts) == 0 {
			continue
		}
		ri, ok := d.byWorker[rt.WorkerID]
		if !ok {
			if len(rt.Stops) == 0 {
				continue
			}
			ri = len(d.routes)
			d.byWorker[rt.WorkerID] = ri
			d.routes = append(d.routes, &routeRun{worker: w, shift: w.Shifts[0], t: rt.Depart, passed: map[string]bool{}})
		}
		rr := d.routes[ri]
		same := rr.rt != nil && slices.EqualFunc(rr.rt.Stops, rt.Stops, func(a, b rounds.Stop) bool { return a.VisitID == b.VisitID })
		next, at := 0, 0
		for j, s := range rt.Stops {
			switch {
			case rr.passed[s.VisitID] && next == j:
				next = j + 1
			case rr.passed[s.VisitID]:
				return rounds.Errorf(rounds.EINTERNAL, "the rounds of %s move visit %s, which the day has passed", rt.WorkerID, s.VisitID)
			}
			if s.VisitID == rr.atVisit {
				at = j + 1
			}
		}
		if rr.waiting && (next >= len(rt.Stops) || d.waiting[rt.Stops[next].VisitID] == nil) {
			return rounds.Errorf(rounds.EINTERNAL, "the rounds of %s move the double-handed visit the worker waits at", rt.WorkerID)
		}
		if !rr.madeAny {
			rr.t = rt.Depart
		}
		rr.rt, rr.next, rr.at = rt, next, at
		if same {
			continue
		}
		points := make([]geo.Point, 0, len(rt.Stops)+2)
		points = append(points, rt.Start.Point())
		for _, s := range rt.Stops {
			points = append(points, s.Location.Point())
		}
		points = append(points, rt.End.Point())
		m, err := d.r.src.Matrix(ctx, points, rt.TravelMode)
		if err != nil {
			return fmt.Errorf("travel times of %s's round: %w", rt.WorkerID, err)
		}
		rr.travel = m
	}
	return nil
}

// departure returns when rr leaves for its next stop: when the worker is
// free, or when the round has them leave if later, and not before the
// last dispatch (whose rounds may have them leave earlier, at a time the
// day has passed).
func (d *dayRunner) departure(rr *routeRun) rounds.Clock {
	s := &rr.rt.Stops[rr.next]
	return max(rr.t, s.Arrival-rounds.Clock(s.TravelSeconds), d.now)
}

// nextRoute returns the index of the route that leaves soonest with
// stops left and not waiting for a partner (the first of equals), and
// when it leaves, or -1. It takes O(routes).
func (d *dayRunner) nextRoute() (int, rounds.Clock) {
	best, when := -1, rounds.Clock(0)
	for i, rr := range d.routes {
		if rr.waiting || rr.next >= len(rr.rt.Stops) {
			continue
		}
		if t := d.departure(rr); best < 0 || t < when {
			best, when = i, t
		}
	}
	return best, when
}

// advance runs every step that leaves by t.
func (d *dayRunner) advance(t rounds.Clock) {
	for {
		ri, dep := d.nextRoute()
		if ri < 0 || dep > t {
			return
		}
		d.step(ri, dep)
	}
}

// step takes the route ri, leaving at dep, to its next stop.
func (d *dayRunner) step(ri int, dep rounds.Clock) {
	rr := d.routes[ri]
	vary := &d.r.plan.demand.Day
	s := &rr.rt.Stops[rr.next]
	v := d.visits[s.VisitID]
	if d.cancelled[v.ID] || d.failed[v.ID] {
		d.giveUp(rr, v.ID, dep)
		return
	}
	f := d.r.factor(keyTravel, rr.rt.WorkerID+"|"+s.VisitID, vary.TravelSpread)
	reached := dep + rounds.Clock(math.Round(float64(rr.travel.At(rr.at, rr.next+1))*f))
	w := window(v, s.Start)
	dur := rounds.Clock(math.Round(float64(v.DurationMinutes*60) * d.r.factor(keyVisit, v.ID, vary.DurationSpread)))
	if v.Workers() == 1 {
		start := max(reached, w.Start)
		if !d.fits(rr, w, start, start+dur) {
			d.giveUp(rr, v.ID, dep)
			return
		}
		d.made(v.ID, start, start+dur, rr.rt.WorkerID)
		d.visit(rr, dep, reached, start, start+dur)
		return
	}
	d.waiting[v.ID] = append(d.waiting[v.ID], arrival{route: ri, left: dep, at: reached})
	if len(d.waiting[v.ID]) < 2 {
		rr.waiting = true
		return
	}
	pair := d.waiting[v.ID]
	delete(d.waiting, v.ID)
	a, b := d.routes[pair[0].route], d.routes[pair[1].route]
	start := max(pair[0].at, pair[1].at, w.Start)
	if !d.fits(a, w, start, start+dur) || !d.fits(b, w, start, start+dur) {
		d.giveUp(a, v.ID, pair[0].at)
		d.giveUp(b, v.ID, pair[1].at)
		return
	}
	d.made(v.ID, start, start+dur, a.rt.WorkerID, b.rt.WorkerID)
	d.visit(a, pair[0].left, pair[0].at, start, start+dur)
	d.visit(b, pair[1].left, pair[1].at, start, start+dur)
}

// window returns the window a visit planned to start at planned keeps
// to: the one holding its planned start, else the service hours from its
// referral to its latest start.
func window(v *rounds.Visit, planned rounds.Clock) rounds.Window {
	for _, w := range v.Windows {
		if w.Contains(planned) {
			return w
		}
	}
	w := rounds.ServiceHours
	if latest, ok := v.LatestStart(); ok {
		w.End = latest
	}
	if v.ReferredAt != nil {
		w.Start = *v.ReferredAt
	}
	return w
}

// fits reports whether rr may make a visit of window w from start to
// end: not too late for the window, not too long after the shift.
func (d *dayRunner) fits(rr *routeRun, w rounds.Window, start, end rounds.Clock) bool {
	return start <= w.End+d.grace && end <= rr.shift.End+d.overtime
}

// made records a visit made, and its events.
func (d *dayRunner) made(id string, start, end rounds.Clock, workers ...string) {
	d.out.made[id] = made{start: start, end: end, workers: workers}
	d.events = append(d.events,
		rounds.Event{ID: "start-" + id, Kind: rounds.EventVisitStarted, Date: d.date, At: start, VisitID: id},
		rounds.Event{ID: "finish-" + id, Kind: rounds.EventVisitFinished, Date: d.date, At: end, VisitID: id})
}

// visit moves rr past the visit it made: it left at dep, got there at
// reached and made it from start to end.
func (d *dayRunner) visit(rr *routeRun, dep, reached, start, end rounds.Clock) {
	id := rr.rt.Stops[rr.next].VisitID
	rr.travelSeconds += int(reached - dep)
	rr.visitSeconds += int(end - start)
	rr.t, rr.at, rr.madeAny, rr.atVisit = end, rr.next+1, true, id
	rr.passed[id] = true
	rr.next++
	rr.waiting = false
}

// giveUp moves rr past the visit id without making it, at time at: the
// live day hears of it as cancelled.
func (d *dayRunner) giveUp(rr *routeRun, id string, at rounds.Clock) {
	rr.passed[id] = true
	rr.next++
	rr.waiting = false
	if !d.gaveUp[id] {
		d.gaveUp[id] = true
		d.events = append(d.events, rounds.Event{ID: "cancel-" + id, Kind: rounds.EventVisitCancelled, Date: d.date, At: at, VisitID: id})
	}
}

// dispatch sends a same-day referral, the rapid-response assessment v,
// through dispatch at its time, as a coordinator would: the live state of
// the day so far (rounds.LiveDay from the day's events up to then), its
// options (solver.NewLive, Options), the best accepted (solver.Accept);
// the day goes on with the accepted rounds. With no option by the
// deadline, the same Live is asked again with the deadline lifted to the
// day's close, and the client is seen late. With none even then, or
// nobody on shift with the skills, the referral is not seen that day. A
// client who cancels is not dispatched.
func (d *dayRunner) dispatch(ctx context.Context, v *rounds.Visit) error {
	if d.r.cancelledOn(v.ID) || !d.anyoneFor(v) {
		return nil
	}
	at := *v.ReferredAt
	events := make([]rounds.Event, 0, len(d.events))
	for _, e := range d.events {
		if e.At <= at {
			events = append(events, e)
		}
	}
	slices.SortStableFunc(events, func(a, b rounds.Event) int { return int(a.At - b.At) })
	state, err := rounds.LiveDay(d.req, d.roster, d.date, events, at)
	if err != nil {
		return err
	}
	c := d.r.clients[v.ClientID]
	ref := rounds.Referral{VisitID: v.ID, Client: &c, Skills: v.Skills, DurationMinutes: v.DurationMinutes,
		WorkersNeeded: v.WorkersNeeded, Priority: v.Priority, ReferredAt: v.ReferredAt, Deadline: v.Deadline, K: dispatchOptions}
	if !slices.ContainsFunc(state.Residual(d.req).Workers, func(w rounds.Worker) bool { return len(w.Shifts) > 0 }) {
		return nil // nobody has time left today
	}
	live, err := solver.NewLive(ctx, d.req, d.roster, state, d.r.src)
	if err != nil {
		return err
	}
	ans, err := live.Options(ctx, &ref)
	if err != nil {
		return err
	}
	late := len(ans.Options) == 0
	if late {
		latest, _ := v.LatestStart()
		end := max(latest, d.hours.End-rounds.Clock(v.DurationMinutes*60))
		ref.Deadline = &end
		if ans, err = live.Options(ctx, &ref); err != nil {
			return err
		}
		if len(ans.Options) == 0 {
			return nil
		}
	}
	roster, req, err := solver.Accept(ctx, d.req, d.roster, state, &ref, &ans.Options[0], d.r.src)
	if err != nil {
		return err
	}
	d.req, d.now = req, at
	d.visits[v.ID] = &req.Visits[len(req.Visits)-1]
	d.out.dispatched++
	if late {
		d.out.late++
	}
	return d.load(ctx, roster)
}

// dispatchOptions is how many options each referral asks for; the best
// is taken.
const dispatchOptions = rounds.DefaultOptions

// anyoneFor reports whether a worker with a round today has every skill
// v needs.
func (d *dayRunner) anyoneFor(v *rounds.Visit) bool {
	for i := range d.roster.Routes {
		rt := &d.roster.Routes[i]
		if w := d.workers[rt.WorkerID]; rt.Date == d.date && w != nil && len(w.Shifts) > 0 &&
			!slices.ContainsFunc(v.Skills, func(s rounds.Skill) bool { return !slices.Contains(w.Skills, s) }) {
			return true
		}
	}
	return false
}

// finish adds up the rounds as they ran, each worker who made a visit
// coming home.
func (d *dayRunner) finish() {
	vary := &d.r.plan.demand.Day
	out := d.out
	for _, rr := range d.routes {
		if !rr.madeAny {
			continue
		}
		f := d.r.factor(keyTravel, rr.rt.WorkerID+"|home", vary.TravelSpread)
		home := rounds.Clock(math.Round(float64(rr.travel.At(rr.at, len(rr.rt.Stops)+1)) * f))
		rr.travelSeconds += int(home)
		out.travelSeconds += rr.travelSeconds
		out.visitSeconds += rr.visitSeconds
		out.overtimeSeconds += max(0, int(rr.t+home-rr.shift.End))
		out.workedSeconds[rr.worker.Role] += rr.travelSeconds + rr.visitSeconds
	}
}

// factor draws the log-normal factor, of mean 1 and log standard
// deviation spread, by which the thing named (a visit, or a worker's
// journey to one) departs from its plan, from its own stream.
func (r *replication) factor(key uint64, name string, spread float64) float64 {
	if spread == 0 {
		return 1
	}
	rng := stream(r.plan.file.Seed, key, uint64(r.rep), hashOf(name))
	return distuv.LogNormal{Mu: -spread * spread / 2, Sigma: spread, Src: rng}.Rand()
}

// cancelledOn reports whether the client cancels the visit on the day.
func (r *replication) cancelledOn(id string) bool {
	share := r.plan.demand.Day.CancelShare
	if share == 0 {
		return false
	}
	return stream(r.plan.file.Seed, keyVisit, uint64(r.rep), hashOf(id), 1).Float64() < share
}
