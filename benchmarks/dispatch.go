package benchmarks

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"slices"
	"time"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/fixtures"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/solver"
	"github.com/roundsdev/rounds/validate"
)

// LiveDayOptions describe a generated live day: a day with every care
// rule, planned, then seen at a time with no events (the visits before it
// done as planned).
type LiveDayOptions struct {
	// Size is the fixtures size: borough or area.
	Size string
	// Seed generates the day and seeds its plan.
	Seed int64
	// Load, if not 0, draws visits up to this share of the team's
	// working minutes (generate -load) instead of the size's own.
	Load float64
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

// NewLiveDay generates the day (`generate -size SIZE [-load L]
// -double-handed 0.1 -linked-medication -preferences -breaks`), plans it on one thread and
// returns its live state at opt.At.
func NewLiveDay(ctx context.Context, opt LiveDayOptions) (*LiveDay, error) {
	cfg, err := fixtures.SizeByName(opt.Size)
	if err != nil {
		return nil, err
	}
	cfg.Seed, cfg.Load, cfg.DoubleHanded, cfg.LinkedMedication, cfg.Preferences = opt.Seed, opt.Load, 0.1, true, true
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
	Size            string
	Workers, Visits int
	// Frozen and Free count the stops at the live time.
	Frozen, Free int
	Referrals    int
	// NewLive is the time to build the solver.Live, once per roster
	// version and time.
	NewLive time.Duration
	// Wall clock per call of Live.Options, and CPU time of the calling
	// thread (Linux; zero elsewhere): the latency on a core of its own.
	P50, P90, P99, Max       time.Duration
	CPU50, CPU90, CPU99, CPU time.Duration
	// ProcessCPU is the process's CPU time over the calls, garbage
	// collection included, per call (Linux; zero elsewhere).
	ProcessCPU time.Duration
	// WithOptions counts the referrals given at least one option, of
	// which Direct without a chain; Double the double-handed referrals
	// and DoubleWithOption those of them answered.
	WithOptions, Direct      int
	Double, DoubleWithOption int
	// MeanOptions is the mean number of options per referral.
	MeanOptions float64
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

// Dispatch is RunDispatch on an already planned live day. The calls run
// on one OS thread (runtime.LockOSThread) so that its CPU time is theirs.
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
	wall := make([]time.Duration, 0, n)
	cpu := make([]time.Duration, 0, n)
	options := 0
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	p0, _ := processCPU()
	for i := range refs {
		ref := &refs[i]
		ref.K = opt.K
		c0, _ := threadCPU()
		t0 := time.Now()
		out, err := live.Options(ctx, ref)
		t := time.Since(t0)
		c1, _ := threadCPU()
		if err != nil {
			return nil, fmt.Errorf("referral %s: %w", ref.VisitID, err)
		}
		wall, cpu = append(wall, t), append(cpu, c1-c0)
		options += len(out.Options)
		if ref.WorkersNeeded == 2 {
			res.Double++
		}
		if len(out.Options) > 0 {
			res.WithOptions++
			if out.Options[0].Handover == nil && len(out.Options[0].Dropped) == 0 {
				res.Direct++
			}
			if ref.WorkersNeeded == 2 {
				res.DoubleWithOption++
			}
		}
	}
	p1, _ := processCPU()
	res.ProcessCPU = (p1 - p0) / time.Duration(n)
	slices.Sort(wall)
	slices.Sort(cpu)
	res.P50, res.P90, res.P99, res.Max = quantile(wall, 0.5), quantile(wall, 0.9), quantile(wall, 0.99), wall[len(wall)-1]
	res.CPU50, res.CPU90, res.CPU99, res.CPU = quantile(cpu, 0.5), quantile(cpu, 0.9), quantile(cpu, 0.99), cpu[len(cpu)-1]
	res.MeanOptions = float64(options) / float64(n)
	return res, nil
}

// quantile returns the q-quantile of sorted durations (nearest rank).
func quantile(sorted []time.Duration, q float64) time.Duration {
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// QualityResult compares, over a sample of referrals, the best dispatch
// option with a repair of the rest of the day with the referral added
// (the same frozen part): the change in the day's cost each gives, and
// how many referrals each has seen within two hours.
type QualityResult struct {
	Referrals int
	// SeenByOption and SeenByRepair count the referrals the best option,
	// and the repair, make by their deadline.
	SeenByOption, SeenByRepair int
	// MeanOptionChange and MeanRepairChange are the mean changes in the
	// day's cost (disruption aside) over the referrals both see;
	// OptionBetter counts those where the option is cheaper, Both how many
	// both see.
	MeanOptionChange, MeanRepairChange float64
	OptionBetter, Both                 int
	// MeanRepairHandovers and MeanRepairMoved are the disruption of the
	// repairs: visits handed over and moved by more than 30 minutes.
	MeanRepairHandovers, MeanRepairMoved float64
	// RepairAlone is the change in the day's cost from a repair with no
	// referral, in the same budget: what the search finds on the rest of
	// the day alone, to set the repairs' changes against.
	RepairAlone int64
}

// Quality answers n referrals (seeded as Dispatch's, from the first) and
// repairs the day with each added, in budget on one thread.
func (d *LiveDay) Quality(ctx context.Context, n int, seed int64, budget time.Duration, log io.Writer) (*QualityResult, error) {
	live, err := solver.NewLive(ctx, d.Request, d.Roster, d.State, d.Source)
	if err != nil {
		return nil, err
	}
	base := live.Day().Totals.Cost
	res := &QualityResult{Referrals: n}
	alone, _, err := solver.Repair(ctx, d.Request, d.Roster, d.State, d.Source, budget, solver.Options{Seed: 1, Threads: 1})
	if err != nil {
		return nil, err
	}
	res.RepairAlone = alone.Totals.Cost - base
	var opt, rep, handed, moved float64
	for i, ref := range Referrals(d.Request, d.State.Date, d.State.At, n, seed) {
		out, err := live.Options(ctx, &ref)
		if err != nil {
			return nil, err
		}
		req1, visit, err := ref.WithReferral(d.Request, d.State.Date, d.State.At)
		if err != nil {
			return nil, err
		}
		day, report, err := solver.Repair(ctx, req1, d.Roster, d.State, d.Source, budget, solver.Options{Seed: int64(i + 1), Threads: 1})
		if err != nil {
			return nil, fmt.Errorf("repair with %s: %w", ref.VisitID, err)
		}
		seen := !slices.ContainsFunc(day.Unassigned, func(u rounds.Unassigned) bool { return u.VisitID == visit.ID })
		handed += float64(len(report.HandedOver))
		moved += float64(len(report.Moved))
		if seen {
			res.SeenByRepair++
		}
		if len(out.Options) > 0 {
			res.SeenByOption++
		}
		if seen && len(out.Options) > 0 {
			res.Both++
			o, r := out.Options[0].CostChange, day.Totals.Cost-base
			opt += float64(o)
			rep += float64(r)
			if o < r {
				res.OptionBetter++
			}
		}
		if log != nil {
			fmt.Fprintf(log, "%s: option %v, repair %v (cost %+d)\n", ref.VisitID, len(out.Options) > 0, seen, day.Totals.Cost-base)
		}
	}
	if res.Both > 0 {
		res.MeanOptionChange, res.MeanRepairChange = opt/float64(res.Both), rep/float64(res.Both)
	}
	res.MeanRepairHandovers, res.MeanRepairMoved = handed/float64(n), moved/float64(n)
	return res, nil
}

// SickResult is a repair after a worker goes off sick.
type SickResult struct {
	WorkerID string
	// Free is how many of their visits were still to make.
	Free   int
	Report *rounds.RepairReport
	// Violations counts the rules validate.Roster finds broken, in its
	// live mode (the event, the published roster).
	Violations int
}

// Sick repairs the day after the worker with the most visits still to
// make at at goes off sick then, in budget.
func (d *LiveDay) Sick(ctx context.Context, at rounds.Clock, budget time.Duration, threads int) (*SickResult, error) {
	s0, err := rounds.LiveDay(d.Request, d.Roster, d.State.Date, nil, at)
	if err != nil {
		return nil, err
	}
	res := &SickResult{}
	for _, lr := range s0.Rounds {
		if len(lr.Free) > res.Free {
			res.WorkerID, res.Free = lr.WorkerID, len(lr.Free)
		}
	}
	events, err := rounds.ValidateEvents(d.Request, d.Roster, []rounds.Event{{ID: "sick", Kind: rounds.EventWorkerUnavailable,
		Date: d.State.Date, At: at, WorkerID: res.WorkerID}})
	if err != nil {
		return nil, err
	}
	s, err := rounds.LiveDay(d.Request, d.Roster, d.State.Date, events, at)
	if err != nil {
		return nil, err
	}
	out, rep, err := solver.Repair(ctx, d.Request, d.Roster, s, d.Source, budget, solver.Options{Seed: 1, Threads: threads})
	if err != nil {
		return nil, err
	}
	res.Report = rep
	vs, err := validate.Roster(ctx, d.Request, out, d.Source, validate.Events(events, at), validate.Published(d.Roster))
	if err != nil {
		return nil, err
	}
	res.Violations = len(vs)
	return res, nil
}
