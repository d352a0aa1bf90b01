package validate

import (
	"fmt"
	"slices"
	"strings"

	"github.com/roundsdev/rounds"
)

// The rules of a live day, checked only with Events.
const (
	// RuleActual is broken by a stop of a visit reported started,
	// finished or not reached whose start or end is not the reported one
	// (a visit not reached is a stop of no length at the time reported; a
	// visit under way ends at its start plus its duration, or at the live
	// time if that has passed).
	RuleActual = "actual_times"
	// RuleFrozen is broken by a round that does not begin with the stops
	// frozen on it (done, not reached, under way or committed) in their
	// order, and by a frozen stop with no reported times that starts
	// before its published start, or later than its arrival or published
	// start needs.
	RuleFrozen = "frozen"
	// RulePast is broken by a stop that is not frozen and starts before
	// the live time: new work cannot be placed in the past.
	RulePast = "past"
	// RuleCancelled is broken by a cancelled visit on a round.
	RuleCancelled = "cancelled"
	// RuleUnavailable is broken by a stop that is not frozen, of a worker
	// reported unavailable, starting at or after the time they became
	// unavailable.
	RuleUnavailable = "unavailable"
)

// LiveRules lists the rules of a live day, which Roster checks with
// Events besides Rules.
var LiveRules = []string{RuleActual, RuleCancelled, RulePast, RuleUnavailable, RuleFrozen}

// Events makes Roster and Score judge r as the roster of a live day (see
// rounds.LiveDay) at time at, after events (every event of the roster's
// history, as rounds.ValidateEvents takes them; those after at are
// ignored, but for a worker's unavailability, which counts from its own
// time). The live day is r's date or, if r covers several, the one date
// of the events; the routes of other dates are checked as usual. Only
// the visits of r's dates must be made or unassigned, and the totals
// count those; a cancelled visit must not be on a round and need not be
// listed. On the live day, on top of the hard rules:
//
//   - a stop of a visit reported started, finished or not reached keeps
//     the reported times (RuleActual): its start is the start reported
//     (or the time it was not reached, with an end at the same time), its
//     end the finish reported, or for a visit under way its start plus its
//     duration or at, whichever is later. No window, service hours,
//     deadline or pinned start is checked on it, and it may start before
//     the worker could have arrived; its duration, the actual one, counts
//     towards the working time;
//   - every round begins with the stops frozen on it, in order
//     (RuleFrozen), as rounds.LiveDay finds them on the published roster
//     (Published; by default r itself). A frozen stop with no reported
//     times is timed from the stop before it, as every stop is, and starts
//     at its published start, or later only when the worker arrives later
//     (or, double-handed, with its partner); no window, service hours,
//     deadline or pin is checked on it, nor its own links;
//   - a stop that is not frozen starts no earlier than at (RulePast), and
//     not at or after the time its worker became unavailable
//     (RuleUnavailable); a cancelled visit is on no round (RuleCancelled);
//   - the stop after the frozen ones of a worker who reported a position
//     that rounds.LiveDay takes (worker_position, the last by at, not
//     before the end of the last frozen stop) is reached from that
//     position, leaving it no earlier than the time reported;
//   - the two halves of a double-handed visit start together unless both
//     have reported starts;
//   - a break that starts before at is taken where the roster puts it,
//     even across a visit's actual times; a shift's break may be missing
//     when the worker is unavailable, has nothing after their frozen
//     stops, or the break window no longer holds it after they are free;
//     the working-time limit and the shift end are broken only by a round
//     that has a stop after its frozen ones.
//
// Roster and Score return an error if an event is bad (the EINVALID
// error of rounds.ValidateEvents, against the published roster), if at
// is outside the day, or if the live day is not one date.
func Events(events []rounds.Event, at rounds.Clock) Option {
	return func(c *config) {
		c.live, c.events, c.at = true, events, at
	}
}

// Published names the roster the events of Events were reported on (the
// published version a live roster was made from): what is frozen is read
// from it, so that a visit moved onto the past, or a frozen stop moved,
// is caught. Without it, the roster checked is taken as its own
// published roster: then a stop that starts before the live time is
// taken as done, and a reported position, which changes where the first
// stop after the frozen ones is reached from, may not be placed as the
// roster placed it. It does nothing without Events.
func Published(r *rounds.Roster) Option {
	return func(c *config) { c.published = r }
}

// live is what a live day's events and its published roster say.
type live struct {
	at   rounds.Clock
	date rounds.Date
	// dates holds the dates of the roster's routes.
	dates map[rounds.Date]bool
	// actual holds, per visit, its reported times.
	actual map[string]actualTimes
	// frozen holds, per worker and visit, the frozen stops; order, per
	// worker, their visits in order.
	frozen map[half]frozenStop
	order  map[string][]string
	// frozenVisit holds the visits frozen on some round.
	frozenVisit map[string]bool
	// cancelled holds when each cancelled visit was cancelled.
	cancelled map[string]rounds.Clock
	// unavailable holds, per worker, when they became unavailable.
	unavailable map[string]rounds.Clock
	// position holds, per worker, the position reported that the stop
	// after their frozen ones is reached from, as rounds.LiveDay finds it.
	position map[string]position
	// freeAt holds, per worker, when they could take new work on the
	// roster checked: at, the end of their last frozen stop, or the end
	// of a break in hand (filled by walk).
	freeAt map[string]rounds.Clock
	// hasFree holds the workers whose round has a stop after its frozen
	// ones (filled by walk).
	hasFree map[string]bool
}

// half is one worker's part in a visit.
type half struct{ workerID, visitID string }

// actualTimes is what was reported of a visit.
type actualTimes struct {
	start rounds.Clock
	// end is the reported finish, or the time it was not reached;
	// finished says whether it was reported.
	end      rounds.Clock
	finished bool
	noAccess bool
}

// frozenStop is a stop frozen on the published roster.
type frozenStop struct {
	state string
	// planned is its start on the published roster.
	planned rounds.Clock
}

// newLive reads the events of cfg against r (or cfg.published). The
// live date is r's only date or, when r covers several, the one date of
// the events.
func newLive(req *rounds.Request, r *rounds.Roster, cfg config) (*live, error) {
	if cfg.at < 0 || cfg.at > rounds.At(24, 0) {
		return nil, rounds.Invalid("at", cfg.at, "must be within the day, 00:00-24:00")
	}
	plan := cfg.published
	if plan == nil {
		plan = r
	}
	events, err := rounds.ValidateEvents(req, plan, cfg.events)
	if err != nil {
		return nil, err
	}
	dates := map[rounds.Date]bool{}
	for i := range r.Routes {
		dates[r.Routes[i].Date] = true
	}
	if len(dates) != 1 {
		dates = map[rounds.Date]bool{}
		for _, e := range events {
			dates[e.Date] = true
		}
	}
	if len(dates) != 1 {
		return nil, rounds.Errorf(rounds.EINVALID, "the roster and its events cover %d dates: a live day is one", len(dates))
	}
	var date rounds.Date
	for d := range dates {
		date = d
	}
	state, err := rounds.LiveDay(req, plan, date, events, cfg.at)
	if err != nil {
		return nil, err
	}
	lv := &live{at: cfg.at, date: date, actual: map[string]actualTimes{}, frozen: map[half]frozenStop{},
		order: map[string][]string{}, frozenVisit: map[string]bool{}, cancelled: map[string]rounds.Clock{},
		unavailable: map[string]rounds.Clock{}, position: map[string]position{},
		freeAt: map[string]rounds.Clock{}, hasFree: map[string]bool{}, dates: map[rounds.Date]bool{}}
	for i := range r.Routes {
		lv.dates[r.Routes[i].Date] = true
	}
	for _, e := range events {
		if e.Date != date {
			continue
		}
		if e.Kind == rounds.EventWorkerUnavailable {
			if u, ok := lv.unavailable[e.WorkerID]; !ok || e.At < u {
				lv.unavailable[e.WorkerID] = e.At
			}
		}
		if e.At > cfg.at {
			continue
		}
		a := lv.actual[e.VisitID]
		switch e.Kind {
		case rounds.EventVisitStarted:
			a.start = e.At
			lv.actual[e.VisitID] = a
		case rounds.EventVisitFinished:
			a.end, a.finished = e.At, true
			lv.actual[e.VisitID] = a
		case rounds.EventNoAccess:
			lv.actual[e.VisitID] = actualTimes{start: e.At, end: e.At, finished: true, noAccess: true}
		case rounds.EventVisitCancelled:
			lv.cancelled[e.VisitID] = e.At
		}
	}
	planned := map[half]rounds.Clock{}
	for i := range plan.Routes {
		if rt := &plan.Routes[i]; rt.Date == date {
			for _, s := range rt.Stops {
				planned[half{rt.WorkerID, s.VisitID}] = s.Start
			}
		}
	}
	for _, lr := range state.Rounds {
		if lr.PositionAt != nil {
			lv.position[lr.WorkerID] = position{lr.From, *lr.PositionAt}
		}
		for _, f := range lr.Frozen {
			h := half{lr.WorkerID, f.VisitID}
			lv.frozen[h] = frozenStop{state: f.State, planned: planned[h]}
			lv.order[lr.WorkerID] = append(lv.order[lr.WorkerID], f.VisitID)
			lv.frozenVisit[f.VisitID] = true
		}
	}
	return lv, nil
}

// reported returns the times reported of visit id, if any.
func (lv *live) reported(id string) (actualTimes, bool) {
	if lv == nil {
		return actualTimes{}, false
	}
	a, ok := lv.actual[id]
	return a, ok
}

// isFrozen reports whether visit id is frozen on worker's round.
func (lv *live) isFrozen(workerID, id string) bool {
	if lv == nil {
		return false
	}
	_, ok := lv.frozen[half{workerID, id}]
	return ok
}

// end returns when a stop with reported times a, started at start (the
// reported start), of a visit lasting dur seconds, ends.
func (lv *live) end(a actualTimes, dur int) int {
	if a.finished {
		return int(a.end)
	}
	return max(int(lv.at), int(a.start)+dur)
}

// checkActual checks the stop of a visit with reported times.
func (c *checker) checkActual(rt *rounds.Route, s *rounds.Stop, v *rounds.Visit, a actualTimes) {
	end := c.live.end(a, v.DurationMinutes*60)
	what := "reported started at " + a.start.String()
	switch {
	case a.noAccess:
		what = "not reached at " + a.start.String()
	case a.finished:
		what += ", finished at " + a.end.String()
	default:
		what += " and still under way at " + c.live.at.String()
	}
	if s.Start != a.start || int(s.End) != end {
		c.add(RuleActual, rt.WorkerID, v.ID, rt.Date, "%s on %s runs %s-%s, but it was %s: %s-%s",
			visitName(v), routeName(rt), s.Start, s.End, what, a.start, clock(end))
	}
}

// checkLiveStop checks a stop of a live day against the events: a
// cancelled visit, a stop that is not frozen in the past or after its
// worker became unavailable, a frozen stop moved from its published
// start. arrival is when the worker gets there.
func (c *checker) checkLiveStop(rt *rounds.Route, s *rounds.Stop, v *rounds.Visit, arrival int, known bool) {
	lv := c.live
	if t, ok := lv.cancelled[v.ID]; ok {
		c.add(RuleCancelled, rt.WorkerID, v.ID, rt.Date, "%s is on %s, but it was cancelled at %s", visitName(v), routeName(rt), t)
	}
	f, frozen := lv.frozen[half{rt.WorkerID, v.ID}]
	if !frozen {
		if s.Start < lv.at {
			c.add(RulePast, rt.WorkerID, v.ID, rt.Date, "%s starts %s on %s, before the live time %s, but it is not done, under way or committed there",
				visitName(v), s.Start, routeName(rt), lv.at)
		}
		if u, ok := lv.unavailable[rt.WorkerID]; ok && s.Start >= u {
			c.add(RuleUnavailable, rt.WorkerID, v.ID, rt.Date, "%s starts %s on %s, but worker %s is unavailable from %s",
				visitName(v), s.Start, routeName(rt), rt.WorkerID, u)
		}
		return
	}
	if _, ok := lv.actual[v.ID]; ok || !known {
		return
	}
	switch {
	case s.Start < f.planned:
		c.add(RuleFrozen, rt.WorkerID, v.ID, rt.Date, "%s (%s) starts %s on %s, before its published start %s",
			visitName(v), stateName(f.state), s.Start, routeName(rt), f.planned)
	case v.Workers() == 1 && int(s.Start) > max(arrival, int(f.planned)):
		c.add(RuleFrozen, rt.WorkerID, v.ID, rt.Date, "%s (%s) starts %s on %s, but it was published at %s and the worker arrives at %s: it starts %s",
			visitName(v), stateName(f.state), s.Start, routeName(rt), f.planned, clock(arrival), clock(max(arrival, int(f.planned))))
	}
}

// stateName returns a frozen state as words.
func stateName(state string) string { return strings.ReplaceAll(state, "_", " ") }

// checkFrozenOrder checks that every round begins with its frozen stops,
// in order (cancelled visits, reported on their own, aside).
func (c *checker) checkFrozenOrder() {
	lv := c.live
	seen := map[string]bool{}
	for i := range c.r.Routes {
		rt := &c.r.Routes[i]
		if rt.Date != lv.date {
			continue
		}
		want := lv.order[rt.WorkerID]
		seen[rt.WorkerID] = true
		var got []string
		for _, s := range rt.Stops {
			if _, off := lv.cancelled[s.VisitID]; !off {
				got = append(got, s.VisitID)
			}
		}
		if len(got) >= len(want) && slices.Equal(got[:len(want)], want) {
			continue
		}
		c.add(RuleFrozen, rt.WorkerID, "", rt.Date, "%s must begin with its frozen stops %s, but begins %s",
			routeName(rt), visitList(want), visitList(got[:min(len(got), len(want))]))
	}
	workers := make([]string, 0, len(lv.order))
	for w := range lv.order {
		if !seen[w] {
			workers = append(workers, w)
		}
	}
	slices.Sort(workers)
	for _, w := range workers {
		c.add(RuleFrozen, w, "", lv.date, "worker %s has frozen stops %s on %s, but no route", w, visitList(lv.order[w]), lv.date)
	}
}

// visitList returns "v1, v2, v3" or "nothing".
func visitList(ids []string) string {
	if len(ids) == 0 {
		return "nothing"
	}
	return strings.Join(ids, ", ")
}

// breakExcused reports whether a live round of a shift that gets a
// break may have none: its worker is unavailable, has nothing after the
// frozen stops, or the break window holds no break after they are free.
func (c *checker) breakExcused(rt *rounds.Route, shift *rounds.Shift) bool {
	lv := c.live
	if lv == nil || rt.Date != lv.date {
		return false
	}
	if _, off := lv.unavailable[rt.WorkerID]; off || !lv.hasFree[rt.WorkerID] {
		return true
	}
	rule := c.req.Options.Break
	w := rule.Span()
	free, ok := lv.freeAt[rt.WorkerID]
	if !ok {
		free = lv.at
	}
	return int(min(w.End, shift.End)-max(w.Start, free)) < rule.Length()
}

// limitExcused reports whether a live round may go over its working
// time or shift end: it has nothing after its frozen stops.
func (c *checker) limitExcused(rt *rounds.Route) bool {
	return c.live != nil && rt.Date == c.live.date && !c.live.hasFree[rt.WorkerID]
}

// pinExcused reports whether the pin of visit v need not hold on a live
// day: v is frozen, its worker is unavailable, or its start is before
// the worker is free.
func (c *checker) pinExcused(v *rounds.Visit, start bool) bool {
	lv := c.live
	if lv == nil || v.Date != lv.date {
		return false
	}
	if lv.frozenVisit[v.ID] {
		return true
	}
	if _, off := lv.unavailable[v.Pin.WorkerID]; off {
		return true
	}
	free, ok := lv.freeAt[v.Pin.WorkerID]
	if !ok {
		free = lv.at
	}
	return start && *v.Pin.Start < free
}

// ofDay reports whether visit v must be made or unassigned: always,
// but on a live day only the visits of the roster's dates that were not
// cancelled.
func (c *checker) ofDay(v *rounds.Visit) bool {
	if c.live == nil {
		return true
	}
	_, off := c.live.cancelled[v.ID]
	return c.live.dates[v.Date] && !off
}

// position is where a worker reported being, and when.
type position struct {
	loc rounds.Location
	at  rounds.Clock
}

// positionOf returns the position the stop after worker's frozen stops
// is reached from, if any, as a place and a time, and how to name it.
func (lv *live) positionOf(workerID string) (rounds.Location, int, string, bool) {
	p, ok := lv.position[workerID]
	if !ok {
		return rounds.Location{}, 0, "", false
	}
	return p.loc, int(p.at), fmt.Sprintf("the position reported at %s", p.at), true
}
