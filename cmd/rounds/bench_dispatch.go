package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/benchmarks"
)

func benchDispatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench dispatch", "bench dispatch [flags]", stderr)
	size := fs.String("size", "borough", "generated day: borough or area")
	seed := fs.Int64("seed", 1, "fixture, plan and referral seed")
	iterations := fs.Int("iterations", 20000, "plan iterations (one thread)")
	atFlag := fs.String("at", "11:00", "the live time")
	referrals := fs.Int("referrals", 1000, "referrals to answer")
	k := fs.Int("k", 0, "options per referral (0: 5)")
	quality := fs.Int("quality", 50, "referrals to compare with a repair with the referral added (0: none)")
	repairTime := fs.Duration("repair-time", 2*time.Second, "time budget of each repair")
	sick := fs.String("sick", "10:30", "repair after the busiest worker goes off sick at this time (empty: none)")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	at, err := rounds.ParseClock(*atFlag)
	if err != nil {
		return usagef("-at %q: %v", *atFlag, err)
	}
	var sickAt rounds.Clock
	if *sick != "" {
		if sickAt, err = rounds.ParseClock(*sick); err != nil {
			return usagef("-sick %q: %v", *sick, err)
		}
	}
	opt := benchmarks.DispatchOptions{LiveDayOptions: benchmarks.LiveDayOptions{Size: *size, Seed: *seed, Iterations: *iterations, At: at},
		Referrals: *referrals, K: *k}
	d, err := benchmarks.NewLiveDay(ctx, opt.LiveDayOptions)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s day, seed %d: %d workers, %d visits, %d unassigned, planned in %.1fs (%d iterations)\n", *size, *seed,
		len(d.Request.Workers), len(d.Request.Visits), d.Roster.Totals.Unassigned, d.Plan.Seconds(), *iterations)
	procs := runtime.GOMAXPROCS(1) // options on one core
	res, err := d.Dispatch(ctx, opt)
	runtime.GOMAXPROCS(procs)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "at %s: %d stops frozen, %d free; live day built in %v\n", at, res.Frozen, res.Free, res.NewLive.Round(time.Millisecond))
	fmt.Fprintf(stdout, "options for %d referrals on one core: wall p50 %v p90 %v p99 %v max %v; thread CPU p50 %v p90 %v p99 %v max %v; process CPU %v per call (GC included)\n",
		res.Referrals, ms(res.P50), ms(res.P90), ms(res.P99), ms(res.Max), ms(res.CPU50), ms(res.CPU90), ms(res.CPU99), ms(res.CPU), ms(res.ProcessCPU))
	fmt.Fprintf(stdout, "answered %d of %d (%.1f%%; %d with a direct insertion as the best), double-handed %d of %d; %.1f options each\n",
		res.WithOptions, res.Referrals, pct(res.WithOptions, res.Referrals), res.Direct, res.DoubleWithOption, res.Double, res.MeanOptions)
	if *quality > 0 {
		q, err := d.Quality(ctx, *quality, *seed, *repairTime, nil)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "quality on %d referrals (repair %v, one thread): seen within 2 h by the best option %d (%.0f%%), by the repair %d (%.0f%%)\n",
			q.Referrals, *repairTime, q.SeenByOption, pct(q.SeenByOption, q.Referrals), q.SeenByRepair, pct(q.SeenByRepair, q.Referrals))
		fmt.Fprintf(stdout, "  where both see it (%d): mean cost change option %+.0f, repair %+.0f; option cheaper in %d; repair disruption: %.1f handed over, %.1f moved > 30 min\n",
			q.Both, q.MeanOptionChange, q.MeanRepairChange, q.OptionBetter, q.MeanRepairHandovers, q.MeanRepairMoved)
		fmt.Fprintf(stdout, "  a repair without a referral changes the cost by %+d: the search's gain on the rest of the day, to set against the repairs'\n", q.RepairAlone)
	}
	if *sick != "" {
		s, err := d.Sick(ctx, sickAt, *repairTime, 0)
		if err != nil {
			return err
		}
		r := s.Report
		fmt.Fprintf(stdout, "%s off sick from %s with %d visits to make: repaired in %.2fs; handed over %d, moved > 30 min %d, dropped %d, newly made %d; violations %d\n",
			s.WorkerID, sickAt, s.Free, r.Seconds, len(r.HandedOver), len(r.Moved), len(r.Dropped), len(r.Added), s.Violations)
	}
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }

func pct(a, b int) float64 { return 100 * float64(a) / float64(max(b, 1)) }
