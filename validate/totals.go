package validate

import (
	"slices"

	"github.com/roundsdev/rounds"
)

// checkTotals checks the roster's totals against what its routes and
// unassigned list add up to.
func (c *checker) checkTotals() {
	t := &c.r.Totals
	var assigned, unassigned int
	assignedBy := make(map[rounds.Priority]int)
	unassignedBy := make(map[rounds.Priority]int)
	for i := range c.req.Visits {
		v := &c.req.Visits[i]
		if len(c.served[v.ID]) > 0 {
			assigned++
			assignedBy[v.Priority]++
		}
		if c.unassigned[v.ID] > 0 {
			unassigned++
			unassignedBy[v.Priority]++
		}
	}
	if c.live == nil {
		c.checkCount("visits in the request", t.Visits, len(c.req.Visits))
	} else {
		c.checkCount("visits of the live day made or unassigned", t.Visits, assigned+unassigned)
	}
	c.checkCount("visits assigned", t.Assigned, assigned)
	c.checkCount("visits unassigned", t.Unassigned, unassigned)
	c.checkCount("workers with visits", t.WorkersUsed, len(c.usedWorkers))
	c.checkByPriority("assigned", t.AssignedByPriority, assignedBy)
	c.checkByPriority("unassigned", t.UnassignedByPriority, unassignedBy)
	if !c.timesKnown {
		return
	}
	c.checkSeconds("travel", t.TravelSeconds, c.travel)
	c.checkSeconds("work", t.WorkSeconds, c.work)
	c.checkSeconds("waiting", t.WaitSeconds, c.wait)
	c.checkSeconds("overtime", t.OvertimeSeconds, c.overtime)
}

// checkCount reports a count the totals give wrong.
func (c *checker) checkCount(what string, said, real int) {
	if said != real {
		c.add(RuleTotals, "", "", "", "the totals give %d %s, but the roster has %d", said, what, real)
	}
}

// checkSeconds reports a time the totals give wrong.
func (c *checker) checkSeconds(what string, said, real int) {
	if said != real {
		c.add(RuleTotals, "", "", "", "the totals give %d s of %s, but the routes add up to %d s (%s)", said, what, real, span(real))
	}
}

// checkByPriority compares per-priority counts, a missing entry counting 0.
func (c *checker) checkByPriority(what string, said, real map[rounds.Priority]int) {
	for _, p := range rounds.Priorities {
		c.checkCount(what+" "+string(p)+" visits", said[p], real[p])
	}
	var unknown []rounds.Priority
	for p, n := range said {
		if n != 0 && !slices.Contains(rounds.Priorities, p) {
			unknown = append(unknown, p)
		}
	}
	slices.Sort(unknown)
	for _, p := range unknown {
		c.checkCount(what+" visits of unknown priority "+string(p), said[p], 0)
	}
}
