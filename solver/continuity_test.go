package solver

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/fixtures"
	"github.com/roundsdev/rounds/geo"
)

// withContinuity returns base with a continuity cost: its vehicles shared
// among persons (vehicle k is person k mod persons, so each person has
// several shifts) and its visits among clients, the two halves of a pair
// with one client.
func withContinuity(tb testing.TB, base *Problem, seed int64, clients, persons int, cost int64) *Problem {
	tb.Helper()
	rng := rand.New(rand.NewSource(seed))
	vehs := slices.Clone(base.Vehicles)
	for k := range vehs {
		vehs[k].Worker = k%persons + 1
	}
	vis := slices.Clone(base.Visits)
	for v := range vis {
		vis[v].Client = rng.Intn(clients) + 1
	}
	for _, l := range base.Links {
		if l.Pair {
			vis[l.To].Client = vis[l.From].Client
		}
	}
	p, err := NewProblem(base.Travel, vehs, vis, WithLinks(base.Links), WithMaxLateness(base.MaxLateness), WithContinuity(cost))
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// continuityProblems are the problems the continuity tests run on: plain,
// rich (pairs, links, soft windows), and a fleet of more than 64 vehicles,
// on which insertions take their candidates from the nearest vehicles,
// the neighbours' routes and the persons serving the client.
func continuityProblems(tb testing.TB, seed int64) map[string]*Problem {
	tb.Helper()
	return map[string]*Problem{
		"plain": withContinuity(tb, randomProblem(tb, seed, 70, 6), seed, 15, 3, 700),
		"rich":  withContinuity(tb, richProblem(tb, seed, 60, 6), seed, 12, 3, 700),
		"fleet": withContinuity(tb, randomProblem(tb, seed, 150, 72), seed, 30, 12, 700),
	}
}

// countsFromScratch returns the continuity counts of s's routes.
func countsFromScratch(s *state) ([]int32, []int32) {
	c := &s.p.cont
	n := make([]int32, c.clients()*c.persons)
	distinct := make([]int32, c.clients())
	for k := range s.routes {
		for _, v := range s.routes[k].visits {
			if i := c.client[v]; i >= 0 {
				at := int(i)*c.persons + int(c.person[k])
				if n[at]++; n[at] == 1 {
					distinct[i]++
				}
			}
		}
	}
	return n, distinct
}

func TestContinuityStaysExactThroughTheSearch(t *testing.T) {
	for _, seed := range []int64{1, 2, 3} {
		for name, p := range continuityProblems(t, seed) {
			t.Run(fmt.Sprintf("%s/%d", name, seed), func(t *testing.T) {
				rng := rand.New(rand.NewSource(seed))
				s := newState(p)
				if p.rich {
					s.greedy(rng)
				} else {
					s.regret()
				}
				w := newScratch(p)
				order := make([]int32, 0, p.NumVisits())
				var seen int64
				for i := 0; i < 300; i++ {
					s.ruinRecreate(rng, w)
					if s.broken || rng.Intn(2) == 0 {
						s.rollback()
					}
					if i%60 == 0 {
						s.localSearch(rng, order, 2, time.Time{})
					}
					n, distinct := countsFromScratch(s)
					if !slices.Equal(n, s.cn.n) || !slices.Equal(distinct, s.cn.distinct) {
						t.Fatalf("step %d: continuity counts drifted from the routes", i)
					}
					sol := solutionOf(s)
					if err := p.Check(sol); err != nil {
						t.Fatalf("step %d: %v", i, err)
					}
					seen = max(seen, sol.Continuity)
				}
				if seen == 0 {
					t.Error("no client ever saw two workers: the test exercises nothing")
				}
			})
		}
	}
}

// TestContinuityDeltasMatchTheChange checks the deltas the search
// judges moves by against the change in the cost once the move is made
// and against the cost recomputed from scratch: contInsert for an
// insertion, contMove for a relocation and a swap between routes.
func TestContinuityDeltasMatchTheChange(t *testing.T) {
	p := continuityProblems(t, 6)["plain"]
	rng := rand.New(rand.NewSource(6))
	s := newState(p)
	s.regret()
	routes := func() [][]int { return solutionOf(s).Routes }
	moved := 0
	for i := 0; i < 2000; i++ {
		v := int32(rng.Intn(p.NumVisits()))
		k := int32(rng.Intn(p.NumVehicles()))
		ku := s.routeOf[v]
		before := s.cn.cost
		switch {
		case ku < 0:
			if !p.Allowed(int(v), int(k)) {
				continue
			}
			want := s.contInsert(v, k)
			s.insert(v, k, s.routes[k].size()+1)
			if got := s.cn.cost - before; got != want {
				t.Fatalf("inserting %d on %d: predicted %d, changed %d", v, k, want, got)
			}
		case ku != k && s.routes[k].size() > 0 && rng.Intn(2) == 0:
			u := s.routes[k].visits[rng.Intn(s.routes[k].size())]
			want := s.contMove([]int32{v}, ku, []int32{u}, k)
			a := slices.Clone(s.routes[ku].visits)
			a[s.posOf[v]-1] = u
			b := slices.Clone(s.routes[k].visits)
			b[s.posOf[u]-1] = v
			s.replace(ku, a)
			s.replace(k, b)
			if got := s.cn.cost - before; got != want {
				t.Fatalf("swapping %d and %d: predicted %d, changed %d", v, u, want, got)
			}
		case ku != k:
			want := s.contMove([]int32{v}, ku, nil, k)
			a := slices.DeleteFunc(slices.Clone(s.routes[ku].visits), func(x int32) bool { return x == v })
			s.replace(ku, a)
			s.replace(k, append(slices.Clone(s.routes[k].visits), v))
			if got := s.cn.cost - before; got != want {
				t.Fatalf("moving %d from %d to %d: predicted %d, changed %d", v, ku, k, want, got)
			}
		default:
			s.begin()
			s.detach(v)
			s.settle()
		}
		if s.cn.cost != before {
			moved++
		}
		if got := p.continuity(routes()); got != s.cn.cost {
			t.Fatalf("step %d: cost %d kept, %d from scratch", i, s.cn.cost, got)
		}
	}
	if moved < 100 {
		t.Errorf("only %d of the changes moved the cost: the test shows little", moved)
	}
}

func TestContinuityMoveLoopDoesNotAllocate(t *testing.T) {
	for name, p := range continuityProblems(t, 4) {
		t.Run(name, func(t *testing.T) {
			if p.rich {
				checkNoAllocs(t, walkedState(t, p, 100), 10)
				return
			}
			s := newState(p)
			s.regret()
			checkNoAllocs(t, s, 20)
		})
	}
}

// TestContinuityLowersTheCostItCounts solves each problem with and
// without the continuity cost at the same seed and iterations: with it,
// the clients see fewer workers.
func TestContinuityLowersTheCostItCounts(t *testing.T) {
	for name, p := range continuityProblems(t, 5) {
		t.Run(name, func(t *testing.T) {
			off, err := NewProblem(p.Travel, p.Vehicles, p.Visits, WithLinks(p.Links), WithMaxLateness(p.MaxLateness))
			if err != nil {
				t.Fatal(err)
			}
			var extra [2]int64
			for i, q := range []*Problem{off, p} {
				sol, err := Solve(context.Background(), q, Options{Iterations: 400, Seed: 1, Threads: 1})
				if err != nil {
					t.Fatal(err)
				}
				if err := q.Check(sol); err != nil {
					t.Fatal(err)
				}
				extra[i] = p.continuity(sol.Routes) / p.Continuity
			}
			t.Logf("extra workers per client, summed: %d without the cost, %d with it", extra[0], extra[1])
			if extra[1] >= extra[0] {
				t.Errorf("%d extra workers with the continuity cost, %d without", extra[1], extra[0])
			}
		})
	}
}

func TestCheckCatchesMisreportedContinuity(t *testing.T) {
	p := continuityProblems(t, 1)["plain"]
	sol, err := Solve(context.Background(), p, Options{Iterations: 100, Seed: 1, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	if sol.Continuity == 0 {
		t.Fatal("no client sees two workers: the test shows nothing")
	}
	sol.Travel, sol.Continuity = sol.Travel+sol.Continuity, 0
	if err := p.Check(sol); err == nil || !strings.Contains(err.Error(), "continuity") {
		t.Errorf("Check = %v, want a continuity mismatch", err)
	}
}

// twoDays returns a request over two days: Amara (w1) lives 5 minutes
// from the client, Ben (w2) 4 minutes, and Ben works only on the second
// day. The client has a one-hour visit each day.
func twoDays(penalty int64) *rounds.Request {
	home := rounds.Location{Lat: 51.5, Lon: -0.2}
	shift := func(date rounds.Date) rounds.Shift {
		return rounds.Shift{Date: date, Start: rounds.At(8, 0), End: rounds.At(16, 0)}
	}
	return &rounds.Request{
		Workers: []rounds.Worker{
			{ID: "w1", Name: "Amara", Role: rounds.CareWorker, Start: rounds.Location{Lat: home.Lat - 0.005, Lon: home.Lon},
				TravelMode: geo.Drive, Shifts: []rounds.Shift{shift("2025-12-01"), shift("2025-12-02")}},
			{ID: "w2", Name: "Ben", Role: rounds.CareWorker, Start: rounds.Location{Lat: home.Lat + 0.004, Lon: home.Lon},
				TravelMode: geo.Drive, Shifts: []rounds.Shift{shift("2025-12-02")}},
		},
		Clients: []rounds.Client{{ID: "c1", Location: home}},
		Visits: []rounds.Visit{
			{ID: "mon", ClientID: "c1", Date: "2025-12-01", DurationMinutes: 60, Priority: rounds.Reablement},
			{ID: "tue", ClientID: "c1", Date: "2025-12-02", DurationMinutes: 60, Priority: rounds.Reablement},
		},
		Options: rounds.Options{Iterations: 50, Seed: 1, Threads: 1, ContinuityPenalty: penalty},
	}
}

// TestContinuityKeepsTheClientsWorker plans twoDays: without a continuity
// cost Ben, closer by a minute each way, makes the second visit (18 min of
// travel); with the default cost Amara makes both (20 min), since a
// second worker would cost more than the 2 minutes saved.
func TestContinuityKeepsTheClientsWorker(t *testing.T) {
	tests := []struct {
		name     string
		penalty  int64
		tuesday  string
		travel   int
		distinct int
		cost     int64
	}{
		{name: "off", penalty: -1, tuesday: "w2", travel: 18 * 60, distinct: 2, cost: 18 * 60},
		{name: "default", tuesday: "w1", travel: 20 * 60, distinct: 1, cost: 20 * 60},
		{name: "cheap", penalty: 60, tuesday: "w2", travel: 18 * 60, distinct: 2, cost: 18*60 + 60},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := twoDays(tt.penalty)
			ro, err := (&Planner{Source: minuteSource{}}).Plan(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			assertValid(t, req, ro, minuteSource{})
			var tuesday string
			for _, rt := range ro.Routes {
				if len(rt.Stops) > 0 && rt.Date == "2025-12-02" {
					tuesday = rt.WorkerID
				}
			}
			if tuesday != tt.tuesday || ro.Totals.TravelSeconds != tt.travel || ro.Totals.Cost != tt.cost {
				t.Errorf("tuesday by %s, travel %d s, cost %d; want %s, %d s, %d", tuesday, ro.Totals.TravelSeconds,
					ro.Totals.Cost, tt.tuesday, tt.travel, tt.cost)
			}
			if len(ro.Continuity) != 1 || ro.Continuity[0].DistinctWorkers != tt.distinct {
				t.Errorf("continuity %+v, want %d workers", ro.Continuity, tt.distinct)
			}
			cont, listed := ro.Totals.Score[rounds.ScoreContinuity]
			if listed != (tt.penalty >= 0) || cont != tt.cost-int64(tt.travel) {
				t.Errorf("score %v: continuity %d (listed %v), want %d", ro.Totals.Score, cont, listed, tt.cost-int64(tt.travel))
			}
		})
	}
}

// TestContinuityPlanIsDeterministic plans a generated three-day request
// twice on two threads, bounded by iterations, and wants the same roster.
func TestContinuityPlanIsDeterministic(t *testing.T) {
	var out [2][]byte
	for i := range out {
		cfg := fixtures.Small
		cfg.Days, cfg.DoubleHanded = 3, 0.1
		req, err := fixtures.Generate(cfg)
		if err != nil {
			t.Fatal(err)
		}
		req.Options.Iterations, req.Options.Threads, req.Options.Seed = 300, 2, 1
		ro, err := (&Planner{Source: geo.Haversine{}}).Plan(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		if ro.Totals.Score[rounds.ScoreContinuity] == 0 {
			t.Fatal("no client sees two workers: the test shows little")
		}
		if out[i], err = json.Marshal(ro); err != nil {
			t.Fatal(err)
		}
	}
	if string(out[0]) != string(out[1]) {
		t.Error("two runs of the same request and seed give different rosters")
	}
}
