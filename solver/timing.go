package solver

import (
	"fmt"
	"math"
)

// Timing: Problem.Schedule is the solver's one timing engine, from
// scratch. A "schedule" in this package is always its result, the start
// time of every served visit: the search keeps the same starts up to date
// step by step (the propagator, propagate.go), and the annealing
// temperature of the search (search.go) is no schedule.

// NotServed is the start Schedule gives a visit on no route.
const NotServed int32 = math.MinInt32

// Schedule returns the start time of every served visit of routes (one
// list of visits per vehicle), NotServed for the others: the earliest starts
// that respect travel, windows and links, found from scratch by rounds
// of relaxation over all routes (a Bellman-Ford fixed point). It returns
// an error if a route cannot keep a window or its vehicle's latest
// return, or if the links leave no schedule (a cycle of waits that does
// not settle within its round limit). O(R·(S + L)) for S stops, L links
// and R rounds, at most S·(W+1)+2 for W windows per visit. A route
// with a break takes it where breakPlan places it on the route alone
// (after the same visits; when, the links decide); without links the
// starts are breakPlan's.
func (p *Problem) Schedule(routes [][]int) ([]int32, error) {
	if len(routes) > len(p.Vehicles) {
		return nil, fmt.Errorf("%d routes for %d vehicles", len(routes), len(p.Vehicles))
	}
	starts := make([]int32, len(p.Visits))
	for v := range starts {
		starts[v] = NotServed
	}
	served := make([]bool, len(p.Visits))
	stops := 0
	for _, r := range routes {
		for _, v := range r {
			if v < 0 || v >= len(p.Visits) {
				return nil, fmt.Errorf("visit %d does not exist", v)
			}
			served[v] = true
			stops++
		}
	}
	gaps := make([]int, len(routes)) // visits before each route's break, -1 without one
	for k, r := range routes {
		gaps[k] = -1
		if len(r) > 0 && p.Vehicles[k].Break.Duration > 0 {
			_, g, _, ok := p.breakPlan(k, r)
			if !ok {
				return nil, fmt.Errorf("vehicle %d: no break fits", k)
			}
			gaps[k] = g
		}
	}
	rounds := stops*(len(p.win)/max(1, len(p.Visits))+2) + 2
	for round := 0; ; round++ {
		if round > rounds {
			return nil, fmt.Errorf("the links between visits leave no schedule: waits do not settle after %d rounds", rounds)
		}
		changed := false
		for k, r := range routes {
			veh := &p.Vehicles[k]
			t, at := veh.Earliest, int32(veh.Start)
			for i, v := range r {
				if i == gaps[k] {
					if t = p.breakAfter(k, t); t >= unreachable {
						return nil, fmt.Errorf("vehicle %d: its break cannot start by %d", k, p.Vehicles[k].Break.Window.End)
					}
				}
				lb := t + p.travel(k, at, p.loc[v])
				for _, li := range p.links(int32(v)) {
					lb = max(lb, p.linkBound(li, int32(v), starts, served))
				}
				s, ok := p.earliestStart(int32(v), lb)
				if !ok {
					return nil, fmt.Errorf("vehicle %d: visit %d cannot start by the end of its last window (ready at %d)", k, v, lb)
				}
				if s != starts[v] {
					starts[v], changed = s, true
				}
				t, at = s+p.dur[v], p.loc[v]
			}
			if gaps[k] == len(r) {
				if t = p.breakAfter(k, t); t >= unreachable {
					return nil, fmt.Errorf("vehicle %d: its break cannot start by %d", k, p.Vehicles[k].Break.Window.End)
				}
			}
			if back := t + p.travel(k, at, int32(veh.End)); len(r) > 0 && back > veh.Latest {
				return nil, fmt.Errorf("vehicle %d returns at %d after %d", k, back, veh.Latest)
			}
		}
		if !changed {
			return starts, nil
		}
	}
}

// linkBound returns the earliest start of v that link li allows given
// the other end's start, or a very early time if the other end is not
// served or not yet timed.
func (p *Problem) linkBound(li int32, v int32, starts []int32, served []bool) int32 {
	l := &p.Links[li]
	const none = -1 << 30
	if int(v) == l.To {
		if !served[l.From] || starts[l.From] == NotServed {
			return none
		}
		return starts[l.From] + l.MinGap
	}
	if !served[l.To] || starts[l.To] == NotServed {
		return none
	}
	return starts[l.To] - l.MaxGap
}

// latenessCost returns the lateness part of the objective for the given
// starts: each served visit's lateness times its cost, plus MaxLateness
// times the largest lateness.
func (p *Problem) latenessCost(starts []int32) int64 {
	var sum int64
	var worst int32
	for v, s := range starts {
		if s == NotServed {
			continue
		}
		l := p.lateness(int32(v), s)
		sum += int64(l) * p.lateCost[v]
		worst = max(worst, l)
	}
	return sum + int64(worst)*p.MaxLateness
}
