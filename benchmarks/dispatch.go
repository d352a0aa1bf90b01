package benchmarks

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/fixtures"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/solver"
)

// LiveDayOptions describe a generated live day: a day with every care
// rule, planned, then seen at a time with no events (the visits before it
// done as planned).
type LiveDayOptions struct {
	// Size is the fixtures size: borough or area.
	Size string
	// Seed generates the day and seeds its plan.
	Seed int64
	// Iterations bound the plan (reproducible); 0 means 20,000.
	Iterations int
	// At is the live time; 0 means 11:00.
	At rounds.Clock
	// Source gives the travel times; nil means geo.Haversine{}.
	Source geo.Source
}

// LiveDay is a planned generated day and its live state.
type LiveDay struct {
	Request *rounds.Request
	Roster  *rounds.Roster
	State   *rounds.LiveState
	Source  geo.Source
	// Plan is how long planning the day took.
	Plan time.Duration
}

// NewLiveDay generates the day (`generate -size SIZE -double-handed 0.1
// -linked-medication -preferences -breaks`), plans it on one thread and
// returns its live state at opt.At.
func NewLiveDay(ctx context.Context, opt LiveDayOptions) (*LiveDay, error) {
	cfg, err := fixtures.SizeByName(opt.Size)
	if err != nil {
		return nil, err
	}
	cfg.Seed, cfg.DoubleHanded, cfg.LinkedMedication, cfg.Preferences = opt.Seed, 0.1, true, true
	req, err := fixtures.Generate(cfg)
	if err != nil {
		return nil, err
	}
	req.Options.Break = &rounds.BreakRule{}
	req.Options.Iterations, req.Options.Seed, req.Options.Threads = opt.Iterations, opt.Seed, 1
	if opt.Iterations == 0 {
		req.Options.Iterations = 20000
	}
	src := opt.Source
	if src == nil {
		src = geo.Haversine{}
	}
	start := time.Now()
	r, err := (&solver.Planner{Source: src}).Plan(ctx, req)
	if err != nil {
		return nil, err
	}
	plan := time.Since(start)
	at := opt.At
	if at == 0 {
		at = rounds.At(11, 0)
	}
	s, err := rounds.LiveDay(req, r, r.Routes[0].Date, nil, at)
	if err != nil {
		return nil, err
	}
	return &LiveDay{Request: req, Roster: r, State: s, Source: src, Plan: plan}, nil
}

// DispatchOptions tune RunDispatch.
type DispatchOptions struct {
	LiveDayOptions
	// Referrals is how many referrals to answer; 0 means 1,000.
	Referrals int
	// K is how many options each asks for; 0 means rounds.DefaultOptions.
	K int
	// Log, if set, receives progress lines.
	Log io.Writer
}

// DispatchResult is the latency of answering referrals on a live day.
type DispatchResult struct {
	Size             string
	Workers, Visits  int
	Frozen, Free     int
	Referrals        int
	NewLive          time.Duration
	P50, P90, P99    time.Duration
	Max, Mean        time.Duration
	WithOptions      int // referrals given at least one option
	SeenWithin2h     int // referrals whose best option starts within 2 h of the referral
	MeanOptions      float64
	MeanBestChange   float64 // mean cost change of the best option, over those with one
	DoubleHanded     int
	DoubleWithOption int
}

// RunDispatch plans the live day, builds its solver.Live (timed), then
// answers opt.Referrals seeded random referrals (Referrals) one after the
// other on the calling goroutine, timing each call of Live.Options.
func RunDispatch(ctx context.Context, opt DispatchOptions) (*DispatchResult, error) {
	d, err := NewLiveDay(ctx, opt.LiveDayOptions)
	if err != nil {
		return nil, err
	}
	if opt.Log != nil {
		fmt.Fprintf(opt.Log, "%s day planned in %v\n", opt.Size, d.Plan.Round(time.Millisecond))
	}
	return d.Dispatch(ctx, opt)
}

// Dispatch is RunDispatch on an already planned live day.
func (d *LiveDay) Dispatch(ctx context.Context, opt DispatchOptions) (*DispatchResult, error) {
	n := opt.Referrals
	if n == 0 {
		n = 1000
	}
	res := &DispatchResult{Size: opt.Size, Workers: len(d.Request.Workers), Visits: len(d.Request.Visits), Referrals: n}
	for _, lr := range d.State.Rounds {
		res.Frozen += len(lr.Frozen)
		res.Free += len(lr.Free)
	}
	start := time.Now()
	live, err := solver.NewLive(ctx, d.Request, d.Roster, d.State, d.Source)
	if err != nil {
		return nil, err
	}
	res.NewLive = time.Since(start)
	refs := Referrals(d.Request, d.State.Date, d.State.At, n, opt.Seed)
	times := make([]time.Duration, 0, n)
	options, best := 0, 0.0
	for i := range refs {
		ref := &refs[i]
		ref.K = opt.K
		t0 := time.Now()
		out, err := live.Options(ctx, ref)
		if err != nil {
			return nil, fmt.Errorf("referral %s: %w", ref.VisitID, err)
		}
		times = append(times, time.Since(t0))
		options += len(out.Options)
		if ref.WorkersNeeded == 2 {
			res.DoubleHanded++
		}
		if len(out.Options) > 0 {
			res.WithOptions++
			best += float64(out.Options[0].CostChange)
			if ref.WorkersNeeded == 2 {
				res.DoubleWithOption++
			}
			if out.Options[0].Start <= *out.Visit.ReferredAt+2*3600 {
				res.SeenWithin2h++
			}
		}
	}
	slices.Sort(times)
	var sum time.Duration
	for _, t := range times {
		sum += t
	}
	res.P50, res.P90, res.P99, res.Max = quantile(times, 0.5), quantile(times, 0.9), quantile(times, 0.99), times[len(times)-1]
	res.Mean = sum / time.Duration(len(times))
	res.MeanOptions = float64(options) / float64(n)
	if res.WithOptions > 0 {
		res.MeanBestChange = best / float64(res.WithOptions)
	}
	return res, nil
}

// quantile returns the q-quantile of sorted durations (nearest rank).
func quantile(sorted []time.Duration, q float64) time.Duration {
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}
