package rounds_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/geo"
)

// liveAt returns the live state of the fixture's day at time at after
// events, which must pass ValidateEvents.
func liveAt(t *testing.T, at rounds.Clock, events ...rounds.Event) *rounds.LiveState {
	t.Helper()
	req, roster := liveFixture()
	kept, err := rounds.ValidateEvents(req, roster, events)
	if err != nil {
		t.Fatal(err)
	}
	s, err := rounds.LiveDay(req, roster, day, kept, at)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// round returns worker's live round.
func round(t *testing.T, s *rounds.LiveState, worker string) rounds.LiveRound {
	t.Helper()
	for _, lr := range s.Rounds {
		if lr.WorkerID == worker {
			return lr
		}
	}
	t.Fatalf("no live round of %s", worker)
	return rounds.LiveRound{}
}

// frozen writes a round's frozen stops as "visit:state@start-end", with a
// "!" for actual times.
func frozen(lr rounds.LiveRound) string {
	var out []string
	for _, f := range lr.Frozen {
		mark := ""
		if f.Actual {
			mark = "!"
		}
		out = append(out, fmt.Sprintf("%s:%s%s@%s-%s", f.VisitID, f.State, mark, f.Start, f.End))
	}
	return fmt.Sprint(out)
}

// TestLiveDay: what each round has done, is doing, is committed to and
// may still change at a time, from the plan and the events.
func TestLiveDay(t *testing.T) {
	for _, c := range []struct {
		name   string
		at     rounds.Clock
		events []rounds.Event
		worker string
		frozen string
		free   []string
		from   rounds.Location
		freeAt rounds.Clock
	}{
		{"before the first visit: free from the shift's start", rounds.At(8, 0), nil, "w1", "[]", []string{"a1", "a2", "p"}, loc(0), rounds.At(8, 0)},
		{"on the way to the first visit", rounds.At(8, 55), nil, "w1", "[a1:committed@09:00-09:30]", []string{"a2", "p"}, loc(1), rounds.At(9, 30)},
		{"under way as planned", rounds.At(9, 10), nil, "w1", "[a1:under_way@09:00-09:30]", []string{"a2", "p"}, loc(1), rounds.At(9, 30)},
		{"done as planned", rounds.At(9, 46), nil, "w3", "[s1:done@09:00-09:45]", []string{"s2"}, loc(5), rounds.At(9, 46)},
		{"done, and left for the next", rounds.At(9, 31), nil, "w1", "[a1:done@09:00-09:30 a2:committed@10:00-10:30]", []string{"p"}, loc(2), rounds.At(10, 30)},
		{"under way from an event", rounds.At(9, 20), []rounds.Event{ev("e1", rounds.EventVisitStarted, rounds.At(9, 5), "a1")},
			"w1", "[a1:under_way!@09:05-09:35]", []string{"a2", "p"}, loc(1), rounds.At(9, 35)},
		{"done at actual times, the next committed after it", rounds.At(9, 50), []rounds.Event{ev("e1", rounds.EventVisitStarted, rounds.At(9, 5), "a1"),
			ev("e2", rounds.EventVisitFinished, rounds.At(9, 40), "a1")}, "w1", "[a1:done!@09:05-09:40 a2:committed@10:00-10:30]", []string{"p"}, loc(2), rounds.At(10, 30)},
		{"an event after at is not yet known", rounds.At(9, 3), []rounds.Event{ev("e1", rounds.EventVisitStarted, rounds.At(9, 5), "a1")},
			"w1", "[a1:under_way@09:00-09:30]", []string{"a2", "p"}, loc(1), rounds.At(9, 30)},
		{"no access", rounds.At(9, 10), []rounds.Event{ev("e1", rounds.EventNoAccess, rounds.At(9, 2), "a1")},
			"w1", "[a1:no_access!@09:02-09:02]", []string{"a2", "p"}, loc(1), rounds.At(9, 10)},
		{"a later visit started: the ones before it are done", rounds.At(10, 5), []rounds.Event{ev("e1", rounds.EventVisitStarted, rounds.At(10, 2), "a2")},
			"w1", "[a1:done@09:00-09:30 a2:under_way!@10:02-10:32]", []string{"p"}, loc(2), rounds.At(10, 32)},
		{"a double-handed visit committed on one round", rounds.At(10, 40), nil, "w1",
			"[a1:done@09:00-09:30 a2:done@10:00-10:30 p:committed@11:00-11:30]", nil, loc(3), rounds.At(11, 30)},
		{"freezes the other half too", rounds.At(10, 40), nil, "w2", "[b1:done@09:30-10:00 p:committed@11:00-11:30]", []string{"b2"}, loc(3), rounds.At(11, 30)},
		{"a break in hand", rounds.At(12, 20), nil, "w2", "[b1:done@09:30-10:00 p:done@11:00-11:30]", []string{"b2"}, loc(3), rounds.At(12, 30)},
		{"a worker unavailable makes nothing not started by then", rounds.At(10, 10),
			[]rounds.Event{ev("e1", rounds.EventWorkerUnavailable, rounds.At(10, 0), "w3")}, "w3", "[s1:done@09:00-09:45]", []string{"s2"}, loc(5), rounds.At(10, 10)},
		{"a cancelled visit is neither frozen nor free", rounds.At(9, 10), []rounds.Event{ev("e1", rounds.EventVisitCancelled, rounds.At(9, 0), "s2")},
			"w3", "[s1:under_way@09:00-09:45]", nil, loc(5), rounds.At(9, 45)},
		{"a reported position is where the worker is free from", rounds.At(10, 0), []rounds.Event{ev("e1", rounds.EventWorkerPosition, rounds.At(9, 55), "w3")},
			"w3", "[s1:done@09:00-09:45]", []string{"s2"}, loc(9), rounds.At(10, 0)},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := liveAt(t, c.at, c.events...)
			lr := round(t, s, c.worker)
			if got := frozen(lr); got != c.frozen {
				t.Errorf("%s frozen %s, want %s", c.worker, got, c.frozen)
			}
			if !slices.Equal(lr.Free, c.free) {
				t.Errorf("%s free %v, want %v", c.worker, lr.Free, c.free)
			}
			if lr.From != c.from || lr.FreeAt != c.freeAt {
				t.Errorf("%s free from %v at %s, want %v at %s", c.worker, lr.From, lr.FreeAt, c.from, c.freeAt)
			}
		})
	}
}

// TestLiveDayRounds checks what the table above does not: the break,
// unavailability, cancellations, the worked time and a date with no round.
func TestLiveDayRounds(t *testing.T) {
	s := liveAt(t, rounds.At(11, 50))
	if b := round(t, s, "w2").Break; b != nil {
		t.Errorf("at 11:50 w2's break %v is taken; want it still to take (it starts at 12:00)", b)
	}
	s = liveAt(t, rounds.At(12, 20))
	if b := round(t, s, "w2").Break; b == nil || *b != (rounds.BreakTime{Start: rounds.At(12, 0), End: rounds.At(12, 30)}) {
		t.Errorf("at 12:20 w2's break is %v, want 12:00-12:30 taken", b)
	}
	s = liveAt(t, rounds.At(9, 10), ev("e1", rounds.EventWorkerUnavailable, rounds.At(10, 0), "w3"),
		ev("e2", rounds.EventVisitCancelled, rounds.At(9, 0), "u"))
	if u := round(t, s, "w3").UnavailableFrom; u == nil || *u != rounds.At(10, 0) {
		t.Errorf("w3 unavailable from %v, want 10:00, announced before it happens", u)
	}
	if !slices.Equal(s.Cancelled, []string{"u"}) {
		t.Errorf("cancelled %v, want [u] (an unassigned visit)", s.Cancelled)
	}
	s = liveAt(t, rounds.At(9, 50), ev("e1", rounds.EventVisitStarted, rounds.At(9, 5), "a1"), ev("e2", rounds.EventVisitFinished, rounds.At(9, 40), "a1"))
	// a1: 600 s there and 35 minutes; a2 committed: 900 s there and 30 minutes
	if got, want := round(t, s, "w1").WorkedSeconds, 600+35*60+900+30*60; got != want {
		t.Errorf("w1 worked %d s, want %d", got, want)
	}
	req, roster := liveFixture()
	if _, err := rounds.LiveDay(req, roster, otherDay, nil, rounds.At(9, 0)); rounds.ErrorCode(err) != rounds.EINVALID {
		t.Errorf("a live day of a date with no round: %v, want EINVALID", err)
	}
}

// TestMergeTakesTheBreakHome: a worker with nothing left after a
// committed stop takes the break their shift still gets on the way home.
func TestMergeTakesTheBreakHome(t *testing.T) {
	req, roster := liveFixture()
	req.Options.Break = &rounds.BreakRule{}
	s, err := rounds.LiveDay(req, roster, day, nil, rounds.At(10, 40))
	if err != nil {
		t.Fatal(err)
	}
	merged, err := s.Merge(context.Background(), req, roster, &rounds.Roster{}, geo.Haversine{})
	if err != nil {
		t.Fatal(err)
	}
	rt := merged.Routes[0] // w1: a1, a2 done and p committed, nothing free
	want := rounds.BreakTime{Start: rounds.At(12, 0), End: rounds.At(12, 30)}
	if rt.WorkerID != "w1" || rt.Break == nil || *rt.Break != want || rt.Return <= want.End {
		t.Errorf("w1 goes home at %s with break %v, want the break %v first", rt.Return, rt.Break, want)
	}
}

// TestMergeStaysHome: a worker unavailable before they made anything
// gets a route with no visits that returns when it departs.
func TestMergeStaysHome(t *testing.T) {
	req, roster := liveFixture()
	events, err := rounds.ValidateEvents(req, roster, []rounds.Event{ev("e1", rounds.EventWorkerUnavailable, rounds.At(8, 30), "w3")})
	if err != nil {
		t.Fatal(err)
	}
	s, err := rounds.LiveDay(req, roster, day, events, rounds.At(8, 40))
	if err != nil {
		t.Fatal(err)
	}
	merged, err := s.Merge(context.Background(), req, roster, &rounds.Roster{}, geo.Haversine{})
	if err != nil {
		t.Fatal(err)
	}
	rt := merged.Routes[2]
	if rt.WorkerID != "w3" || len(rt.Stops) != 0 || rt.Return != rt.Depart {
		t.Errorf("w3 off from 08:30 has %d stops, departs %s and returns %s; want none, back when leaving", len(rt.Stops), rt.Depart, rt.Return)
	}
}

// TestWithDay: a live day's roster replaces its date's rounds and
// unassigned visits in a roster of several dates, the others kept, and
// the totals are summed again over all of them.
func TestWithDay(t *testing.T) {
	req, roster := liveFixture()
	x := rounds.Stop{VisitID: "x", ClientID: "c2", Location: loc(2), Arrival: rounds.At(9, 10), Start: rounds.At(9, 10), End: rounds.At(9, 40), TravelSeconds: 600}
	roster.Routes = append(roster.Routes, rounds.Route{WorkerID: "w1", Date: otherDay, Start: loc(0), End: loc(0), Depart: rounds.At(9, 0),
		Return: rounds.At(9, 50), Stops: []rounds.Stop{x}, TravelSeconds: 1200, WorkSeconds: 3000})
	day := &rounds.Roster{Routes: []rounds.Route{
		{WorkerID: "w2", Date: day, Stops: []rounds.Stop{}},
		{WorkerID: "w1", Date: day, Stops: []rounds.Stop{{VisitID: "a1", ClientID: "c1"}}, TravelSeconds: 100, WorkSeconds: 1900},
	}, Unassigned: []rounds.Unassigned{{VisitID: "b1", ClientID: "c4", Priority: rounds.Routine}}, Totals: rounds.Totals{Cost: 7}}
	out := roster.WithDay(req, day.Routes[0].Date, day)
	var order []string
	for _, rt := range out.Routes {
		order = append(order, fmt.Sprintf("%s/%s/%d", rt.WorkerID, rt.Date, len(rt.Stops)))
	}
	if got := fmt.Sprint(order); got != "[w1/2025-03-03/1 w2/2025-03-03/0 w1/2025-03-04/1]" {
		t.Errorf("routes %s, want w1 and w2 of the day in the roster's order, w3's gone, and the other date's kept", got)
	}
	if len(out.Unassigned) != 1 || out.Unassigned[0].VisitID != "b1" {
		t.Errorf("unassigned %v, want the day's (b1) only: u was the day's too", out.Unassigned)
	}
	if out.Totals.Assigned != 2 || out.Totals.TravelSeconds != 1300 || out.Totals.Unassigned != 1 || out.Totals.Cost != 7 {
		t.Errorf("totals %+v, want 2 assigned over both dates, 1300 s of travel, 1 unassigned, the day's cost", out.Totals)
	}
	out.Routes[2].Stops[0].VisitID = "changed"
	if roster.Routes[3].Stops[0].VisitID != "x" {
		t.Errorf("changing the result changed the roster it came from")
	}
}
