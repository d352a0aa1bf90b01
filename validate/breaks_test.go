package validate

import (
	"testing"

	"github.com/roundsdev/rounds"
)

// withBreak gives shifts over 7 hours a 30-minute break in 09:00-10:45:
// w2 (08:00-16:00) takes it at start while waiting for v3 (arrival 09:50,
// start 11:00); w1's shift is cut to 7 hours so it gets none.
func withBreak(tb testing.TB, f fixture, start rounds.Clock) {
	tb.Helper()
	f.req.Options.Break = &rounds.BreakRule{AfterShiftMinutes: 420, Window: &rounds.Window{Start: rounds.At(9, 0), End: rounds.At(10, 45)}}
	f.worker(tb, "w1").Shifts[0].End = rounds.At(15, 0)
	f.route(tb, "w2").Break = &rounds.BreakTime{Start: start, End: start + 30*60}
}
