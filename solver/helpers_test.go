package solver

import (
	"math"
	"math/rand"
	"testing"

	"github.com/roundsdev/rounds/geo"
)

// randomProblem returns a problem with two travel profiles, two depots,
// one or two windows per visit, skills, demand, working-time caps and
// restricted vehicle lists (overtime when seed is a multiple of 3, balance
// costs when it is 1 modulo 4),
// so that every rule binds somewhere.
func randomProblem(tb testing.TB, seed int64, visits, vehicles int) *Problem {
	tb.Helper()
	rng := rand.New(rand.NewSource(seed))
	n := visits + 2
	xs, ys := make([]float64, n), make([]float64, n)
	for i := range xs {
		xs[i], ys[i] = rng.Float64()*1000, rng.Float64()*1000
	}
	fast, slow := geo.NewMatrix(n), geo.NewMatrix(n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			d := math.Hypot(xs[i]-xs[j], ys[i]-ys[j])
			fast.Set(i, j, int32(d))
			slow.Set(i, j, int32(1.6*d)+int32(i%3)) // asymmetric
		}
	}
	vs := make([]Vehicle, vehicles)
	for k := range vs {
		vs[k] = Vehicle{
			Start: k % 2, End: (k / 2) % 2, Profile: k % 3 / 2,
			Earliest: int32(rng.Intn(2000)), Latest: 9000 + int32(rng.Intn(3000)),
			Skills: uint64(rng.Intn(4)), Capacity: int32(20 + rng.Intn(40)),
		}
		if k%3 == 0 {
			vs[k].MaxWork = 4000
		}
		if seed%2 == 0 {
			vs[k].FixedCost = int64(rng.Intn(3000))
		}
		if seed%3 == 0 && k%2 == 0 { // overtime for the last 2,000 units
			vs[k].OvertimeStart, vs[k].OvertimeCost = vs[k].Latest-2000, int64(30+7*k)
		}
		if seed%4 == 1 { // balance above a twelfth of the shift in visits
			vs[k].BalanceTarget, vs[k].BalanceCost = (vs[k].Latest-vs[k].Earliest)/12, int64(20+5*k)
		}
	}
	vis := make([]Visit, visits)
	for v := range vis {
		start := int32(rng.Intn(9000))
		w := []Window{{start, start + 300 + int32(rng.Intn(2000))}}
		if rng.Intn(3) == 0 {
			w = append(w, Window{w[0].End + 500, w[0].End + 500 + int32(rng.Intn(1500))})
		}
		dur := int32(50 + rng.Intn(200))
		skills := uint64(rng.Intn(4))
		skills &= uint64(rng.Intn(4)) // each skill half as likely as in a vehicle
		vis[v] = Visit{
			Location: v + 2, Duration: dur, Windows: w,
			Skills: skills, Demand: int32(rng.Intn(10)),
			Penalty: int64(5000 + rng.Intn(3)*100000),
		}
		if rng.Intn(4) == 0 {
			for k := 0; k < vehicles; k++ {
				if rng.Intn(2) == 0 {
					vis[v].Vehicles = append(vis[v].Vehicles, k)
				}
			}
			if vis[v].Vehicles == nil {
				vis[v].Vehicles = []int{}
			}
		}
	}
	p, err := NewProblem([]geo.Matrix{fast, slow}, vs, vis)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// solutionOf returns the state's routes as a Solution.
func solutionOf(s *state) *Solution {
	sol := &Solution{}
	s.snapshot(sol)
	return sol
}
