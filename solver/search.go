package solver

import (
	"context"
	"math"
	"math/rand"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/roundsdev/rounds"
)

// DefaultTimeLimit bounds a solve given neither a time nor an iteration
// limit: the request's (rounds.DefaultTimeLimit).
const DefaultTimeLimit = rounds.DefaultTimeLimit

// Options tune Solve. Zero values take the defaults.
type Options struct {
	// TimeLimit bounds the search; 0 with Iterations 0 means
	// DefaultTimeLimit, 0 with Iterations > 0 means no time bound.
	TimeLimit time.Duration
	// Iterations bounds the number of ruin-and-recreate steps of each
	// thread; 0 means no bound. A run bounded by iterations alone is
	// deterministic for a given Seed and Threads.
	Iterations int
	// Seed seeds every random choice.
	Seed int64
	// Threads is the number of parallel searches; 0 means runtime.NumCPU().
	Threads int
	// Progress, if set, is called from the calling goroutine's search
	// loop whenever the best solution improves.
	Progress func(Progress)
	// Start, if set, is a warm start: a solution whose routes each fit
	// their vehicle on their own. Solve loads it and inserts the visits
	// it leaves out greedily, instead of building a first solution from
	// scratch (and gives the first local search half the time limit at
	// most); if its routes leave no joint schedule (links, pairs) it
	// starts from scratch.
	Start *Solution
}

// Progress reports the state of a running search.
type Progress struct {
	// Elapsed is the time since Solve started.
	Elapsed time.Duration
	// Iterations is the number of ruin-and-recreate steps so far, summed
	// over threads.
	Iterations int64
	// Cost and Unassigned describe the best solution so far; the two
	// halves of a pair count as one unassigned visit.
	Cost       int64
	Unassigned int
}

// Solution is a set of routes for a Problem.
type Solution struct {
	// Routes[k] lists the visits of vehicle k in order.
	Routes [][]int
	// Unassigned lists the visits on no route, in index order.
	Unassigned []int
	// Cost is the objective: route travel and fixed costs, the penalties
	// of unassigned visits, the lateness, assignment, overtime and
	// balance costs. Travel is the route
	// part alone; Lateness the soft-window part (with the MaxLateness
	// term); Assignment the summed assignment costs of the served visits
	// (preference misses and network crossings); Overtime the cost of
	// returns after the vehicles' OvertimeStart; Balance the cost of
	// work above the vehicles' BalanceTarget; Continuity the cost of the
	// workers each client sees beyond the first (WithContinuity).
	Cost       int64
	Travel     int64
	Lateness   int64
	Assignment int64
	Overtime   int64
	Balance    int64
	Continuity int64
	// Iterations is the number of ruin-and-recreate steps made, summed
	// over threads.
	Iterations int64
}

// syncEvery is how many steps each thread makes between synchronisations.
const syncEvery = 500

// Solve builds a first solution by regret insertion and local search,
// then improves it by ruin and recreate with simulated-annealing
// acceptance on Threads parallel searches. The searches meet every
// syncEvery steps; a search whose best is worse than the overall best
// continues from the overall best. On problems of at most polishMax
// visits the best solution gets a last local search, unless ctx is done;
// the search leaves it as much time as the first local search took, so
// that Solve returns by its time limit (a first solution that takes
// longer than the limit is still returned). Solve stops at the time
// limit, the iteration limit or when ctx is done, and returns the best
// solution found. It returns an error only if ctx is done before it
// starts.
func Solve(ctx context.Context, p *Problem, opt Options) (*Solution, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	begin := time.Now()
	threads := opt.Threads
	if threads <= 0 {
		threads = runtime.NumCPU()
	}
	limit := opt.TimeLimit
	if limit <= 0 && opt.Iterations <= 0 {
		limit = DefaultTimeLimit
	}

	first := newState(p)
	rng := rand.New(rand.NewSource(opt.Seed))
	warm := opt.Start != nil
	if warm {
		first.load(opt.Start)
		if p.rich && first.broken {
			first, warm = newState(p), false
		}
	}
	if p.rich || warm {
		first.greedy(rng)
	} else {
		first.regret()
	}
	passes := 0
	if p.NumVisits() > polishMax || p.rich {
		passes = richPasses
	}
	lsBegin := time.Now()
	var lsEnd time.Time // a warm start is near a local optimum already
	if warm && limit > 0 {
		lsEnd = begin.Add(limit / 2)
	}
	first.localSearch(rng, nil, passes, lsEnd)
	var deadline time.Time // of the polish
	if limit > 0 {
		deadline = begin.Add(limit)
	}
	if limit > 0 && p.NumVisits() <= polishMax {
		// Keep time for the final polish, which costs about as much as
		// this first local search, so that Solve ends by its limit.
		limit -= min(time.Since(lsBegin), limit/4)
	}
	var stop atomic.Bool
	done := make(chan struct{})
	defer close(done)
	go func() {
		var timeout <-chan time.Time
		if limit > 0 {
			t := time.NewTimer(limit - time.Since(begin))
			defer t.Stop()
			timeout = t.C
		}
		select {
		case <-ctx.Done():
		case <-timeout:
		case <-done:
		}
		stop.Store(true)
	}()
	best := &Solution{}
	first.snapshot(best)
	report := func(iters int64) {
		if opt.Progress != nil {
			opt.Progress(Progress{Elapsed: time.Since(begin), Iterations: iters, Cost: best.Cost, Unassigned: p.jobs(best.Unassigned)})
		}
	}
	report(0)
	if p.NumVisits() == 0 {
		return best, nil
	}

	temp := newTemperature(first, opt.Iterations)
	workers := make([]*searcher, threads)
	for t := range workers {
		st := first
		if t > 0 {
			st = newState(p)
			st.load(best)
		}
		workers[t] = newSearcher(st, opt.Seed+int64(t+1)*7919, best)
	}
	var total int64
	for !stop.Load() && (opt.Iterations <= 0 || workers[0].iters < int64(opt.Iterations)) {
		var wg sync.WaitGroup
		for _, w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				w.anneal(syncEvery, opt.Iterations, limit, begin, temp, &stop)
			}()
		}
		wg.Wait()
		total = 0
		lead := 0
		for t, w := range workers {
			total += w.iters
			if w.best.Cost < workers[lead].best.Cost {
				lead = t
			}
		}
		if workers[lead].best.Cost < best.Cost {
			copySolution(best, workers[lead].best)
			finish(best, p.NumVisits())
			report(total)
		}
		for _, w := range workers {
			if w.best.Cost > best.Cost {
				w.adopt(best)
			}
		}
	}
	if p.NumVisits() <= polishMax && ctx.Err() == nil {
		polish(workers[0].s, best, rng, deadline)
	}
	best.Iterations = total
	return best, nil
}

// temperature is the simulated-annealing temperature of the search (not
// to be confused with a schedule, the start times of the visits that
// Problem.Schedule works out): it falls geometrically from start to end
// over a cooling, then starts again at start. A cooling lasts steps steps
// of a thread, or the whole run when steps is 0.
type temperature struct {
	start, end float64
	steps      int64
}

// coolSteps is the length of one cooling on problems without links or
// soft windows. A search that cools once over its whole run settles early
// on how many visits it serves and spends the rest of the run on travel;
// cooling again and again lets it undo a settled morning. Measured on the
// generated borough day (2 threads of 320,000 steps, seeds 1-12) against
// one cooling over the run: coolings of 10,000, 20,000 and 40,000 steps
// all lower the cost by 3.3-3.5% (about 2 fewer visits left out). On
// Solomon the average gap is the same at 60,000 steps (0.47% against
// 0.45%) and at 10 s (0.13% against 0.14%); the merged area is
// unchanged. Problems with links or soft windows keep one cooling over the
// run: on the borough week with every care rule (4,300 visits, 30 s)
// repeated coolings left more rapid-response visits out (seeds 1-6: 2.2%
// more cost), and on the day they did not help.
const coolSteps = 20_000

// newTemperature scales the temperature to the average arc of s: from 3
// times it down to a twentieth. A problem with links or soft windows, and
// a run bounded by no more iterations than a cooling, cool once over the
// run.
func newTemperature(s *state, iterLimit int) temperature {
	assigned := len(s.routeOf) - s.missing
	arcs := assigned
	for k := range s.routes {
		if s.routes[k].size() > 0 {
			arcs++
		}
	}
	avg := 1.0
	if travel := s.routed - s.assignment(); arcs > 0 && travel > 0 {
		avg = float64(travel) / float64(arcs)
	}
	c := temperature{start: 3 * avg, end: 0.05 * avg}
	if !s.p.rich && (iterLimit <= 0 || iterLimit > coolSteps) {
		c.steps = coolSteps
	}
	return c
}

// at returns the temperature at a thread's step, frac of the way through
// the run.
func (c temperature) at(step int64, frac float64) float64 {
	if c.steps > 0 {
		frac = float64(step%c.steps) / float64(c.steps)
	}
	return c.start * math.Pow(c.end/c.start, math.Min(frac, 1))
}

// searcher is one thread of the search.
type searcher struct {
	s     *state
	rng   *rand.Rand
	w     *scratch
	best  *Solution
	iters int64
	frac  float64 // of the run done, for a temperature with one cooling
}

func newSearcher(s *state, seed int64, start *Solution) *searcher {
	b := &Solution{}
	copySolution(b, start)
	return &searcher{s: s, rng: rand.New(rand.NewSource(seed)), w: newScratch(s.p), best: b}
}

// adopt makes sol the searcher's current and best solution.
func (r *searcher) adopt(sol *Solution) {
	r.s.load(sol)
	copySolution(r.best, sol)
}

// anneal makes up to n ruin-and-recreate steps, each kept or rolled back
// by simulated-annealing acceptance at temperature temp, fewer if stop is
// set or the iteration limit is reached.
func (r *searcher) anneal(n int, iterLimit int, limit time.Duration, begin time.Time, temp temperature, stop *atomic.Bool) {
	s := r.s
	for i := 0; i < n; i++ {
		if iterLimit > 0 && r.iters >= int64(iterLimit) {
			return
		}
		if stop.Load() {
			return
		}
		if temp.steps == 0 && r.iters&31 == 0 {
			r.frac = 0
			if iterLimit > 0 {
				r.frac = float64(r.iters) / float64(iterLimit)
			}
			if limit > 0 {
				r.frac = math.Max(r.frac, float64(time.Since(begin))/float64(limit))
			}
		}
		t := temp.at(r.iters, r.frac)
		r.iters++
		before := s.cost()
		s.ruinRecreate(r.rng, r.w)
		after := s.cost()
		if after < before || float64(after) < float64(before)-t*math.Log(r.rng.Float64()) {
			if after < r.best.Cost {
				s.saveBest(r.best)
			}
			continue
		}
		s.rollback()
	}
}

// copySolution copies src into dst, reusing dst's memory.
func copySolution(dst, src *Solution) {
	if len(dst.Routes) != len(src.Routes) {
		dst.Routes = make([][]int, len(src.Routes))
	}
	for k := range src.Routes {
		dst.Routes[k] = append(dst.Routes[k][:0], src.Routes[k]...)
	}
	dst.Unassigned = append(dst.Unassigned[:0], src.Unassigned...)
	dst.Cost, dst.Travel, dst.Lateness, dst.Iterations = src.Cost, src.Travel, src.Lateness, src.Iterations
	dst.Assignment, dst.Overtime, dst.Balance = src.Assignment, src.Overtime, src.Balance
	dst.Continuity = src.Continuity
}

// polishMax is the largest problem whose final best gets a full local
// search; on larger ones it would take longer than the search's last
// steps are worth.
const polishMax = 1000

// richPasses bounds the local search passes of problems with links or
// soft windows, whose moves each reschedule every route, and of large
// problems at construction.
const richPasses = 2

// polish runs the local search on best (using s as scratch), until the
// deadline if it is not zero, and keeps the result if it is cheaper.
func polish(s *state, best *Solution, rng *rand.Rand, deadline time.Time) {
	s.load(best)
	passes := 0
	if s.p.rich {
		passes = richPasses
	}
	s.localSearch(rng, nil, passes, deadline)
	if s.cost() < best.Cost {
		s.snapshot(best)
	}
}

// jobs returns how many of the unassigned visits are not the second half
// of a pair (Link.To of a pair link).
func (p *Problem) jobs(unassigned []int) int {
	n := 0
	for _, v := range unassigned {
		if u := p.pairOf[v]; u < 0 || p.Links[p.pairLink(int32(v))].To != v {
			n++
		}
	}
	return n
}
