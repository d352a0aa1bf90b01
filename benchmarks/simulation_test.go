package benchmarks

import (
	"context"
	"testing"
	"time"

	"github.com/roundsdev/rounds/simulation"
)

// BenchmarkSimulatedBoroughWeek simulates a week of the generated borough
// team (80 workers) with the default demand and daily plans bounded by
// simulation.DefaultIterations on one thread, one replication at a time,
// and reports the time per simulated day, the coverage and the share of
// rapid-response referrals seen within 2 hours (through dispatch).
func BenchmarkSimulatedBoroughWeek(b *testing.B) {
	f := &simulation.File{
		Team:         simulation.Team{Size: "borough", Seed: 1},
		HorizonDays:  7,
		Replications: 1,
	}
	var seconds, coverage, rapid float64
	for i := 0; i < b.N; i++ {
		f.Seed = int64(i + 1)
		begin := time.Now()
		res, err := simulation.Run(context.Background(), f, simulation.Options{Parallel: 1})
		if err != nil {
			b.Fatal(err)
		}
		seconds += time.Since(begin).Seconds()
		coverage += 100 * res.Scenarios[0].Replications[0].KPIs[simulation.Coverage]
		rapid += 100 * res.Scenarios[0].Replications[0].KPIs[simulation.RapidResponseWithin2h]
	}
	n := float64(b.N)
	b.ReportMetric(seconds/n/float64(f.HorizonDays), "s/day")
	b.ReportMetric(coverage/n, "coverage%")
	b.ReportMetric(rapid/n, "rr2h%")
}
