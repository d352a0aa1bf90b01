package api

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/solver"
)

// liveDate is the date of the live-day fixtures.
const liveDate = rounds.Date("2025-03-03")

// liveFixture is a team "hf" with a planned roster of one day stored in
// the store: three nurses, nine routine visits and three clients.
type liveFixture struct {
	*env
	base   string // the roster's path
	req    *rounds.Request
	roster *rounds.Roster
	// coord and disp are a coordinator's and a dispatcher's tokens.
	coord, disp string
	ctx         context.Context
}

// newLiveFixture stores the fixture, its roster as version 1, published
// if publish; the service's clock reads 10:00 on liveDate.
func newLiveFixture(t *testing.T, st rounds.Store, publish bool) *liveFixture {
	t.Helper()
	req := &rounds.Request{Team: "hf", Options: rounds.Options{Iterations: 300, Threads: 1, Seed: 1}}
	for i := 1; i <= 3; i++ {
		req.Workers = append(req.Workers, rounds.Worker{ID: fmt.Sprintf("w%d", i), Role: rounds.Nurse, Start: near(0), TravelMode: geo.Drive,
			Shifts: []rounds.Shift{{Date: liveDate, Start: rounds.At(8, 0), End: rounds.At(16, 0), OvertimeMinutes: 30}}})
		req.Clients = append(req.Clients, rounds.Client{ID: fmt.Sprintf("c%d", i), Location: near(3 * i), Consent: true})
	}
	for i := 1; i <= 9; i++ {
		w := rounds.Window{Start: rounds.At(8, 40*(i-1)), End: rounds.At(10, 40*(i-1))}
		req.Visits = append(req.Visits, rounds.Visit{ID: fmt.Sprintf("v%d", i), ClientID: fmt.Sprintf("c%d", 1+(i-1)%3), Date: liveDate,
			DurationMinutes: 30, Priority: rounds.Routine, Windows: []rounds.Window{w}})
	}
	if err := req.Validate(); err != nil {
		t.Fatal(err)
	}
	ro, err := (&solver.Planner{Source: geo.Haversine{}}).Plan(context.Background(), req)
	if err != nil || ro.Totals.Unassigned > 0 {
		t.Fatalf("plan the fixture: %v (%d unassigned)", err, ro.Totals.Unassigned)
	}
	e := newEnvConfig(t, Config{Store: st, Now: func() time.Time { return time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC) }})
	seeder, _, err := rounds.NewAPIKey("seeder", rounds.AccessAdmin, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := rounds.NewContextWithKey(context.Background(), seeder)
	f := &liveFixture{env: e, req: req, roster: ro, ctx: ctx}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.CreateTeam(ctx, &rounds.Team{ID: "hf", Name: "Hammersmith & Fulham"}))
	must(st.Import(ctx, "hf", req))
	v := &rounds.RosterVersion{Team: "hf", From: liveDate, To: liveDate, Note: "planned", Request: req, Roster: ro}
	must(st.CreateRoster(ctx, v))
	if publish {
		_, err := st.PublishRoster(ctx, "hf", v.RosterID, 1)
		must(err)
	}
	f.base = "/v1/teams/hf/rosters/" + v.RosterID
	f.coord, f.disp = e.key(t, rounds.AccessCoordinator, "hf"), e.key(t, rounds.AccessDispatcher, "hf")
	return f
}

// stop returns the i-th stop of worker's round.
func (f *liveFixture) stop(t *testing.T, worker string, i int) rounds.Stop {
	t.Helper()
	for _, rt := range f.roster.Routes {
		if rt.WorkerID == worker && i < len(rt.Stops) {
			return rt.Stops[i]
		}
	}
	t.Fatalf("%s has no stop %d", worker, i)
	return rounds.Stop{}
}

// events returns the stored events of the fixture's roster.
func (f *liveFixture) events(t *testing.T) []rounds.Event {
	t.Helper()
	var got Events
	f.must(t, "GET", f.base+"/events", f.disp, nil, 200, &got)
	return got.Events
}

// errorOf decodes an error body.
func errorOf(b []byte) rounds.Error {
	var body ErrorBody
	json.Unmarshal(b, &body)
	return body.Error
}

// TestEvents: a dispatcher records events of a published roster; sending
// them again changes nothing; a bad event is refused naming its field and
// value, and nothing of its batch is stored or audited.
func TestEvents(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			f := newLiveFixture(t, st.new(t, &solver.Planner{Source: geo.Haversine{}}), false)
			first := f.stop(t, "w1", 0)
			started := rounds.Event{ID: "e1", Kind: rounds.EventVisitStarted, At: first.Start, VisitID: first.VisitID, WorkerID: "w1"}
			finished := rounds.Event{ID: "e2", Kind: rounds.EventVisitFinished, At: first.End + 300, VisitID: first.VisitID}
			body := EventsRequest{Events: []rounds.Event{started, finished}}

			status, b := f.call(t, "POST", f.base+"/events", f.disp, body)
			if e := errorOf(b); status != 422 || e.Field != "roster" {
				t.Fatalf("events on a draft roster: %d %s, want 422 naming roster", status, b)
			}
			if _, err := f.store.PublishRoster(f.ctx, "hf", f.base[len("/v1/teams/hf/rosters/"):], 1); err != nil {
				t.Fatal(err)
			}
			var got Events
			f.must(t, "POST", f.base+"/events", f.disp, body, 201, &got)
			if got.Added != 2 || len(got.Events) != 2 || got.Events[0].Date != liveDate || got.Version != 1 {
				t.Fatalf("first post: %+v, want 2 events added, dated %s, of version 1", got, liveDate)
			}
			f.must(t, "POST", f.base+"/events", f.disp, body, 200, &got)
			if got.Added != 0 || len(f.events(t)) != 2 {
				t.Fatalf("the same events again: added %d, %d stored; want 0 and 2", got.Added, len(f.events(t)))
			}
			second := f.stop(t, "w1", 1)
			audited := func() int {
				p, err := f.store.Audit(f.ctx, rounds.AuditScope{Teams: []string{"hf"}}, rounds.Filter{Limit: rounds.MaxPageSize})
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				for _, e := range p.Items {
					if e.Entity == "event" {
						n++
					}
				}
				return n
			}
			if n := audited(); n != 2 {
				t.Fatalf("%d events audited, want 2", n)
			}
			ok := rounds.Event{ID: "ok", Kind: rounds.EventVisitStarted, At: second.Start, VisitID: second.VisitID}
			for _, c := range []struct {
				name   string
				events []rounds.Event
				field  string
				value  string
			}{
				{"unknown visit", []rounds.Event{ok, {ID: "x", Kind: rounds.EventVisitStarted, At: rounds.At(9, 0), VisitID: "nope"}}, "events[1].visitId", "nope"},
				{"unknown worker", []rounds.Event{{ID: "x", Kind: rounds.EventWorkerUnavailable, At: rounds.At(9, 0), WorkerID: "w9"}, ok}, "events[0].workerId", "w9"},
				{"finished before started", []rounds.Event{ok, {ID: "x", Kind: rounds.EventVisitFinished, At: second.Start - 60, VisitID: second.VisitID}},
					"events[1].at", (second.Start - 60).String()},
				{"outside the day", []rounds.Event{{ID: "x", Kind: rounds.EventWorkerUnavailable, At: rounds.At(19, 0), WorkerID: "w2"}}, "events[0].at", "19:00"},
				{"another date", []rounds.Event{{ID: "x", Kind: rounds.EventWorkerUnavailable, Date: "2025-03-04", At: rounds.At(9, 0), WorkerID: "w2"}}, "events[0].date", "2025-03-04"},
				{"stale: started again", []rounds.Event{ok, {ID: "x", Kind: rounds.EventVisitStarted, At: first.End + 600, VisitID: first.VisitID}}, "events[1].kind", "visit_started"},
				{"stale: cancelled after it started", []rounds.Event{{ID: "x", Kind: rounds.EventVisitCancelled, At: rounds.At(11, 0), VisitID: first.VisitID}}, "events[0].kind", "visit_cancelled"},
				{"an id used for another event", []rounds.Event{ok, {ID: "e2", Kind: rounds.EventVisitFinished, At: first.End, VisitID: first.VisitID}}, "events[1].id", "e2"},
				{"a bad id", []rounds.Event{{ID: "a b", Kind: rounds.EventWorkerUnavailable, At: rounds.At(9, 0), WorkerID: "w2"}}, "events[0].id", "a b"},
				{"a bad kind", []rounds.Event{{ID: "x", Kind: "visit_paused", At: rounds.At(9, 0), VisitID: second.VisitID}}, "events[0].kind", "visit_paused"},
				{"a position without a location", []rounds.Event{{ID: "x", Kind: rounds.EventWorkerPosition, At: rounds.At(9, 0), WorkerID: "w2"}}, "events[0].location", "null"},
			} {
				status, b := f.call(t, "POST", f.base+"/events", f.disp, EventsRequest{Events: c.events})
				if e := errorOf(b); status != 422 || e.Field != c.field || e.Value != c.value {
					t.Errorf("%s: %d %s, want 422 naming %s = %s", c.name, status, b, c.field, c.value)
				}
			}
			if n := len(f.events(t)); n != 2 {
				t.Errorf("%d events stored after the refused batches, want 2", n)
			}
			if n := audited(); n != 2 {
				t.Errorf("%d events audited after the refused batches, want 2", n)
			}
			status, b = f.call(t, "POST", f.base+"/events", f.disp, `{"events":[{"id":"x","kind":"visit_started","at":"25:00","visitId":"v1"}]}`)
			if e := errorOf(b); status != 422 || e.Field != "events[0].at" {
				t.Errorf("a bad time: %d %s, want 422 naming events[0].at", status, b)
			}
			status, b = f.call(t, "POST", f.base+"/events", f.disp, `{"events":[]}`)
			if e := errorOf(b); status != 422 || e.Field != "events" {
				t.Errorf("no events: %d %s, want 422 naming events", status, b)
			}
			status, b = f.call(t, "POST", f.base+"/events", f.env.key(t, rounds.AccessViewer, "hf"), body)
			if status != 403 {
				t.Errorf("a viewer's events: %d %s, want 403", status, b)
			}
		})
	}
}

// TestConcurrentEvents: dispatchers reporting at once each have their
// events stored, checked against the whole history.
func TestConcurrentEvents(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			f := newLiveFixture(t, st.new(t, &solver.Planner{Source: geo.Haversine{}}), true)
			const n = 8
			done := make(chan int, n)
			for i := range n {
				go func() {
					e := rounds.Event{ID: fmt.Sprintf("pos-%d", i), Kind: rounds.EventWorkerPosition, At: rounds.At(9, i), WorkerID: "w2", Location: &f.req.Clients[0].Location}
					status, _ := f.call(t, "POST", f.base+"/events", f.disp, EventsRequest{Events: []rounds.Event{e}})
					done <- status
				}()
			}
			for range n {
				if status := <-done; status != 201 {
					t.Errorf("concurrent event: %d, want 201", status)
				}
			}
			if got := len(f.events(t)); got != n {
				t.Errorf("%d events stored, want %d", got, n)
			}
		})
	}
}

// TestLive: the live state follows the events, defaults to the service's
// clock, and does not give away where a withheld client lives.
func TestLive(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			f := newLiveFixture(t, st.new(t, &solver.Planner{Source: geo.Haversine{}}), true)
			first := f.stop(t, "w1", 0)
			events := []rounds.Event{
				{ID: "e1", Kind: rounds.EventVisitStarted, At: first.Start + 120, VisitID: first.VisitID},
				{ID: "e2", Kind: rounds.EventVisitFinished, At: first.End + 600, VisitID: first.VisitID},
				{ID: "e3", Kind: rounds.EventWorkerUnavailable, At: rounds.At(12, 0), WorkerID: "w3"},
			}
			f.must(t, "POST", f.base+"/events", f.disp, EventsRequest{Events: events}, 201, nil)
			at := first.End + 600
			var live Live
			f.must(t, "GET", f.base+"/live?at="+at.String(), f.disp, nil, 200, &live)
			lr := live.Rounds[0]
			if live.Version != 1 || live.Date != liveDate || live.At != at || lr.WorkerID != "w1" || len(lr.Frozen) == 0 {
				t.Fatalf("live = %+v", live)
			}
			if fz := lr.Frozen[0]; fz.VisitID != first.VisitID || fz.State != rounds.StopDone || !fz.Actual || fz.Start != first.Start+120 || fz.End != first.End+600 {
				t.Errorf("w1's first stop %+v, want done at the reported times", fz)
			}
			for _, r := range live.Rounds {
				if r.WorkerID == "w3" && (r.UnavailableFrom == nil || *r.UnavailableFrom != rounds.At(12, 0)) {
					t.Errorf("w3 unavailable from %v, want 12:00", r.UnavailableFrom)
				}
			}
			f.must(t, "GET", f.base+"/live", f.disp, nil, 200, &live)
			if live.At != rounds.At(10, 0) {
				t.Errorf("live at %s by default, want the service's 10:00", live.At)
			}
			for _, q := range []string{"at=9", "at=25:00", "date=2025-03-04", "date=tomorrow", "when=now"} {
				status, b := f.call(t, "GET", f.base+"/live?"+q, f.disp, nil)
				want, _, _ := strings.Cut(q, "=")
				if e := errorOf(b); status != 422 || e.Field != want {
					t.Errorf("live?%s: %d %s, want 422 naming %s", q, status, b, want)
				}
			}

			// w1 is at c-first's home after it, until leaving for the next
			c := &rounds.Client{}
			for _, cl := range f.req.Clients {
				if cl.ID == first.ClientID {
					*c = cl
				}
			}
			c.Consent = false
			if err := f.store.Clients().Update(f.ctx, "hf", c); err != nil {
				t.Fatal(err)
			}
			f.must(t, "GET", f.base+"/live?at="+at.String(), f.admin, nil, 200, &live)
			if live.Rounds[0].From != first.Location {
				t.Fatalf("an admin sees w1 from %v, want %v (the last visit's home)", live.Rounds[0].From, first.Location)
			}
			var withheld Live
			f.must(t, "GET", f.base+"/live?at="+at.String(), f.disp, nil, 200, &withheld)
			if withheld.Rounds[0].From != (rounds.Location{}) {
				t.Errorf("a dispatcher sees w1 from %v, want it withheld: it is the home of a client without consent", withheld.Rounds[0].From)
			}

			// a position reported at another withheld home: withheld in
			// the live state and in the events alike
			other := f.req.Clients[0]
			if other.ID == first.ClientID {
				other = f.req.Clients[1]
			}
			other.Consent = false
			if err := f.store.Clients().Update(f.ctx, "hf", &other); err != nil {
				t.Fatal(err)
			}
			home := other.Location
			pos := rounds.Event{ID: "e4", Kind: rounds.EventWorkerPosition, At: at + 60, WorkerID: "w1", Location: &home}
			f.must(t, "POST", f.base+"/events", f.admin, EventsRequest{Events: []rounds.Event{pos}}, 201, nil)
			var list, all Events
			f.must(t, "GET", f.base+"/events", f.disp, nil, 200, &list)
			f.must(t, "GET", f.base+"/events", f.admin, nil, 200, &all)
			if e := list.Events[len(list.Events)-1]; e.ID != "e4" || e.Location != nil {
				t.Errorf("a dispatcher reads %+v, want e4 without its location", e)
			}
			if e := all.Events[len(all.Events)-1]; e.Location == nil || *e.Location != home {
				t.Errorf("an admin reads %+v, want e4 at %v", e, home)
			}
			f.must(t, "GET", f.base+"/live?at="+(at+120).String(), f.disp, nil, 200, &withheld)
			for _, r := range withheld.Rounds {
				if r.WorkerID == "w1" && r.From != (rounds.Location{}) {
					t.Errorf("a dispatcher sees w1 from %v, reported at a withheld home %v", r.From, home)
				}
			}
		})
	}
}

// TestLiveDayReused: an event that changes nothing still to plan (a visit
// reported done at its planned times) keeps the live day the dispatchers
// share; one that does (a worker off sick) builds it again.
func TestLiveDayReused(t *testing.T) {
	f := newLiveFixture(t, stores[0].new(t, &solver.Planner{Source: geo.Haversine{}}), true)
	v := f.latest(t)
	first := f.stop(t, "w1", 0)
	at := rounds.At(12, 0)
	l1, _, err := f.srv.live(f.ctx, v, nil, liveDate, at)
	if err != nil {
		t.Fatal(err)
	}
	asPlanned := []rounds.Event{
		{ID: "e1", Kind: rounds.EventVisitStarted, Date: liveDate, At: first.Start, VisitID: first.VisitID},
		{ID: "e2", Kind: rounds.EventVisitFinished, Date: liveDate, At: first.End, VisitID: first.VisitID},
	}
	l2, state, err := f.srv.live(f.ctx, v, asPlanned, liveDate, at)
	if err != nil {
		t.Fatal(err)
	}
	if l2 != l1 || !state.Rounds[0].Frozen[0].Actual {
		t.Errorf("a visit done as planned built the live day again (%v), or its state is not the new one", l2 != l1)
	}
	sick := append(asPlanned, rounds.Event{ID: "e3", Kind: rounds.EventWorkerUnavailable, Date: liveDate, At: rounds.At(11, 0), WorkerID: "w2"})
	l3, _, err := f.srv.live(f.ctx, v, sick, liveDate, at)
	if err != nil {
		t.Fatal(err)
	}
	if l3 == l2 {
		t.Errorf("a worker off sick kept the live day built before")
	}
}
