package rounds_test

import (
	"fmt"
	"testing"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/geo"
)

// The live day of the event and live-state tests.
const (
	day      = rounds.Date("2025-03-03")
	otherDay = rounds.Date("2025-03-04")
)

// loc returns a location about i·300 m east of a point in Fulham.
func loc(i int) rounds.Location { return rounds.Location{Lat: 51.48, Lon: -0.20 + float64(i)*0.0043} }

// liveFixture returns a published day by hand: w1 makes a1, a2 and its
// half of the double-handed p; w2 makes b1, the other half of p, a break
// from 12:00 to 12:30 and b2; w3 makes s1 and s2. Visit u is unassigned;
// visit x is on another date.
func liveFixture() (*rounds.Request, *rounds.Roster) {
	req := &rounds.Request{Team: "hf"}
	for i := 1; i <= 3; i++ {
		w := rounds.Worker{ID: fmt.Sprintf("w%d", i), Role: rounds.Nurse, Start: loc(0), TravelMode: geo.Drive,
			Shifts: []rounds.Shift{{Date: day, Start: rounds.At(8, 0), End: rounds.At(16, 0)}}}
		req.Workers = append(req.Workers, w)
	}
	req.Workers[0].Shifts[0].OvertimeMinutes = 30
	for i := 1; i <= 6; i++ {
		req.Clients = append(req.Clients, rounds.Client{ID: fmt.Sprintf("c%d", i), Location: loc(i), Consent: true})
	}
	visit := func(id, client string, minutes int) rounds.Visit {
		return rounds.Visit{ID: id, ClientID: client, Date: day, DurationMinutes: minutes, Priority: rounds.Routine}
	}
	req.Visits = []rounds.Visit{visit("a1", "c1", 30), visit("a2", "c2", 30), visit("p", "c3", 30), visit("b1", "c4", 30),
		visit("b2", "c4", 30), visit("s1", "c5", 45), visit("s2", "c6", 30), visit("u", "c1", 30), visit("x", "c2", 30)}
	req.Visits[2].WorkersNeeded = 2
	req.Visits[8].Date = otherDay
	stop := func(visit, client string, arrival rounds.Clock, travel int, start rounds.Clock, minutes int) rounds.Stop {
		var n int
		fmt.Sscanf(client, "c%d", &n)
		return rounds.Stop{VisitID: visit, ClientID: client, Location: loc(n), Arrival: arrival, Start: start,
			End: start + rounds.Clock(minutes*60), TravelSeconds: travel, WaitSeconds: int(start - arrival), Priority: rounds.Routine}
	}
	route := func(worker string, depart rounds.Clock, stops ...rounds.Stop) rounds.Route {
		return rounds.Route{WorkerID: worker, Date: day, TravelMode: geo.Drive, Start: loc(0), End: loc(0), Depart: depart,
			Return: stops[len(stops)-1].End + 600, Stops: stops}
	}
	w2 := route("w2", rounds.At(9, 20),
		stop("b1", "c4", rounds.At(9, 30), 600, rounds.At(9, 30), 30),
		stop("p", "c3", rounds.At(10, 58), 120, rounds.At(11, 0), 30),
		stop("b2", "c4", rounds.At(12, 40), 600, rounds.At(12, 45), 30))
	w2.Break = &rounds.BreakTime{Start: rounds.At(12, 0), End: rounds.At(12, 30)}
	roster := &rounds.Roster{Team: "hf", Routes: []rounds.Route{
		route("w1", rounds.At(8, 50),
			stop("a1", "c1", rounds.At(9, 0), 600, rounds.At(9, 0), 30),
			stop("a2", "c2", rounds.At(9, 45), 900, rounds.At(10, 0), 30),
			stop("p", "c3", rounds.At(10, 35), 300, rounds.At(11, 0), 30)),
		w2,
		route("w3", rounds.At(8, 50),
			stop("s1", "c5", rounds.At(9, 0), 600, rounds.At(9, 0), 45),
			stop("s2", "c6", rounds.At(10, 30), 600, rounds.At(10, 30), 30)),
	}, Unassigned: []rounds.Unassigned{{VisitID: "u", ClientID: "c1", Priority: rounds.Routine, Reason: rounds.ReasonNoCapacity}}}
	return req, roster
}

// ev returns an event of the live day.
func ev(id string, kind rounds.EventKind, at rounds.Clock, subject string) rounds.Event {
	e := rounds.Event{ID: id, Kind: kind, At: at}
	if kind == rounds.EventWorkerUnavailable || kind == rounds.EventWorkerPosition {
		e.WorkerID = subject
	} else {
		e.VisitID = subject
	}
	if kind == rounds.EventWorkerPosition {
		l := loc(9)
		e.Location = &l
	}
	return e
}

// TestValidateEventsRefuses: each way an event can be wrong is refused
// with an EINVALID error naming the field of the first bad event and its
// value.
func TestValidateEventsRefuses(t *testing.T) {
	req, roster := liveFixture()
	start := ev("e1", rounds.EventVisitStarted, rounds.At(9, 5), "a1")
	with := func(e rounds.Event, change func(*rounds.Event)) rounds.Event {
		change(&e)
		return e
	}
	bad := rounds.Location{Lat: 95, Lon: 0}
	twoDays := *roster
	twoDays.Routes = append(twoDays.Routes[:3:3], rounds.Route{WorkerID: "w1", Date: otherDay})
	for _, c := range []struct {
		name   string
		roster *rounds.Roster
		events []rounds.Event
		field  string
		value  string
	}{
		{"a bad id", roster, []rounds.Event{with(start, func(e *rounds.Event) { e.ID = "a b" })}, "events[0].id", "a b"},
		{"no date on a roster of two dates", &twoDays, []rounds.Event{start}, "events[0].date", `""`},
		{"an id used for another event", roster, []rounds.Event{start, with(start, func(e *rounds.Event) { e.At++ })}, "events[1].id", "e1"},
		{"an unknown kind", roster, []rounds.Event{with(start, func(e *rounds.Event) { e.Kind = "visit_paused" })}, "events[0].kind", "visit_paused"},
		{"a date with no round", roster, []rounds.Event{with(start, func(e *rounds.Event) { e.Date = otherDay })}, "events[0].date", string(otherDay)},
		{"a note with a NUL", roster, []rounds.Event{with(start, func(e *rounds.Event) { e.Note = "a\x00b" })}, "events[0].note", ""},
		{"an unknown visit", roster, []rounds.Event{ev("e1", rounds.EventVisitStarted, rounds.At(9, 0), "nope")}, "events[0].visitId", "nope"},
		{"a visit of another date", roster, []rounds.Event{ev("e1", rounds.EventVisitStarted, rounds.At(9, 0), "x")}, "events[0].visitId", "x"},
		{"a visit on no round started", roster, []rounds.Event{ev("e1", rounds.EventVisitStarted, rounds.At(9, 0), "u")}, "events[0].visitId", "u"},
		{"a worker not on the visit's round", roster, []rounds.Event{with(start, func(e *rounds.Event) { e.WorkerID = "w2" })}, "events[0].workerId", "w2"},
		{"started after it was cancelled", roster, []rounds.Event{ev("e0", rounds.EventVisitCancelled, rounds.At(8, 30), "a1"), start}, "events[1].kind", "visit_started"},
		{"started after no access", roster, []rounds.Event{ev("e0", rounds.EventNoAccess, rounds.At(9, 0), "a1"), start}, "events[1].kind", "visit_started"},
		{"started twice", roster, []rounds.Event{start, ev("e2", rounds.EventVisitStarted, rounds.At(9, 10), "a1")}, "events[1].kind", "visit_started"},
		{"finished, never started", roster, []rounds.Event{ev("e2", rounds.EventVisitFinished, rounds.At(9, 30), "a1")}, "events[0].kind", "visit_finished"},
		{"finished twice", roster, []rounds.Event{start, ev("e2", rounds.EventVisitFinished, rounds.At(9, 30), "a1"),
			ev("e3", rounds.EventVisitFinished, rounds.At(9, 35), "a1")}, "events[2].kind", "visit_finished"},
		{"finished before it started", roster, []rounds.Event{start, ev("e2", rounds.EventVisitFinished, rounds.At(9, 0), "a1")}, "events[1].at", "09:00"},
		{"cancelled after it started", roster, []rounds.Event{start, ev("e2", rounds.EventVisitCancelled, rounds.At(9, 10), "a1")}, "events[1].kind", "visit_cancelled"},
		{"no access after it started", roster, []rounds.Event{start, ev("e2", rounds.EventNoAccess, rounds.At(9, 10), "a1")}, "events[1].kind", "no_access"},
		{"an unknown worker", roster, []rounds.Event{ev("e1", rounds.EventWorkerUnavailable, rounds.At(9, 0), "w9")}, "events[0].workerId", "w9"},
		{"a position without a location", roster, []rounds.Event{with(ev("e1", rounds.EventWorkerPosition, rounds.At(9, 0), "w1"),
			func(e *rounds.Event) { e.Location = nil })}, "events[0].location", "null"},
		{"a position off the globe", roster, []rounds.Event{with(ev("e1", rounds.EventWorkerPosition, rounds.At(9, 0), "w1"),
			func(e *rounds.Event) { e.Location = &bad })}, "events[0].location", "95,0"},
		{"a time before the day", roster, []rounds.Event{with(start, func(e *rounds.Event) { e.At = -60 })}, "events[0].at", "-00:01"},
		{"a time before the shift", roster, []rounds.Event{with(start, func(e *rounds.Event) { e.At = rounds.At(7, 0) })}, "events[0].at", "07:00"},
		{"a time after the shift", roster, []rounds.Event{ev("e1", rounds.EventWorkerUnavailable, rounds.At(16, 1), "w2")}, "events[0].at", "16:01"},
		{"a time after the overtime", roster, []rounds.Event{ev("e1", rounds.EventWorkerUnavailable, rounds.At(16, 31), "w1")}, "events[0].at", "16:31"},
	} {
		t.Run(c.name, func(t *testing.T) {
			kept, err := rounds.ValidateEvents(req, c.roster, c.events)
			e, ok := err.(*rounds.Error)
			if !ok || e.Code != rounds.EINVALID || e.Field != c.field || c.value != "" && e.Value != c.value {
				t.Fatalf("got %v (%d kept), want EINVALID naming %s = %s", err, len(kept), c.field, c.value)
			}
		})
	}
}

// TestValidateEventsKeeps: a good history is kept with its date filled
// in; an event sent twice is kept once; a cancelled visit need not be on
// a round; a worker's overtime is within the day; a visit event may name
// either worker of a double-handed visit.
func TestValidateEventsKeeps(t *testing.T) {
	req, roster := liveFixture()
	events := []rounds.Event{
		ev("e1", rounds.EventVisitStarted, rounds.At(9, 5), "a1"),
		ev("e2", rounds.EventVisitFinished, rounds.At(9, 40), "a1"),
		ev("e1", rounds.EventVisitStarted, rounds.At(9, 5), "a1"),
		ev("e3", rounds.EventVisitCancelled, rounds.At(9, 0), "u"),
		ev("e4", rounds.EventWorkerUnavailable, rounds.At(16, 20), "w1"),
		ev("e5", rounds.EventWorkerPosition, rounds.At(9, 50), "w3"),
		{ID: "e6", Kind: rounds.EventVisitStarted, Date: day, At: rounds.At(11, 0), VisitID: "p", WorkerID: "w2"},
	}
	kept, err := rounds.ValidateEvents(req, roster, events)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range kept {
		ids = append(ids, e.ID)
		if e.Date != day {
			t.Errorf("event %s kept with date %q, want %s", e.ID, e.Date, day)
		}
	}
	if fmt.Sprint(ids) != "[e1 e2 e3 e4 e5 e6]" {
		t.Errorf("kept %v, want each event once, in order", ids)
	}
	again, err := rounds.ValidateEvents(req, roster, append(kept, events[0], events[6]))
	if err != nil || len(again) != len(kept) {
		t.Errorf("the kept history and two of its events again: %v, %d kept; want the history unchanged", err, len(again))
	}
}
