package validate

import (
	"math"
)

// RuleContinuity is broken by a roster whose continuity of care is
// misreported: a client's entry in Roster.Continuity whose visits or
// different workers are not what the routes give, a client with stops
// missing from a non-empty list, or a Totals.MeanDistinctWorkers that is
// not their mean. (Its cost in the score is checked with the others,
// RuleScore.)
const RuleContinuity = "continuity"

// clientSeen is what the routes give one client: stops and workers.
type clientSeen struct {
	stops   int
	workers map[string]bool
}

// seenBy returns, per client, the stops the routes make and the
// different workers who make them, and the clients in request order of
// their first visit.
func (c *checker) seenBy() (map[string]*clientSeen, []string) {
	seen := make(map[string]*clientSeen)
	var order []string
	for i := range c.req.Visits {
		v := &c.req.Visits[i]
		for _, a := range c.served[v.ID] {
			cs := seen[v.ClientID]
			if cs == nil {
				cs = &clientSeen{workers: map[string]bool{}}
				seen[v.ClientID] = cs
				order = append(order, v.ClientID)
			}
			cs.stops++
			cs.workers[a.workerID] = true
		}
	}
	return seen, order
}

// checkContinuity recomputes, from the stops of known visits, how many
// stops each client has and how many different workers make them, and
// checks the roster's continuity list and mean.
func (c *checker) checkContinuity() {
	seen, order := c.seenBy()
	var multi, distinct int
	for _, id := range order {
		if cs := seen[id]; cs.stops >= 2 {
			multi++
			distinct += len(cs.workers)
		}
	}
	c.checkContinuityList(seen)
	if mean := c.r.Totals.MeanDistinctWorkers; multi > 0 && mean != 0 &&
		math.Abs(mean-float64(distinct)/float64(multi)) > 1e-9 {
		c.add(RuleContinuity, "", "", "", "the totals give a mean of %g different workers per client with two or more visits, but the routes give %g",
			mean, float64(distinct)/float64(multi))
	}
}

// continuityCost returns Options.ContinuityPenalty per worker each client
// sees beyond the first.
func (c *checker) continuityCost() int64 {
	seen, _ := c.seenBy()
	var extra int64
	for _, cs := range seen {
		extra += int64(len(cs.workers) - 1)
	}
	return extra * c.req.Options.ContinuityCost()
}

// checkContinuityList checks Roster.Continuity, when it is not empty,
// against what the routes give.
func (c *checker) checkContinuityList(seen map[string]*clientSeen) {
	if len(c.r.Continuity) == 0 {
		return
	}
	listed := make(map[string]bool, len(c.r.Continuity))
	for _, cc := range c.r.Continuity {
		cs := seen[cc.ClientID]
		if cs == nil {
			cs = &clientSeen{}
		}
		if listed[cc.ClientID] || cc.Visits != cs.stops || cc.DistinctWorkers != len(cs.workers) {
			c.add(RuleContinuity, "", "", "", "client %s is listed with %d visits by %d different workers, but the routes make %d visits by %d workers",
				cc.ClientID, cc.Visits, cc.DistinctWorkers, cs.stops, len(cs.workers))
		}
		listed[cc.ClientID] = true
	}
	for i := range c.req.Clients {
		id := c.req.Clients[i].ID
		if cs := seen[id]; cs != nil && !listed[id] {
			c.add(RuleContinuity, "", "", "", "client %s has %d visits on the routes but no continuity entry", id, cs.stops)
		}
	}
}
