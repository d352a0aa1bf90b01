package benchmarks

import (
	"context"
	"testing"
)

// BenchmarkDispatch answers seeded random referrals on the borough day
// at 11:00 (every care rule, planned at 20,000 iterations): one op is one
// call of Live.Options; the quantiles are reported as metrics. Run it on
// one core: go test ./benchmarks -run X -bench Dispatch -cpu 1.
func BenchmarkDispatch(b *testing.B) {
	for _, size := range []string{"borough", "area"} {
		b.Run(size, func(b *testing.B) {
			if size == "area" && testing.Short() {
				b.Skip("the area day takes minutes to plan")
			}
			ctx := context.Background()
			d, err := NewLiveDay(ctx, LiveDayOptions{Size: size, Seed: 1})
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			res, err := d.Dispatch(ctx, DispatchOptions{LiveDayOptions: LiveDayOptions{Size: size, Seed: 1}, Referrals: b.N})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(res.P50.Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(res.P99.Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(res.WithOptions)/float64(res.Referrals)*100, "answered%")
		})
	}
}
