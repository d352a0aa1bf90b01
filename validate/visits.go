package validate

import (
	"fmt"
	"strings"

	"github.com/roundsdev/rounds"
)

// checkUnassigned checks every unassigned entry and counts them per visit.
func (c *checker) checkUnassigned() {
	for i, u := range c.r.Unassigned {
		v := c.visits[u.VisitID]
		if v == nil {
			c.add(RuleUnassigned, "", u.VisitID, "", "unassigned entry %d is for visit %s, which is not in the request", i+1, u.VisitID)
			continue
		}
		c.unassigned[v.ID]++
		if c.unassigned[v.ID] == 2 {
			c.add(RuleUnassigned, "", v.ID, v.Date, "%s on %s is listed more than once as unassigned", visitName(v), v.Date)
		}
		var wrong []string
		if u.Reason == "" {
			wrong = append(wrong, "no reason")
		}
		if u.Detail == "" {
			wrong = append(wrong, "no detail")
		}
		if u.ClientID != v.ClientID {
			wrong = append(wrong, fmt.Sprintf("client %s, but the visit is for client %s", u.ClientID, v.ClientID))
		}
		if u.Priority != v.Priority {
			wrong = append(wrong, fmt.Sprintf("priority %q, but the visit is %q", u.Priority, v.Priority))
		}
		if len(wrong) > 0 {
			c.add(RuleUnassigned, "", v.ID, v.Date, "unassigned %s on %s gives %s", visitName(v), v.Date, strings.Join(wrong, "; and "))
		}
	}
}

// checkVisits checks that every visit is made by as many workers as it
// needs or listed as unassigned, and its pin and links.
func (c *checker) checkVisits() {
	for i := range c.req.Visits {
		v := &c.req.Visits[i]
		made, listed := c.served[v.ID], c.unassigned[v.ID]
		switch {
		case len(made) == 0 && listed == 0 && c.ofDay(v):
			c.add(RuleNotAccounted, "", v.ID, v.Date, "%s on %s is on no route and not listed as unassigned", visitName(v), v.Date)
		case len(made) > 0 && listed > 0:
			c.add(RuleServedAndUnassigned, made[0].workerID, v.ID, v.Date, "%s on %s is made by %s and also listed as unassigned", visitName(v), v.Date, workerNames(made))
		}
		if len(made) == 0 {
			continue
		}
		c.checkWorkers(v, made)
		c.checkPin(v, made)
		if c.live != nil && c.live.frozenVisit[v.ID] {
			continue // a frozen visit's own links no longer bind it
		}
		for _, l := range v.Links {
			c.checkLink(v, made, l)
		}
	}
}

// checkWorkers checks that a made visit has exactly the workers it needs,
// distinct and starting together.
func (c *checker) checkWorkers(v *rounds.Visit, made []appearance) {
	switch need := v.Workers(); {
	case len(made) > need:
		c.add(RuleServedTwice, made[0].workerID, v.ID, v.Date, "%s on %s needs %s but is made %d times, by %s", visitName(v), v.Date, [3]string{1: "one worker", 2: "two workers"}[need], len(made), workerNames(made))
	case len(made) < need:
		c.add(RuleDoubleHanded, made[0].workerID, v.ID, v.Date, "double-handed %s on %s is made by worker %s alone; it needs two workers", visitName(v), v.Date, made[0].workerID)
	case need == 2 && made[0].workerID == made[1].workerID:
		c.add(RuleDoubleHanded, made[0].workerID, v.ID, v.Date, "double-handed %s on %s is made twice by worker %s; it needs two different workers", visitName(v), v.Date, made[0].workerID)
	case need == 2 && !(made[0].actual && made[1].actual) && abs(made[0].start-made[1].start) > c.cfg.syncSeconds:
		c.add(RuleDoubleHanded, made[0].workerID, v.ID, v.Date, "double-handed %s on %s starts at %s with worker %s but at %s with worker %s; the starts may differ by %s at most",
			visitName(v), v.Date, clock(made[0].start), made[0].workerID, clock(made[1].start), made[1].workerID, span(c.cfg.syncSeconds))
	}
}

// checkPin checks that a pinned visit is made by its worker, at its start
// if the pin gives one.
func (c *checker) checkPin(v *rounds.Visit, made []appearance) {
	if v.Pin == nil {
		return
	}
	pinned := false
	for _, a := range made {
		pinned = pinned || a.workerID == v.Pin.WorkerID
	}
	if !pinned && !c.pinExcused(v, false) {
		c.add(RulePin, made[0].workerID, v.ID, v.Date, "%s on %s is pinned to worker %s but made by %s", visitName(v), v.Date, v.Pin.WorkerID, workerNames(made))
	}
	if v.Pin.Start == nil || c.pinExcused(v, true) {
		return
	}
	for _, a := range made {
		if a.start != int(*v.Pin.Start) {
			c.add(RulePin, a.workerID, v.ID, v.Date, "%s on %s is pinned to start at %s but worker %s starts it at %s", visitName(v), v.Date, *v.Pin.Start, a.workerID, clock(a.start))
		}
	}
}

// checkLink checks that v starts within the link's gap after the visit it
// is linked to, for every pair of workers, when both visits are made.
func (c *checker) checkLink(v *rounds.Visit, made []appearance, l rounds.Link) {
	before := c.visits[l.VisitID]
	for _, b := range c.served[l.VisitID] {
		for _, a := range made {
			gap := v.Date.DaysSince(before.Date)*24*3600 + a.start - b.start
			if gap >= l.MinGapMinutes*60 && gap <= l.MaxGapMinutes*60 {
				continue
			}
			c.add(RuleLink, a.workerID, v.ID, v.Date, "%s on %s starts at %s (worker %s), %s %s starts at %s (worker %s) on %s; it must start %d-%d min after it",
				visitName(v), v.Date, clock(a.start), a.workerID, relative(gap), visitName(before), clock(b.start), b.workerID, before.Date, l.MinGapMinutes, l.MaxGapMinutes)
			return
		}
	}
}

// workerNames returns "worker w1" or "workers w1, w2".
func workerNames(made []appearance) string {
	ids := make([]string, len(made))
	for i, a := range made {
		ids[i] = a.workerID
	}
	if len(ids) == 1 {
		return "worker " + ids[0]
	}
	return "workers " + strings.Join(ids, ", ")
}

// relative returns "40 min after" or "20 min before".
func relative(gap int) string {
	if gap < 0 {
		return span(-gap) + " before"
	}
	return span(gap) + " after"
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
