package benchmarks

import (
	"context"
	"testing"
)

// BenchmarkDispatch answers seeded random referrals on the generated
// live day at 11:00 (every care rule, planned at 20,000 iterations): one
// op is one call of Live.Options. The quantiles are reported as metrics,
// by the wall clock and by the CPU time of the calling thread. Run it on
// one core: go test ./benchmarks -run X -bench Dispatch -cpu 1. The area
// day takes minutes to plan: -short skips it.
func BenchmarkDispatch(b *testing.B) {
	for _, size := range []string{"borough", "area"} {
		b.Run(size, func(b *testing.B) {
			if size == "area" && testing.Short() {
				b.Skip("the area day takes minutes to plan")
			}
			ctx := context.Background()
			opt := DispatchOptions{LiveDayOptions: LiveDayOptions{Size: size, Seed: 1}, Referrals: b.N}
			d, err := NewLiveDay(ctx, opt.LiveDayOptions)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			res, err := d.Dispatch(ctx, opt)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(res.P50.Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(res.P99.Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(res.CPU99.Microseconds())/1000, "cpu-p99-ms")
			b.ReportMetric(float64(res.WithOptions)/float64(res.Referrals)*100, "answered%")
		})
	}
}
