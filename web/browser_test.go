package web_test

import (
	"cmp"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/api"
	"github.com/roundsdev/rounds/fixtures"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/memory"
	"github.com/roundsdev/rounds/simulation"
	"github.com/roundsdev/rounds/solver"
	"github.com/roundsdev/rounds/validate"
)

// axeSource is axe-core (testdata/axe), injected into the page by the
// accessibility check; it is not part of the served page.
//
//go:embed testdata/axe/axe.min.js
var axeSource string

// world is a running service over the memory store with a generated day
// imported into team "hf", and keys to sign in with.
type world struct {
	url   string
	admin string
	coord string
	day   *rounds.Request
}

// newWorld serves the API and the page over a memory store with a job
// runner, and imports the day generated from cfg into team "hf".
func newWorld(tb testing.TB, cfg fixtures.Config) *world {
	tb.Helper()
	day, err := fixtures.Generate(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	st := memory.NewStore()
	planner := &solver.Planner{Source: geo.Haversine{}}
	runner := memory.NewRunner(st, planner, simulation.Replicator{}, 1, slog.New(slog.DiscardHandler))
	runner.Start(context.Background())
	tb.Cleanup(func() { runner.Stop(context.Background()) })
	srv, err := api.New(api.Config{Store: st, Planner: planner, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		tb.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	tb.Cleanup(ts.Close)
	_, token, err := rounds.NewAPIKey("root", rounds.AccessAdmin, nil)
	if err != nil {
		tb.Fatal(err)
	}
	if err := api.EnsureAdminKey(context.Background(), st, "root", token); err != nil {
		tb.Fatal(err)
	}
	w := &world{url: ts.URL, admin: token, day: day}
	w.must(tb, "POST", "/v1/teams", w.admin, rounds.Team{ID: "hf", Name: "Hammersmith & Fulham"}, 201, nil)
	w.must(tb, "POST", "/v1/teams/hf/import", w.admin, day, 201, nil)
	w.coord = w.key(tb, rounds.AccessCoordinator)
	return w
}

// must calls the API and fails unless it answers want; it decodes the
// answer into out if out is not nil.
func (w *world) must(tb testing.TB, method, path, token string, body any, want int, out any) {
	tb.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			tb.Fatal(err)
		}
		rd = strings.NewReader(string(b))
	}
	req, err := http.NewRequest(method, w.url+path, rd)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		tb.Fatalf("%s %s: %d, want %d: %s", method, path, resp.StatusCode, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			tb.Fatal(err)
		}
	}
}

// key makes a key of role for team hf and returns its token.
func (w *world) key(tb testing.TB, role rounds.AccessRole) string {
	tb.Helper()
	var k api.NewKey
	w.must(tb, "POST", "/v1/keys", w.admin, api.KeyRequest{Name: string(role) + " of hf", Role: role, Teams: []string{"hf"}}, 201, &k)
	return k.Token
}

// roster reads the latest version of the team's only roster.
func (w *world) roster(tb testing.TB) *rounds.RosterVersion {
	tb.Helper()
	var list rounds.Page[rounds.RosterVersion]
	w.must(tb, "GET", "/v1/teams/hf/rosters", w.admin, nil, 200, &list)
	if len(list.Items) != 1 {
		tb.Fatalf("%d rosters, want 1", len(list.Items))
	}
	var v rounds.RosterVersion
	w.must(tb, "GET", "/v1/teams/hf/rosters/"+list.Items[0].RosterID, w.admin, nil, 200, &v)
	return &v
}

// chromium returns the path of the system's Chromium. Without one the
// test fails in CI (CI set) and is skipped elsewhere.
func chromium(tb testing.TB) string {
	tb.Helper()
	for _, name := range []string{os.Getenv("CHROMIUM"), "/usr/bin/chromium", "chromium", "chromium-browser"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		tb.Fatal("no chromium: the browser tests need Debian's chromium (apt-get install chromium) in CI")
	}
	tb.Skip("no chromium installed (apt-get install chromium); the browser tests are skipped outside CI")
	return ""
}

// browser starts a headless Chromium with a fresh profile and returns a
// tab's context, ended with the test.
func browser(tb testing.TB, timeout time.Duration) context.Context {
	tb.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(tb)),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(tb.TempDir()),
		chromedp.WindowSize(1500, 1100),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	tab, cancelTab := chromedp.NewContext(alloc)
	ctx, cancel := context.WithTimeout(tab, timeout)
	tb.Cleanup(func() {
		cancel()
		cancelTab()
		cancelAlloc()
	})
	return ctx
}

// exceptions collects the page's uncaught JavaScript exceptions from now
// on; the function it returns lists those so far.
func exceptions(ctx context.Context) func() []string {
	var mu sync.Mutex
	var seen []string
	events := chromedp.Events(ctx, runtime.ExceptionThrown)
	go func() {
		for ev, err := range events {
			if err != nil {
				return
			}
			text := ev.ExceptionDetails.Text
			if x := ev.ExceptionDetails.Exception; x != nil {
				text += " " + x.Description
			}
			mu.Lock()
			seen = append(seen, text)
			mu.Unlock()
		}
	}()
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(seen)
	}
}

// screenshots returns the directory the screenshots go to:
// $ROUNDS_SCREENSHOTS if set (make test sets bin/screenshots), else a
// directory of the test run.
func screenshots(tb testing.TB) string {
	tb.Helper()
	dir := os.Getenv("ROUNDS_SCREENSHOTS")
	if dir == "" {
		return tb.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// do runs actions and fails the test on an error, naming what it did.
func do(tb testing.TB, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	tb.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression and returns its value.
func eval[T any](tb testing.TB, ctx context.Context, expr string) T {
	tb.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		tb.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// waitFor waits until the expression is true in the page.
func waitFor(tb testing.TB, ctx context.Context, what, expr string, timeout time.Duration) {
	tb.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(timeout))); err != nil {
		status, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('status').textContent`))
		tb.Fatalf("waiting for %s (%s): %v; the page says %q", what, expr, err, status)
	}
}

// shoot writes a screenshot of the element with the id to dir/name.png.
func shoot(tb testing.TB, ctx context.Context, dir, id, name string) {
	tb.Helper()
	png, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.ID(id)))
	if err != nil {
		tb.Fatalf("screenshot of #%s: %v", id, err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tb.Fatal(err)
	}
	tb.Logf("screenshot %s (%d bytes)", path, len(png))
}

// shootPage writes a screenshot of the whole page to dir/name.png.
func shootPage(tb testing.TB, ctx context.Context, dir, name string) {
	tb.Helper()
	img, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.Fatalf("screenshot of the page: %v", err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, img, 0o644); err != nil {
		tb.Fatal(err)
	}
	tb.Logf("screenshot %s (%d bytes)", path, len(img))
}

// signIn opens the page and signs in with token.
func signIn(tb testing.TB, ctx context.Context, url, token string) {
	tb.Helper()
	do(tb, ctx, "sign in",
		chromedp.Navigate(url+"/"),
		chromedp.WaitVisible(chromedp.ID("key")),
		chromedp.SendKeys(chromedp.ID("key"), token),
		chromedp.Click(chromedp.CSS("#sign-in button")),
	)
	waitFor(tb, ctx, "the signed-in page", `!document.getElementById('app').hidden && document.getElementById('team').options.length > 0`, 10*time.Second)
}

// watchCSP makes every page the tab loads record the breaches of its
// Content-Security-Policy in window.cspViolations, from before its own
// scripts run.
func watchCSP(tb testing.TB, ctx context.Context) {
	tb.Helper()
	const script = `window.cspViolations = [];
document.addEventListener('securitypolicyviolation', e => window.cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || e.sample)));`
	_, err := chromedp.Run(ctx, chromedp.Action[chromedp.Void](func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: script})
		return chromedp.Void{}, err
	}))
	if err != nil {
		tb.Fatalf("watch the Content-Security-Policy: %v", err)
	}
}

// setField sets a form field's value and tells the page it changed.
func setField(tb testing.TB, ctx context.Context, id, value string) {
	tb.Helper()
	eval[bool](tb, ctx, fmt.Sprintf(`(() => { const el = document.getElementById(%q); el.value = %q; el.dispatchEvent(new Event('change', {bubbles: true})); return el.value === %q; })()`, id, value, value))
}

// retimed times v's rounds with visit vid taken from the round of worker
// from and put at pos in the round of worker to, as the edit endpoint
// does, and returns how many rules the validator finds broken; an error
// is a round the solver cannot time.
func retimed(tb testing.TB, v *rounds.RosterVersion, vid, from, to string, pos int) (int, error) {
	tb.Helper()
	var order []solver.Round
	for _, r := range v.Roster.Routes {
		ids := []string{}
		for _, s := range r.Stops {
			if !(s.VisitID == vid && r.WorkerID == from) {
				ids = append(ids, s.VisitID)
			}
		}
		if r.WorkerID == to {
			ids = slices.Insert(ids, pos, vid)
		}
		order = append(order, solver.Round{WorkerID: r.WorkerID, Date: r.Date, VisitIDs: ids})
	}
	ro, err := solver.Retime(context.Background(), v.Request, geo.Haversine{}, order)
	if err != nil {
		return 0, err
	}
	bad, err := validate.Roster(context.Background(), v.Request, ro, geo.Haversine{})
	return len(bad), err
}

// move is a move of one visit between two rounds.
type move struct {
	visit, from, to string
	pos             int
}

// findMove returns a move of a single-handed visit of v to another
// worker's round that the edit endpoint accepts (ok true) or refuses (ok
// false). Candidates are screened cheaply (the target worker's skills, a
// gap of 20 minutes either side in their round, room under their cap),
// then confirmed with solver.Retime and the validator, as the endpoint
// does; a refused one is a visit given to a worker without its skills.
func findMove(tb testing.TB, v *rounds.RosterVersion, ok bool) move {
	tb.Helper()
	visits := map[string]*rounds.Visit{}
	for i := range v.Request.Visits {
		visits[v.Request.Visits[i].ID] = &v.Request.Visits[i]
	}
	workers := map[string]*rounds.Worker{}
	for i := range v.Request.Workers {
		workers[v.Request.Workers[i].ID] = &v.Request.Workers[i]
	}
	has := func(w *rounds.Worker, skills []rounds.Skill) bool {
		for _, s := range skills {
			if !slices.Contains(w.Skills, s) {
				return false
			}
		}
		return true
	}
	const gap = 15 * 60
	tries := 0
	for _, a := range v.Roster.Routes {
		for _, s := range a.Stops {
			vis := visits[s.VisitID]
			if vis.Workers() > 1 || len(vis.Links) > 0 || vis.Pin != nil {
				continue
			}
			for _, b := range v.Roster.Routes {
				w := workers[b.WorkerID]
				if b.WorkerID == a.WorkerID || has(w, vis.Skills) != ok {
					continue
				}
				pos := 0
				for pos < len(b.Stops) && b.Stops[pos].Start < s.Start {
					pos++
				}
				if ok {
					shift := w.Shifts[slices.IndexFunc(w.Shifts, func(sh rounds.Shift) bool { return sh.Date == b.Date })]
					before, after := shift.Start, shift.End
					if pos > 0 {
						before = b.Stops[pos-1].End
					}
					if pos < len(b.Stops) {
						after = b.Stops[pos].Start
					}
					capMin := cmp.Or(shift.MaxWorkMinutes, w.MaxWorkMinutes, 24*60)
					if before+gap > s.Start || s.End+gap > after || b.WorkSeconds+vis.DurationMinutes*60+2*gap > capMin*60 {
						continue
					}
				}
				if tries++; tries > 40 {
					tb.Fatalf("no move the endpoint would accept=%v in 40 tries", ok)
				}
				bad, err := retimed(tb, v, s.VisitID, a.WorkerID, b.WorkerID, pos)
				if (err == nil && bad == 0) == ok {
					return move{s.VisitID, a.WorkerID, b.WorkerID, pos}
				}
			}
		}
	}
	tb.Fatalf("no move the endpoint would accept=%v", ok)
	return move{}
}

// TestPageBoroughDay plans a generated borough day in the browser, checks
// the timeline has one row per worker, moves a visit with the form and
// another by dragging it, pins one, sees a refused move explained,
// compares versions, publishes, sees the live day's frozen stops,
// dispatches a referral, passes axe-core's check, and checks what the
// keys of other roles show.
func TestPageBoroughDay(t *testing.T) {
	ctx := browser(t, 90*time.Second)
	cfg := fixtures.Borough
	cfg.Seed = 1
	cfg.Load = 0.6 // the day make run plans: a team that nearly covers it has room to move visits
	cfg.DoubleHanded = 0.1
	cfg.LinkedMedication = true
	cfg.Preferences = true
	cfg.Date = rounds.Date(time.Now().Format(time.DateOnly)) // today's roster has the "now" line
	w := newWorld(t, cfg)
	dir := screenshots(t)
	date := string(cfg.Date)
	watchCSP(t, ctx)
	thrown := exceptions(ctx)
	defer func() {
		if e := thrown(); len(e) > 0 {
			t.Errorf("the page threw %d exceptions: %v", len(e), e)
		}
	}()

	// A bad key is refused in words.
	do(t, ctx, "open the page", chromedp.Navigate(w.url+"/"), chromedp.WaitVisible(chromedp.ID("key")),
		chromedp.SendKeys(chromedp.ID("key"), "rk_00_nope"), chromedp.Click(chromedp.CSS("#sign-in button")))
	waitFor(t, ctx, "the refusal of a bad key", `document.getElementById('status').textContent.includes('not valid')`, 5*time.Second)

	signIn(t, ctx, w.url, w.coord)
	setField(t, ctx, "date", date)
	setField(t, ctx, "time-limit", "1")
	waitFor(t, ctx, "no roster yet", `document.getElementById('status').textContent.includes('plan it')`, 5*time.Second)
	do(t, ctx, "plan", chromedp.Click(chromedp.ID("plan")))
	waitFor(t, ctx, "the timeline", `document.querySelectorAll('#timeline-svg g.row').length > 0`, 40*time.Second)

	v1 := w.roster(t)
	rows := eval[int](t, ctx, `document.querySelectorAll('#timeline-svg g.row').length`)
	if rows != len(w.day.Workers) || rows != len(v1.Roster.Routes) {
		t.Errorf("the timeline has %d rows, want one per worker: %d workers, %d rounds", rows, len(w.day.Workers), len(v1.Roster.Routes))
	}
	blocks := eval[int](t, ctx, `document.querySelectorAll('#timeline-svg rect.visit').length`)
	stops := 0
	for _, r := range v1.Roster.Routes {
		stops += len(r.Stops)
	}
	if blocks != stops {
		t.Errorf("the timeline has %d visit blocks, want %d stops", blocks, stops)
	}
	for _, sel := range []string{"line.pair", "path.link", "line.shift-end", "line.travel", "line.wait", "rect.break", "rect.duty"} {
		if n := eval[int](t, ctx, fmt.Sprintf(`document.querySelectorAll('#timeline-svg %s').length`, sel)); n == 0 {
			t.Errorf("the timeline draws no %s", sel)
		}
	}
	// The "now" line is drawn when the clock is within the timeline's hours.
	if !eval[bool](t, ctx, `(() => {
		const hours = [...document.querySelectorAll('#timeline-svg .hour-label')].map(el => parseInt(el.textContent, 10));
		const d = new Date(), t = d.getHours() + d.getMinutes() / 60;
		return (t >= hours[0] && t <= hours[hours.length - 1]) === !!document.querySelector('#timeline-svg line.now');
	})()`) {
		t.Error("the now line is drawn when the clock is outside the timeline, or missing inside it")
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('#map-svg path.borough').length`); n != 1 {
		t.Errorf("the map draws %d boroughs, want Hammersmith and Fulham alone", n)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('#map-svg polyline.round-line').length`); n == 0 {
		t.Error("the map draws no rounds")
	}
	unassigned := eval[int](t, ctx, `document.querySelectorAll('table.unassigned tbody tr').length`)
	if want := min(len(v1.Roster.Unassigned), 100); unassigned != want {
		t.Errorf("the page lists %d unassigned visits at first, want %d of the roster's %d", unassigned, want, len(v1.Roster.Unassigned))
	}
	figures := eval[string](t, ctx, `document.querySelector('.figures').textContent`)
	if want := fmt.Sprintf("%d of %d visits", v1.Roster.Totals.Assigned, v1.Roster.Totals.Visits); !strings.Contains(figures, want) {
		t.Errorf("the figures %q do not say %q", figures, want)
	}
	shoot(t, ctx, dir, "panel-timeline", "timeline")
	shoot(t, ctx, dir, "panel-map", "map")

	// One visit of the timeline is in the Tab order; the arrow keys move
	// between visits, along a round and to the rounds above and below.
	if n := eval[int](t, ctx, `document.querySelectorAll('#timeline-svg rect.visit[tabindex="0"]').length`); n != 1 {
		t.Errorf("%d visit blocks are in the Tab order, want 1", n)
	}
	first := v1.Roster.Routes[slices.IndexFunc(v1.Roster.Routes, func(r rounds.Route) bool { return len(r.Stops) >= 2 })]
	active := `(() => { const a = document.activeElement; return a.dataset.worker + '/' + a.dataset.visit; })()`
	do(t, ctx, "focus a round's first visit", chromedp.Focus(chromedp.CSS(fmt.Sprintf(`rect.visit[data-visit=%q]`, first.Stops[0].VisitID))),
		chromedp.KeyEvent(kb.ArrowRight))
	if got, want := eval[string](t, ctx, active), first.WorkerID+"/"+first.Stops[1].VisitID; got != want {
		t.Errorf("Right from the first visit of %s focuses %s, want %s", first.WorkerID, got, want)
	}
	do(t, ctx, "down", chromedp.KeyEvent(kb.ArrowDown))
	if got := eval[string](t, ctx, active); strings.HasPrefix(got, first.WorkerID+"/") || got == "undefined/undefined" {
		t.Errorf("Down from %s's round focuses %s, want a visit of a round below", first.WorkerID, got)
	}

	// Move a visit with the form.
	m := findMove(t, v1, true)
	do(t, ctx, "select the visit by keyboard", chromedp.Focus(chromedp.CSS(fmt.Sprintf(`rect.visit[data-visit=%q]`, m.visit))),
		chromedp.KeyEvent("\r"))
	if got := eval[string](t, ctx, `document.getElementById('adjust-visit').value`); got != m.visit {
		t.Fatalf("Enter on visit %s filled the form with %q", m.visit, got)
	}
	setField(t, ctx, "adjust-worker", m.to)
	setField(t, ctx, "adjust-position", fmt.Sprint(m.pos))
	do(t, ctx, "check the move", chromedp.Click(chromedp.ID("adjust-submit")))
	waitFor(t, ctx, "the verdict of the check", `!!document.getElementById('save-edit')`, 20*time.Second)
	if got := eval[string](t, ctx, `document.getElementById('verdict').textContent`); !strings.Contains(got, "move "+m.visit+" to "+m.to+" keeps every rule") {
		t.Errorf("the check of the move says %q", got)
	}
	if v := w.roster(t); v.Version != 1 {
		t.Errorf("checking a move made version %d", v.Version)
	}
	t.Logf("page timings, ms: %s", eval[string](t, ctx, `JSON.stringify(window.roundsPerf)`))
	do(t, ctx, "save the move", chromedp.Click(chromedp.ID("save-edit")))
	waitFor(t, ctx, "version 2", `document.querySelector('#verdict.ok') && document.getElementById('version').value === '2'`, 20*time.Second)
	if got := eval[string](t, ctx, fmt.Sprintf(`document.querySelector('rect.visit[data-visit=%q]').dataset.worker`, m.visit)); got != m.to {
		t.Errorf("after the move visit %s is drawn in the row of %s, want %s", m.visit, got, m.to)
	}

	// A move the validator refuses is explained, and nothing is saved.
	bad := findMove(t, w.roster(t), false)
	setField(t, ctx, "adjust-visit", bad.visit)
	setField(t, ctx, "adjust-from", "")
	setField(t, ctx, "adjust-worker", bad.to)
	setField(t, ctx, "adjust-position", fmt.Sprint(bad.pos))
	do(t, ctx, "refused move", chromedp.Click(chromedp.ID("adjust-submit")))
	waitFor(t, ctx, "the refusal", `!!document.querySelector('#verdict.refused')`, 20*time.Second)
	verdict := eval[string](t, ctx, `document.getElementById('verdict').textContent`)
	if !strings.Contains(verdict, "Refused") || !strings.Contains(verdict, "breaks a hard rule") {
		t.Errorf("the refused move says %q, want the rule it breaks", verdict)
	}
	if v := w.roster(t); v.Version != 2 {
		t.Errorf("a refused move made version %d", v.Version)
	}
	shoot(t, ctx, dir, "panel-adjust", "refused-move")

	// Pin a visit where it is.
	v2 := w.roster(t)
	var pin move
	for _, r := range v2.Roster.Routes {
		if len(r.Stops) > 0 && pin.visit == "" {
			for _, s := range r.Stops {
				if vis := visitOf(v2.Request, s.VisitID); vis.Workers() == 1 && vis.Pin == nil {
					pin = move{visit: s.VisitID, to: r.WorkerID}
					break
				}
			}
		}
	}
	do(t, ctx, "select the visit to pin", chromedp.Click(chromedp.CSS(fmt.Sprintf(`rect.visit[data-visit=%q]`, pin.visit))),
		chromedp.Click(chromedp.CSS(`input[name=op][value=pin]`)))
	if got := eval[[]string](t, ctx, `['adjust-visit', 'adjust-worker'].map(id => document.getElementById(id).value)`); !slices.Equal(got, []string{pin.visit, pin.to}) {
		t.Fatalf("a click on visit %s of %s filled the form with %v", pin.visit, pin.to, got)
	}
	do(t, ctx, "check the pin", chromedp.Click(chromedp.ID("adjust-submit")))
	waitFor(t, ctx, "the verdict of the pin", `!!document.getElementById('save-edit')`, 20*time.Second)
	do(t, ctx, "save the pin", chromedp.KeyEvent("\r")) // the save button has the focus
	waitFor(t, ctx, "version 3", `document.getElementById('version').value === '3'`, 20*time.Second)
	if !eval[bool](t, ctx, fmt.Sprintf(`document.querySelector('rect.visit[data-visit=%q]').classList.contains('pinned')`, pin.visit)) {
		t.Errorf("pinned visit %s is not drawn pinned", pin.visit)
	}
	if vis := visitOf(w.roster(t).Request, pin.visit); vis.Pin == nil || vis.Pin.WorkerID != pin.to {
		t.Errorf("version 3 does not pin %s to %s: %+v", pin.visit, pin.to, vis.Pin)
	}

	// Drag a visit to another row.
	v3 := w.roster(t)
	drag := findMove(t, v3, true)
	from := fmt.Sprintf(`document.querySelector('rect.visit[data-visit=%q]')`, drag.visit)
	eval[bool](t, ctx, from+`.scrollIntoView({block: 'center', inline: 'center'}) === undefined`)
	box := eval[[]float64](t, ctx, fmt.Sprintf(`(() => {
		const a = %s.getBoundingClientRect();
		const row = document.querySelector('#timeline-svg g.row[data-worker=%q] rect.stripe').getBoundingClientRect();
		return [a.x + 3, a.y + a.height / 2, row.y + row.height / 2];
	})()`, from, drag.to))
	if box[2] < 0 || box[2] > 1100 {
		t.Fatalf("the row of %s is off screen (y %g) for the drag", drag.to, box[2])
	}
	do(t, ctx, "drag", chromedp.DragAndDropXY(box[0], box[1], box[0], box[2], 8))
	waitFor(t, ctx, "the verdict of the drag", `!!document.getElementById('save-edit')`, 20*time.Second)
	do(t, ctx, "save the drag", chromedp.Click(chromedp.ID("save-edit")))
	waitFor(t, ctx, "version 4", `document.getElementById('version').value === '4'`, 20*time.Second)
	if got := eval[string](t, ctx, from+`.dataset.worker`); got != drag.to {
		t.Errorf("after the drag visit %s is in the row of %s, want %s", drag.visit, got, drag.to)
	}
	// Only the changed rows were drawn again: the timeline still shows
	// every stop of version 4 once, in its worker's row.
	v4 := w.roster(t)
	want := map[string]int{}
	for _, r := range v4.Roster.Routes {
		for _, s := range r.Stops {
			want[r.WorkerID+"/"+s.VisitID]++
		}
	}
	drawn := map[string]int{}
	for _, k := range eval[[]string](t, ctx, `[...document.querySelectorAll('#timeline-svg rect.visit')].map(el => el.closest('g.row').dataset.worker + '/' + el.dataset.visit)`) {
		drawn[k]++
	}
	if !maps.Equal(drawn, want) {
		t.Errorf("after three edits the timeline draws %d blocks, version 4 has %d stops, or in other rows", len(drawn), len(want))
	}

	// Compare versions 1 and 4.
	setField(t, ctx, "compare-from", "1")
	do(t, ctx, "compare", chromedp.Click(chromedp.CSS("#compare button")))
	waitFor(t, ctx, "the diff", `document.querySelectorAll('table.diff tbody tr').length > 0`, 10*time.Second)
	diff := eval[string](t, ctx, `document.querySelector('table.diff').textContent`)
	for _, id := range []string{m.visit, drag.visit} {
		if !strings.Contains(diff, id) {
			t.Errorf("the diff of versions 1 and 4 does not list moved visit %s", id)
		}
	}

	// Publish.
	do(t, ctx, "publish", chromedp.Click(chromedp.ID("publish")))
	waitFor(t, ctx, "published", `document.getElementById('publish').textContent.includes('is published')`, 10*time.Second)
	if v := w.roster(t); v.Status != rounds.RosterPublished || v.Version != 4 {
		t.Errorf("after publishing the roster is version %d %s", v.Version, v.Status)
	}

	// The live day: the timeline marks the stops frozen at the minute it
	// read, as the API finds them.
	waitFor(t, ctx, "the live day", `!!document.querySelector('#timeline-svg[data-live-at]')`, 10*time.Second)
	at := eval[string](t, ctx, `document.getElementById('timeline-svg').dataset.liveAt`)
	var live struct {
		Rounds []struct {
			WorkerID string
			Frozen   []struct{ VisitID, State string }
		}
	}
	w.must(t, "GET", "/v1/teams/hf/rosters/"+v4.RosterID+"/live?date="+date+"&at="+at, w.coord, nil, 200, &live)
	wantFrozen := map[string]string{}
	for _, r := range live.Rounds {
		for _, f := range r.Frozen {
			wantFrozen[r.WorkerID+"/"+f.VisitID] = f.State
		}
	}
	gotFrozen := map[string]string{}
	for _, k := range eval[[]string](t, ctx, `[...document.querySelectorAll('#timeline-svg rect.visit.frozen')].map(el =>
		el.dataset.worker + '/' + el.dataset.visit + ' ' + ['done', 'no_access', 'under_way', 'committed'].find(c => el.classList.contains(c)))`) {
		id, state, _ := strings.Cut(k, " ")
		gotFrozen[id] = state
	}
	if !maps.Equal(gotFrozen, wantFrozen) {
		t.Errorf("at %s the timeline marks %d stops frozen, the live state %d, or in other states", at, len(gotFrozen), len(wantFrozen))
	}

	// Dispatch a referral of a new client, placed by a click on the map,
	// on the live day at 11:00: the ranked options, one shown on the
	// timeline when its row has the focus, rank 1 accepted and drawn in
	// its worker's row.
	do(t, ctx, "click the map", chromedp.Click(chromedp.ID("map-svg")))
	picked := eval[[]string](t, ctx, `[document.querySelector('input[name=who]:checked').value, document.getElementById('dispatch-lat').value, document.getElementById('dispatch-lon').value]`)
	lo, hi := rounds.Location{Lat: 90, Lon: 180}, rounds.Location{Lat: -90, Lon: -180}
	for _, c := range w.day.Clients {
		lo = rounds.Location{Lat: min(lo.Lat, c.Location.Lat), Lon: min(lo.Lon, c.Location.Lon)}
		hi = rounds.Location{Lat: max(hi.Lat, c.Location.Lat), Lon: max(hi.Lon, c.Location.Lon)}
	}
	var lat, lon float64
	if _, err := fmt.Sscan(picked[1]+" "+picked[2], &lat, &lon); err != nil || picked[0] != "new" || lat < lo.Lat || lat > hi.Lat || lon < lo.Lon || lon > hi.Lon {
		t.Fatalf("a click in the middle of the map set the dispatch form to %v, want a new client within the clients' bounds %v-%v", picked, lo, hi)
	}
	setField(t, ctx, "dispatch-new-name", "Referred Client")
	setField(t, ctx, "dispatch-at", "11:00")
	setField(t, ctx, "dispatch-referred", "11:00")
	setField(t, ctx, "dispatch-deadline", "13:00")
	do(t, ctx, "ask for options", chromedp.Click(chromedp.ID("dispatch-submit")))
	waitFor(t, ctx, "the options", `document.querySelectorAll('table.options tbody tr').length > 0 || !!document.getElementById('dispatch-none')`, 30*time.Second)
	ranks := eval[[]string](t, ctx, `[...document.querySelectorAll('table.options tbody tr')].map(tr => tr.dataset.rank)`)
	if len(ranks) == 0 || ranks[0] != "1" {
		t.Fatalf("the referral at 11:00 has options ranked %v: %s", ranks, eval[string](t, ctx, `document.getElementById('dispatch-result').textContent`))
	}
	do(t, ctx, "focus option 1", chromedp.Focus(chromedp.CSS(`button[data-accept="1"]`)))
	if n := eval[int](t, ctx, `document.querySelectorAll('#option-mark rect.option-slot').length`); n == 0 {
		t.Error("option 1 focused draws no slot on the timeline")
	}
	shoot(t, ctx, dir, "panel-dispatch", "dispatch")
	shoot(t, ctx, dir, "panel-timeline", "live")
	checkAxe(t, ctx)
	// Another dispatcher accepts a referral first: the page's accept is
	// refused (409), says the roster changed and shows the fresh options.
	other := map[string]any{"clientId": w.day.Clients[1].ID, "visitId": "rr-other", "durationMinutes": 20,
		"referredAt": "11:00", "deadline": "13:00", "at": "11:00", "date": date}
	w.must(t, "POST", "/v1/teams/hf/dispatch/accept", w.coord, map[string]any{"rosterId": v4.RosterID, "version": 4, "referral": other, "rank": 1}, 201, nil)
	do(t, ctx, "accept a stale option", chromedp.Click(chromedp.CSS(`button[data-accept="1"]`)))
	waitFor(t, ctx, "the fresh options", `document.getElementById('dispatch-result').textContent.includes('roster changed') && document.getElementById('version').value === '5' && document.querySelectorAll('table.options tbody tr').length > 0`, 30*time.Second)
	if got := eval[string](t, ctx, `document.querySelector('table.options caption').textContent`); !strings.Contains(got, "into version 5") {
		t.Errorf("after the 409 the options are %q, want those of version 5", got)
	}
	chosen := eval[string](t, ctx, `document.querySelector('table.options tr[data-rank="1"]').dataset.worker`)
	do(t, ctx, "accept option 1", chromedp.Click(chromedp.CSS(`button[data-accept="1"]`)))
	waitFor(t, ctx, "version 6", `document.getElementById('version').value === '6'`, 30*time.Second)
	if got := eval[string](t, ctx, `(document.querySelector('#timeline-svg rect.visit[data-visit="rr-1100"]') || {dataset: {}}).dataset.worker || ''`); got != chosen {
		t.Errorf("after accepting option 1 the referral's visit rr-1100 is drawn in the row of %q, want %s", got, chosen)
	}
	if v := w.roster(t); v.Status != rounds.RosterPublished || !slices.ContainsFunc(v.Roster.Routes, func(r rounds.Route) bool {
		return r.WorkerID == chosen && slices.ContainsFunc(r.Stops, func(s rounds.Stop) bool { return s.VisitID == "rr-1100" })
	}) {
		t.Errorf("version %d (%s) does not give rr-1100 to %s", v.Version, v.Status, chosen)
	}

	// What if: a small scenario file run as a simulation; its KPIs are
	// drawn as bars with intervals, one chart per KPI of the summary.
	whatif := `{"team": {"size": "small", "seed": 1}, "horizonDays": 1, "replications": 2, "seed": 3,
		"solve": {"iterations": 300}, "scenarios": [{"name": "winter", "demand": {"multiplier": 1.3}}]}`
	setField(t, ctx, "whatif-file", whatif)
	do(t, ctx, "run the what-if", chromedp.Click(chromedp.ID("whatif-run")))
	waitFor(t, ctx, "the KPI comparison", `document.querySelectorAll('#whatif-result svg.kpi').length > 0 || /failed|cancelled|not JSON|file\./.test(document.getElementById('whatif-status').textContent)`, 60*time.Second)
	var sims rounds.Page[struct {
		ID      string
		Summary []simulation.Summary
	}]
	w.must(t, "GET", "/v1/simulations?team=hf", w.coord, nil, 200, &sims)
	if len(sims.Items) != 1 {
		t.Fatalf("%d simulations of team hf, want the one the page ran", len(sims.Items))
	}
	var sim struct{ Summary []simulation.Summary }
	w.must(t, "GET", "/v1/simulations/"+sims.Items[0].ID, w.coord, nil, 200, &sim)
	if len(sim.Summary) != 2 {
		t.Fatalf("the simulation's summary has %d scenarios, want baseline and winter: %s", len(sim.Summary), eval[string](t, ctx, `document.getElementById('whatif-status').textContent`))
	}
	charts := eval[int](t, ctx, `document.querySelectorAll('#whatif-result svg.kpi').length`)
	bars := eval[int](t, ctx, `document.querySelectorAll('#whatif-result svg.kpi path.error-bar').length`)
	if kpis := len(sim.Summary[0].Estimates); charts != kpis || bars != 2*kpis {
		t.Errorf("the what-if draws %d charts with %d error bars, want one chart per KPI (%d), a bar per scenario", charts, bars, kpis)
	}
	shoot(t, ctx, dir, "panel-whatif", "whatif")
	checkAxe(t, ctx)

	shootPage(t, ctx, dir, "page")
	if v := eval[[]string](t, ctx, `window.cspViolations`); len(v) > 0 {
		t.Errorf("the page breaks its Content-Security-Policy: %v", v)
	}

	// Larger text scales the timeline's rows.
	before := eval[float64](t, ctx, `document.querySelector('#timeline-svg rect.stripe').getBBox().height`)
	do(t, ctx, "larger text", chromedp.Click(chromedp.ID("text-larger")))
	if after := eval[float64](t, ctx, `document.querySelector('#timeline-svg rect.stripe').getBBox().height`); after <= before {
		t.Errorf("larger text left the timeline's rows %gpx high (before %gpx)", after, before)
	}

	// Other roles see the roster and only the controls their key may use.
	for _, c := range []struct {
		role   rounds.AccessRole
		hidden []bool // plan, publish, the adjust panel, the dispatch panel
	}{
		{rounds.AccessViewer, []bool{true, true, true, true}},
		{rounds.AccessDispatcher, []bool{true, true, false, false}},
		{rounds.AccessPlanner, []bool{false, true, true, true}},
	} {
		do(t, ctx, "sign out", chromedp.Click(chromedp.ID("sign-out")))
		signIn(t, ctx, w.url, w.key(t, c.role))
		setField(t, ctx, "date", date)
		waitFor(t, ctx, "the timeline of a "+string(c.role), `document.querySelectorAll('#timeline-svg g.row').length > 0`, 10*time.Second)
		hidden := eval[[]bool](t, ctx, `[document.getElementById('plan').hidden, document.getElementById('publish').hidden, !document.getElementById('panel-adjust'), !document.getElementById('panel-dispatch')]`)
		if !slices.Equal(hidden, c.hidden) {
			t.Errorf("a %s's key: plan, publish, adjust, dispatch hidden %v, want %v", c.role, hidden, c.hidden)
		}
	}
}

// visitOf returns the visit with the id in req.
func visitOf(req *rounds.Request, id string) *rounds.Visit {
	for i := range req.Visits {
		if req.Visits[i].ID == id {
			return &req.Visits[i]
		}
	}
	return nil
}

// axeResult is what axe.run reports of one rule that fails.
type axeResult struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  int    `json:"nodes"`
}

// checkAxe runs axe-core on the page and fails on any serious or
// critical violation.
func checkAxe(tb testing.TB, ctx context.Context) {
	tb.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](axeSource)); err != nil {
		tb.Fatalf("load axe-core: %v", err)
	}
	res, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeResult](`axe.run(document, {resultTypes: ['violations']}).then(r =>
		r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length})))`, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.Fatalf("run axe-core: %v", err)
	}
	var bad []string
	for _, r := range res {
		line := fmt.Sprintf("%s (%s, %d elements): %s", r.ID, r.Impact, r.Nodes, r.Help)
		if r.Impact == "serious" || r.Impact == "critical" {
			bad = append(bad, line)
		} else {
			tb.Logf("axe-core, minor: %s", line)
		}
	}
	if len(bad) > 0 {
		tb.Errorf("axe-core finds serious violations:\n%s", strings.Join(bad, "\n"))
	}
}
