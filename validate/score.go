package validate

import (
	"context"
	"slices"
	"sort"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/geo"
)

// Score recomputes the cost of r, a roster of req, rule by rule from the
// request's options and the routes as they stand, with travel times from
// src: what totals.cost and totals.score of a roster should say. The
// rules:
//   - travel: the recomputed travel seconds of all routes;
//   - lateness: per stop after its visit's soft end, the seconds late times
//     the visit's lateness cost (1 unless set);
//   - preference and network: the request's penalty per stop made by a
//     worker the client did not prefer, or of another network (both set);
//   - overtime: per route, its recomputed overtime seconds times the
//     overtime cost per minute, over 60, rounded down;
//   - balance (only with a balance cost): per route, its visit seconds
//     above the shift's fair share times the cost per minute, over 60,
//     rounded down; the fair share is the shift's length (overtime not
//     counted) times the visit seconds of its date (a double-handed visit
//     once per worker) over the summed shift lengths of that date;
//   - continuity (unless turned off): the continuity penalty per worker
//     each client sees beyond the first, over all dates;
//   - unassigned, per priority: the priority's penalty per unassigned
//     entry, once per worker the visit needs.
//
// With Events, the routes are timed as on a live day (see Events): a
// stop with reported times keeps them, the leg after a reported position
// starts there, and overtime counts from the actual ends; the visit
// seconds of balance stay the planned durations. Roster checks the cost
// with the same options it is given, so a live roster is costed by
// passing Score the options its validation will get.
//
// It returns an error if Roster would, or if a route names a worker or
// visit the request does not have; it does not check the hard rules.
func Score(ctx context.Context, req *rounds.Request, r *rounds.Roster, src geo.Source, opts ...Option) (int64, map[string]int64, error) {
	c, err := newCheck(ctx, req, r, src, opts)
	if err != nil {
		return 0, nil, err
	}
	c.checkRoutes()
	if !c.timesKnown {
		return 0, nil, rounds.Errorf(rounds.EINVALID, "score roster: a route names a worker or visit the request does not have")
	}
	score := c.score()
	return total(score), score, nil
}

// total returns the sum of a score's entries.
func total(score map[string]int64) int64 {
	var sum int64
	for _, x := range score {
		sum += x
	}
	return sum
}

// checkScore checks totals.cost and every entry of totals.score against
// Score (a roster without a score has only its cost checked). It checks
// nothing when the routes' times cannot be recomputed.
func (c *checker) checkScore() {
	if !c.timesKnown {
		return
	}
	real := c.score()
	cost := total(real)
	t := &c.r.Totals
	if t.Cost != cost {
		c.add(RuleCost, "", "", "", "the roster's cost is %d, but its travel, soft costs and unassigned penalties add up to %d", t.Cost, cost)
	}
	if len(t.Score) == 0 {
		return
	}
	keys := make([]string, 0, len(real)+len(t.Score))
	for k := range real {
		keys = append(keys, k)
	}
	for k := range t.Score {
		if _, ok := real[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		said, listed := t.Score[k]
		want, known := real[k]
		switch {
		case !known:
			c.add(RuleScore, "", "", "", "the score lists %q (%d), which is not a rule of the cost", k, said)
		case !listed:
			c.add(RuleScore, "", "", "", "the score leaves out %q, which comes to %d", k, want)
		case said != want:
			c.add(RuleScore, "", "", "", "the score gives %d for %q, but the roster comes to %d", said, k, want)
		}
	}
}

// score returns the recomputed cost of each rule (see Score); checkRoutes
// has run and the times are known.
func (c *checker) score() map[string]int64 {
	real := map[string]int64{rounds.ScoreTravel: int64(c.travel), rounds.ScoreLateness: 0,
		rounds.ScorePreference: 0, rounds.ScoreNetwork: 0, rounds.ScoreOvertime: c.overtimeCost}
	for _, p := range rounds.Priorities {
		real[rounds.UnassignedScoreKey(p)] = 0
	}
	opt := &c.req.Options
	if opt.BalanceCostPerMinute > 0 {
		real[rounds.ScoreBalance] = 0
	}
	if opt.ContinuityCost() > 0 {
		real[rounds.ScoreContinuity] = c.continuityCost()
	}
	shares := c.fairShares()
	for i := range c.r.Routes {
		rt := &c.r.Routes[i]
		w := c.workers[rt.WorkerID]
		visitTime := 0
		for j := range rt.Stops {
			s := &rt.Stops[j]
			v := c.visits[s.VisitID]
			cl := c.clients[v.ClientID]
			visitTime += v.DurationMinutes * 60
			if v.SoftEnd != nil && s.Start > *v.SoftEnd {
				real[rounds.ScoreLateness] += int64(s.Start-*v.SoftEnd) * max(v.LatenessCost, 1)
			}
			if len(cl.PreferredWorkers) > 0 && !slices.Contains(cl.PreferredWorkers, w.ID) {
				real[rounds.ScorePreference] += opt.PreferenceMiss()
			}
			if cl.Network != "" && w.Network != "" && cl.Network != w.Network {
				real[rounds.ScoreNetwork] += opt.NetworkMiss()
			}
		}
		shift := shiftOn(w, rt.Date)
		if shift == nil {
			continue
		}
		if above := int64(visitTime) - shares[rt.Date].of(shift); opt.BalanceCostPerMinute > 0 && above > 0 {
			real[rounds.ScoreBalance] += above * opt.BalanceCostPerMinute / 60
		}
	}
	for _, u := range c.r.Unassigned {
		if v := c.visits[u.VisitID]; v != nil {
			real[rounds.UnassignedScoreKey(v.Priority)] += opt.Penalty(v.Priority) * int64(v.Workers())
		}
	}
	return real
}

// dayShare is what one date's fair shares are made of: the visit seconds
// of its visits (once per worker needed) and the summed lengths of its
// shifts.
type dayShare struct{ demand, supply int64 }

// of returns the fair share of visit seconds of shift on the day.
func (d dayShare) of(shift *rounds.Shift) int64 {
	if d.supply == 0 {
		return 0
	}
	return d.demand * shiftSeconds(shift) / d.supply
}

// fairShares returns the dayShare of every date of the request.
func (c *checker) fairShares() map[rounds.Date]dayShare {
	out := make(map[rounds.Date]dayShare)
	for i := range c.req.Visits {
		v := &c.req.Visits[i]
		d := out[v.Date]
		d.demand += int64(v.DurationMinutes*60) * int64(v.Workers())
		out[v.Date] = d
	}
	for i := range c.req.Workers {
		for j := range c.req.Workers[i].Shifts {
			s := &c.req.Workers[i].Shifts[j]
			d := out[s.Date]
			d.supply += shiftSeconds(s)
			out[s.Date] = d
		}
	}
	return out
}

// shiftSeconds returns the length of a shift, overtime not counted.
func shiftSeconds(s *rounds.Shift) int64 { return int64(s.End) - int64(s.Start) }
