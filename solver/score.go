package solver

import "github.com/roundsdev/rounds"

// score breaks the cost of sol, a solution of p made by Build, down by
// rule for rounds.Totals.Score: the routes' travel (and any fixed costs)
// under rounds.ScoreTravel, the lateness cost under rounds.ScoreLateness,
// the overtime cost under rounds.ScoreOvertime, the balance cost under
// rounds.ScoreBalance (only when the request sets one), the continuity
// cost under rounds.ScoreContinuity (only when it is on), the preference misses
// under rounds.ScorePreference, the network
// crossings under rounds.ScoreNetwork, and the penalties of the
// unassigned visits (both halves of a double-handed one) per priority.
// The values sum to sol.Cost. O(V).
func score(p *Problem, sol *Solution) map[string]int64 {
	s := map[string]int64{rounds.ScoreTravel: sol.Travel, rounds.ScoreLateness: sol.Lateness,
		rounds.ScoreOvertime:   sol.Overtime,
		rounds.ScorePreference: 0, rounds.ScoreNetwork: 0}
	if p.balance {
		s[rounds.ScoreBalance] = sol.Balance
	}
	if p.Continuity > 0 {
		s[rounds.ScoreContinuity] = sol.Continuity
	}
	for k, r := range sol.Routes {
		for _, v := range r {
			s[rounds.ScorePreference] += p.preferenceCost(v, k)
			s[rounds.ScoreNetwork] += p.networkCost(v, k)
		}
	}
	for _, pr := range rounds.Priorities {
		s[rounds.UnassignedScoreKey(pr)] = 0
	}
	for _, v := range sol.Unassigned {
		s[rounds.UnassignedScoreKey(p.meta.req.Visits[v].Priority)] += p.Visits[v].Penalty
	}
	return s
}
