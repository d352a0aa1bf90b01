package validate

import (
	"fmt"
	"slices"
	"strings"

	"github.com/roundsdev/rounds"
)

// walk follows a route stop by stop from its departure, checks each stop
// and recomputes the route's sums. w is nil if the worker is unknown: then
// only what does not depend on the worker is checked.
//
// Every stop is timed from the claimed start of the one before it (its end
// is that start plus the visit's duration), so one wrong time is reported
// once rather than at every later stop.
func (c *checker) walk(rt *rounds.Route, w *rounds.Worker) routeSum {
	sum := routeSum{known: w != nil, ret: int(rt.Depart)}
	var (
		tbl  table
		prev rounds.Location
		from = "the worker's start"
	)
	if w != nil {
		tbl, prev = c.tables[w.TravelMode], w.Start
	}
	lv := c.live
	if lv != nil && rt.Date != lv.date {
		lv = nil // another day: checked as planned
	}
	at := int(rt.Depart)
	stopEnd := at // when the last stop ended (before any break)
	leave := 0    // when the worker was at a reported position
	brk := rt.Break
	if brk != nil && brk.End <= rt.Depart {
		brk = nil // taken before leaving
	}
	frozen := true // so far every stop is frozen (live days)
	for i := range rt.Stops {
		s := &rt.Stops[i]
		v := c.visits[s.VisitID]
		var a actualTimes
		reported, isFrozen := false, false
		if v != nil {
			a, reported = lv.reported(v.ID)
			isFrozen = lv.isFrozen(rt.WorkerID, v.ID)
		}
		if lv != nil && frozen && !isFrozen {
			frozen = false
			lv.freeAt[rt.WorkerID] = max(lv.at, rounds.Clock(stopEnd))
			lv.hasFree[rt.WorkerID] = true
			if loc, t, name, ok := lv.positionOf(rt.WorkerID); ok {
				prev, from, leave = loc, name, t
			}
		}
		if brk != nil && int(brk.Start) >= at && brk.End <= s.Start {
			if int(brk.Start) < at+c.leg(w, prev, s, sum.known) || s.Arrival >= brk.End {
				at = int(brk.End) // taken before travelling on, else while waiting
			}
			brk = nil
		}
		at, leave = max(at, leave), 0 // not before the worker was at a reported position
		if v == nil {
			c.add(RuleUnknownVisit, rt.WorkerID, s.VisitID, rt.Date, "%s stops for visit %s, which is not in the request; travel times after it cannot be checked", routeName(rt), s.VisitID)
			sum.known = false
			continue
		}
		c.served[v.ID] = append(c.served[v.ID], appearance{workerID: rt.WorkerID, start: int(s.Start), actual: reported})
		dur := v.DurationMinutes * 60
		end := int(s.Start) + dur
		if reported {
			end = lv.end(a, dur)
			c.checkActual(rt, s, v, a)
		}
		c.checkStop(rt, s, v, end, reported, isFrozen || reported)
		if w != nil {
			c.checkFit(rt, w, v)
		}
		loc := c.clients[v.ClientID].Location
		arrival := at
		if sum.known {
			leg := tbl.seconds(prev, loc)
			arrival = at + leg
			if reported {
				arrival = min(arrival, int(a.start))
			}
			c.checkLeg(rt, s, v, w, from, at, leg, arrival)
			sum.travel += leg
			sum.wait += max(0, int(s.Start)-arrival)
		}
		if lv != nil {
			c.checkLiveStop(rt, s, v, arrival, sum.known)
		}
		start := int(s.Start)
		if reported {
			start = int(a.start)
		}
		sum.work += end - start
		at, stopEnd = end, end
		prev, from = loc, "visit "+v.ID
	}
	if lv != nil && frozen {
		lv.freeAt[rt.WorkerID] = max(lv.at, rounds.Clock(stopEnd))
	}
	if brk != nil && int(brk.Start) >= at && len(rt.Stops) > 0 {
		at, brk = int(brk.End), nil // taken before going home
	}
	if brk != nil && (lv == nil || brk.Start >= lv.at) {
		c.add(RuleBreak, rt.WorkerID, "", rt.Date, "%s has a break %s-%s that is not between two stops: it overlaps a visit or a journey",
			routeName(rt), brk.Start, brk.End)
	}
	if b := rt.Break; lv != nil && b != nil && b.Start < lv.freeAt[rt.WorkerID] {
		lv.freeAt[rt.WorkerID] = max(lv.freeAt[rt.WorkerID], b.End) // in hand
	}
	if sum.known && len(rt.Stops) > 0 {
		sum.home = tbl.seconds(prev, w.EndLocation())
		sum.travel += sum.home
		sum.ret = at + sum.home
	}
	sum.work += sum.travel
	return sum
}

// checkLeg checks the travel, arrival, and wait of a stop reached leg
// seconds after leaving the previous place (from) at time at: at
// arrival, at + leg unless it started earlier (live days).
func (c *checker) checkLeg(rt *rounds.Route, s *rounds.Stop, v *rounds.Visit, w *rounds.Worker, from string, at, leg, arrival int) {
	if s.TravelSeconds != leg {
		c.add(RuleTravel, rt.WorkerID, v.ID, rt.Date, "%s on %s gives %s of travel from %s, but it takes %s %s",
			visitName(v), routeName(rt), span(s.TravelSeconds), from, span(leg), byMode(w.TravelMode))
	}
	switch {
	case int(s.Arrival) == arrival:
	case arrival < at+leg:
		c.add(RuleArrival, rt.WorkerID, v.ID, rt.Date, "%s on %s gives arrival %s, but it was reported started at %s, before the worker could get there from %s (%s): it arrives then",
			visitName(v), routeName(rt), s.Arrival, clock(arrival), from, clock(at+leg))
	default:
		c.add(RuleArrival, rt.WorkerID, v.ID, rt.Date, "%s on %s gives arrival %s, but the worker leaves %s at %s and takes %s: %s",
			visitName(v), routeName(rt), s.Arrival, from, clock(at), span(leg), clock(arrival))
	}
	if int(s.Start) < arrival {
		c.add(RuleEarlyStart, rt.WorkerID, v.ID, rt.Date, "%s starts %s on %s, before the worker arrives at %s",
			visitName(v), s.Start, routeName(rt), clock(arrival))
	}
	if wait := max(0, int(s.Start)-arrival); s.WaitSeconds != wait {
		c.add(RuleWait, rt.WorkerID, v.ID, rt.Date, "%s on %s gives a wait of %s, but the worker arrives at %s and starts at %s: a wait of %s",
			visitName(v), routeName(rt), span(s.WaitSeconds), clock(arrival), s.Start, span(wait))
	}
}

// checkStop checks what a stop says about its visit, whoever makes it:
// that it ends at end (its length unless its times were reported), and,
// unless it is past (frozen or with reported times on a live day), its
// window, service hours and deadline.
func (c *checker) checkStop(rt *rounds.Route, s *rounds.Stop, v *rounds.Visit, end int, reported, past bool) {
	on := routeName(rt)
	if v.Date != rt.Date {
		c.add(RuleWrongDate, rt.WorkerID, v.ID, rt.Date, "%s is due on %s but is on %s", visitName(v), v.Date, on)
	}
	var wrong []string
	if s.ClientID != v.ClientID {
		wrong = append(wrong, fmt.Sprintf("client %s, but the visit is for client %s", s.ClientID, v.ClientID))
	}
	if home := c.clients[v.ClientID].Location; s.Location != home {
		wrong = append(wrong, fmt.Sprintf("location %s, but client %s lives at %s", where(s.Location), v.ClientID, where(home)))
	}
	if s.Priority != v.Priority {
		wrong = append(wrong, fmt.Sprintf("priority %q, but the visit is %q", s.Priority, v.Priority))
	}
	if len(wrong) > 0 {
		c.add(RuleStopDetails, rt.WorkerID, v.ID, rt.Date, "the stop for %s on %s gives %s", visitName(v), on, strings.Join(wrong, "; and "))
	}
	start, dur := int(s.Start), v.DurationMinutes*60
	if !reported && int(s.End) != end {
		c.add(RuleDuration, rt.WorkerID, v.ID, rt.Date, "%s on %s ends %s, but it starts %s and lasts %s: it ends %s",
			visitName(v), on, s.End, s.Start, span(dur), clock(end))
	}
	if past {
		return
	}
	c.checkWindow(rt, s, v)
	if end := start + dur; end > int(rounds.ServiceHours.End) {
		c.add(RuleServiceHours, rt.WorkerID, v.ID, rt.Date, "%s ends %s on %s, after the service hours %s",
			visitName(v), clock(end), on, rounds.ServiceHours)
	}
	if v.ReferredAt != nil && s.Start < *v.ReferredAt {
		c.add(RuleDeadline, rt.WorkerID, v.ID, rt.Date, "rapid-response %s starts %s on %s, before its referral at %s",
			visitName(v), s.Start, on, *v.ReferredAt)
	}
	if latest, ok := v.LatestStart(); ok && s.Start > latest {
		c.add(RuleDeadline, rt.WorkerID, v.ID, rt.Date, "rapid-response %s starts %s on %s, after its deadline %s",
			visitName(v), s.Start, on, latest)
	}
}

// checkWindow checks that the visit starts in one of its windows, or in the
// service hours if it has none.
func (c *checker) checkWindow(rt *rounds.Route, s *rounds.Stop, v *rounds.Visit) {
	if len(v.Windows) == 0 {
		if !rounds.ServiceHours.Contains(s.Start) {
			c.add(RuleWindow, rt.WorkerID, v.ID, rt.Date, "%s starts %s outside the service hours %s on %s",
				visitName(v), s.Start, rounds.ServiceHours, routeName(rt))
		}
		return
	}
	for _, win := range v.Windows {
		if win.Contains(s.Start) {
			return
		}
	}
	switch {
	case len(v.Windows) > 1:
		c.add(RuleWindow, rt.WorkerID, v.ID, rt.Date, "%s starts %s outside its windows %s on %s",
			visitName(v), s.Start, windowNames(v.Windows), routeName(rt))
	case s.Start < v.Windows[0].Start:
		c.add(RuleWindow, rt.WorkerID, v.ID, rt.Date, "%s starts %s before its window %s on %s",
			visitName(v), s.Start, v.Windows[0], routeName(rt))
	default:
		c.add(RuleWindow, rt.WorkerID, v.ID, rt.Date, "%s starts %s after its window %s on %s",
			visitName(v), s.Start, v.Windows[0], routeName(rt))
	}
}

// checkFit checks that worker w may make visit v: skills, the client's
// declined workers and gender preference.
func (c *checker) checkFit(rt *rounds.Route, w *rounds.Worker, v *rounds.Visit) {
	var missing []string
	for _, sk := range v.Skills {
		if !slices.Contains(w.Skills, sk) {
			missing = append(missing, string(sk))
		}
	}
	if len(missing) > 0 {
		c.add(RuleSkill, w.ID, v.ID, rt.Date, "%s needs %s, which worker %s lacks, on %s",
			visitName(v), strings.Join(missing, ", "), w.ID, routeName(rt))
	}
	cl := c.clients[v.ClientID]
	if slices.Contains(cl.DeclinedWorkers, w.ID) {
		c.add(RuleDeclinedWorker, w.ID, v.ID, rt.Date, "client %s declined worker %s, who makes %s on %s",
			cl.ID, w.ID, visitName(v), routeName(rt))
	}
	if cl.GenderPreference != "" && w.Gender != cl.GenderPreference {
		gender := w.Gender
		if gender == "" {
			gender = "gender not recorded"
		}
		c.add(RuleGender, w.ID, v.ID, rt.Date, "client %s asked for a %s worker, but worker %s (%s) makes %s on %s",
			cl.ID, cl.GenderPreference, w.ID, gender, visitName(v), routeName(rt))
	}
}
