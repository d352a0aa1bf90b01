package web_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/fixtures"
)

// BenchmarkPageArea measures the page in headless Chromium on a merged
// area day (fixtures.Area: 500 workers, 6,000 visits, planned for 3 s),
// with the page's own performance.now() timings (window.roundsPerf):
//
//   - first-ms: from asking for the planned roster to its panels drawn,
//     the team's workers, visits and clients read too (once);
//   - load-ms: the same for a version shown again (the roster only);
//   - render-ms: drawing the panels alone;
//   - check-ms: from asking for a move's verdict to its answer (the API
//     times and validates the whole day again, and stores nothing);
//   - move-ms: from saving the move to the next version drawn (the API
//     times and validates the day again, and stores it);
//   - redraw-ms: drawing the panels alone after the move.
//
// Each iteration shows the latest version again, then moves one visit to
// another worker and back on the next iteration.
//
//	go test ./web -run '^$' -bench PageArea -benchtime 3x
func BenchmarkPageArea(b *testing.B) {
	ctx := browser(b, 20*time.Minute)
	cfg := fixtures.Area
	cfg.Seed = 1
	w := newWorld(b, cfg)
	signIn(b, ctx, w.url, w.coord)
	setField(b, ctx, "date", string(w.day.Workers[0].Shifts[0].Date))
	setField(b, ctx, "time-limit", "3")
	waitFor(b, ctx, "no roster yet", `document.getElementById('status').textContent.includes('plan it')`, 30*time.Second)
	do(b, ctx, "plan", chromedp.Click(chromedp.ID("plan")))
	waitFor(b, ctx, "the timeline", `document.querySelectorAll('#timeline-svg g.row').length > 0`, 5*time.Minute)
	first := eval[float64](b, ctx, `window.roundsPerf.load`)
	v := w.roster(b)
	rows := eval[int](b, ctx, `document.querySelectorAll('#timeline-svg g.row').length`)
	if rows != len(v.Roster.Routes) {
		b.Fatalf("%d rows for %d rounds", rows, len(v.Roster.Routes))
	}
	m := findMove(b, v, true)
	back := move{visit: m.visit, from: m.to, to: m.from}
	for _, r := range v.Roster.Routes {
		if r.WorkerID == m.from {
			back.pos = slices.IndexFunc(r.Stops, func(s rounds.Stop) bool { return s.VisitID == m.visit })
		}
	}
	var load, render, checked, moved, redraw float64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		renders := eval[int](b, ctx, `window.roundsPerf.renders`)
		eval[bool](b, ctx, `(() => { const el = document.getElementById('version'); el.dispatchEvent(new Event('change')); return true; })()`)
		waitFor(b, ctx, "the version again", fmt.Sprintf(`window.roundsPerf.renders > %d && document.getElementById('status').textContent.startsWith('Roster')`, renders), time.Minute)
		load += eval[float64](b, ctx, `window.roundsPerf.load`)
		render += eval[float64](b, ctx, `window.roundsPerf.render`)

		mv := m
		if i%2 == 1 {
			mv = back
		}
		version := eval[int](b, ctx, `Number(document.getElementById('version').value)`)
		setField(b, ctx, "adjust-visit", mv.visit)
		setField(b, ctx, "adjust-from", "")
		setField(b, ctx, "adjust-worker", mv.to)
		setField(b, ctx, "adjust-position", fmt.Sprint(mv.pos))
		do(b, ctx, "check the move", chromedp.Click(chromedp.ID("adjust-submit")))
		waitFor(b, ctx, "the verdict", `!!document.getElementById('save-edit') || !!document.querySelector('#verdict.refused')`, time.Minute)
		checked += eval[float64](b, ctx, `window.roundsPerf.check`)
		if eval[bool](b, ctx, `!!document.getElementById('save-edit')`) {
			do(b, ctx, "save the move", chromedp.Click(chromedp.ID("save-edit")))
		}
		waitFor(b, ctx, "the next version", fmt.Sprintf(`Number(document.getElementById('version').value) === %d || !!document.querySelector('#verdict.refused')`, version+1), time.Minute)
		if refused := eval[bool](b, ctx, `!!document.querySelector('#verdict.refused')`); refused {
			b.Fatalf("move %+v refused: %s", mv, eval[string](b, ctx, `document.getElementById('verdict').textContent`))
		}
		moved += eval[float64](b, ctx, `window.roundsPerf.edit`)
		redraw += eval[float64](b, ctx, `window.roundsPerf.render`)
		if i == 0 {
			b.Logf("redraw by part, ms: %s", eval[string](b, ctx, `JSON.stringify(window.roundsPerf.panels)`))
		}
	}
	n := float64(b.N)
	b.ReportMetric(first, "first-ms")
	b.ReportMetric(load/n, "load-ms")
	b.ReportMetric(render/n, "render-ms")
	b.ReportMetric(checked/n, "check-ms")
	b.ReportMetric(moved/n, "move-ms")
	b.ReportMetric(redraw/n, "redraw-ms")
	b.ReportMetric(float64(rows), "rows")
	b.ReportMetric(float64(v.Roster.Totals.Assigned), "visits-drawn")
}
