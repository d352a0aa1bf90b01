package rounds

import (
	"fmt"
	"slices"
)

// EventKind says what happened during a live day.
type EventKind string

// The kinds of event a published roster takes.
const (
	// EventVisitStarted: the visit began at At (VisitID).
	EventVisitStarted EventKind = "visit_started"
	// EventVisitFinished: the visit ended at At; it must have started.
	EventVisitFinished EventKind = "visit_finished"
	// EventVisitCancelled: the visit will not happen (the client is in
	// hospital, the referral was withdrawn); nobody goes.
	EventVisitCancelled EventKind = "visit_cancelled"
	// EventNoAccess: the worker went at At and could not get in; the visit
	// is over, not made.
	EventNoAccess EventKind = "no_access"
	// EventWorkerUnavailable: from At the worker makes no visit they have
	// not started (WorkerID): off sick, car broken down.
	EventWorkerUnavailable EventKind = "worker_unavailable"
	// EventWorkerPosition: the worker was at Location at At (WorkerID).
	EventWorkerPosition EventKind = "worker_position"
)

// EventKinds lists every kind of event.
var EventKinds = []EventKind{EventVisitStarted, EventVisitFinished, EventVisitCancelled, EventNoAccess,
	EventWorkerUnavailable, EventWorkerPosition}

// Event is one thing that happened on a published roster's day. Events
// are idempotent by ID: sending the same event again changes nothing.
type Event struct {
	// ID is the caller's own id for the event.
	ID   string    `json:"id"`
	Kind EventKind `json:"kind"`
	// Date is the day of the roster it happened on; empty means the
	// roster's only date.
	Date Date `json:"date,omitempty"`
	// At is when it happened.
	At Clock `json:"at"`
	// VisitID names the visit of the visit events.
	VisitID string `json:"visitId,omitempty"`
	// WorkerID names the worker of the worker events; on a visit event it
	// is optional and, if given, must be on the visit's round.
	WorkerID string `json:"workerId,omitempty"`
	// Location is where the worker was (worker_position only).
	Location *Location `json:"location,omitempty"`
	// Note is free text for the audit trail.
	Note string `json:"note,omitempty"`
}

func (k EventKind) known() bool { return slices.Contains(EventKinds, k) }

func (k EventKind) ofVisit() bool {
	return k == EventVisitStarted || k == EventVisitFinished || k == EventVisitCancelled || k == EventNoAccess
}

// equal reports whether two events say the same thing.
func (e *Event) equal(o *Event) bool {
	same := (e.Location == nil) == (o.Location == nil) && (e.Location == nil || *e.Location == *o.Location)
	return same && e.ID == o.ID && e.Kind == o.Kind && e.Date == o.Date && e.At == o.At &&
		e.VisitID == o.VisitID && e.WorkerID == o.WorkerID && e.Note == o.Note
}

// ValidateEvents checks a roster's whole event history, earlier events
// first: the ones stored and, after them, any new ones. It fills in the
// Date of an event that has none when the roster covers one date, and
// drops an event that repeats an earlier one with the same ID (the same
// event sent twice). It returns the events kept, or an EINVALID *Error
// naming the field of the first bad event ("events[3].at") and its value:
// an unknown kind, visit or worker; a date the roster does not cover; a
// visit event for a visit on no round of that date (any visit of the
// date may be cancelled); a worker who is not on the visit's round; a
// time outside the day (before the shift of the worker concerned starts
// or after it ends with its overtime; a cancellation may come at any time
// of the day); a visit finished before it
// started or never started, started twice, or started, finished or not
// reached after it was cancelled or not reached; a position without a
// valid location; an ID used for a different event.
func ValidateEvents(req *Request, roster *Roster, events []Event) ([]Event, error) {
	dates := map[Date]bool{}
	for i := range roster.Routes {
		dates[roster.Routes[i].Date] = true
	}
	var only Date
	if len(dates) == 1 {
		for d := range dates {
			only = d
		}
	}
	workers := make(map[string]*Worker, len(req.Workers))
	for i := range req.Workers {
		workers[req.Workers[i].ID] = &req.Workers[i]
	}
	visits := make(map[string]*Visit, len(req.Visits))
	for i := range req.Visits {
		visits[req.Visits[i].ID] = &req.Visits[i]
	}
	type routeKey struct {
		visit string
		date  Date
	}
	onRound := map[routeKey][]string{} // workers whose round holds the visit
	for i := range roster.Routes {
		rt := &roster.Routes[i]
		for _, s := range rt.Stops {
			k := routeKey{s.VisitID, rt.Date}
			onRound[k] = append(onRound[k], rt.WorkerID)
		}
	}
	type visitState struct {
		started, finished, over bool
		startedAt               Clock
	}
	state := map[routeKey]*visitState{}
	byID := map[string]int{}
	kept := make([]Event, 0, len(events))
	for i := range events {
		e := events[i]
		f := fmt.Sprintf("events[%d]", i)
		if err := ValidID(f+".id", e.ID); err != nil {
			return nil, err
		}
		if e.Date == "" {
			if only == "" {
				return nil, Invalid(f+".date", `""`, "the roster covers several dates: say which")
			}
			e.Date = only
		}
		if j, seen := byID[e.ID]; seen {
			if kept[j].equal(&e) {
				continue
			}
			return nil, Invalid(f+".id", e.ID, "already used for a different event")
		}
		if !e.Kind.known() {
			return nil, Invalid(f+".kind", e.Kind, "must be one of %v", EventKinds)
		}
		if !dates[e.Date] {
			return nil, Invalid(f+".date", e.Date, "the roster has no round on this date")
		}
		if err := ValidText(f+".note", e.Note); err != nil {
			return nil, err
		}
		var who []string // workers whose shifts bound At
		if e.Kind.ofVisit() {
			v, ok := visits[e.VisitID]
			if !ok {
				return nil, Invalid(f+".visitId", e.VisitID, "the request has no such visit")
			}
			if v.Date != e.Date {
				return nil, Invalid(f+".visitId", e.VisitID, "the visit is on %s, not %s", v.Date, e.Date)
			}
			k := routeKey{e.VisitID, e.Date}
			who = onRound[k]
			if len(who) == 0 && e.Kind != EventVisitCancelled {
				return nil, Invalid(f+".visitId", e.VisitID, "the visit is on no round: it cannot be %s", words(e.Kind))
			}
			if e.WorkerID != "" && !slices.Contains(who, e.WorkerID) {
				return nil, Invalid(f+".workerId", e.WorkerID, "the worker is not on the round of visit %s", e.VisitID)
			}
			st := state[k]
			if st == nil {
				st = &visitState{}
				state[k] = st
			}
			switch {
			case st.over:
				return nil, Invalid(f+".kind", e.Kind, "visit %s was cancelled or not reached earlier", e.VisitID)
			case e.Kind == EventVisitStarted && st.started:
				return nil, Invalid(f+".kind", e.Kind, "visit %s has started already", e.VisitID)
			case e.Kind == EventVisitFinished && !st.started:
				return nil, Invalid(f+".kind", e.Kind, "visit %s has not started", e.VisitID)
			case e.Kind == EventVisitFinished && st.finished:
				return nil, Invalid(f+".kind", e.Kind, "visit %s has finished already", e.VisitID)
			case e.Kind == EventVisitFinished && e.At < st.startedAt:
				return nil, Invalid(f+".at", e.At, "visit %s finishes before it started at %s", e.VisitID, st.startedAt)
			case (e.Kind == EventVisitCancelled || e.Kind == EventNoAccess) && st.started:
				return nil, Invalid(f+".kind", e.Kind, "visit %s has started", e.VisitID)
			}
			switch e.Kind {
			case EventVisitStarted:
				st.started, st.startedAt = true, e.At
			case EventVisitFinished:
				st.finished = true
			default:
				st.over = true
			}
		} else {
			if _, ok := workers[e.WorkerID]; !ok {
				return nil, Invalid(f+".workerId", e.WorkerID, "the request has no such worker")
			}
			who = []string{e.WorkerID}
			if e.Kind == EventWorkerPosition {
				if e.Location == nil {
					return nil, Invalid(f+".location", "null", "a position needs a location")
				}
				if err := validLocation(f+".location", *e.Location); err != nil {
					return nil, err
				}
			}
		}
		if e.Kind == EventVisitCancelled {
			who = nil // a call may cancel any visit of the day, whenever it comes
		}
		if err := eventInDay(f+".at", e, who, workers); err != nil {
			return nil, err
		}
		byID[e.ID] = len(kept)
		kept = append(kept, e)
	}
	return kept, nil
}

// eventInDay checks that e.At falls within the shift, overtime included,
// of one of the workers named, on e's date; with none (a cancelled visit
// nobody was to make), within the day.
func eventInDay(field string, e Event, who []string, workers map[string]*Worker) error {
	if e.At < 0 || e.At > At(24, 0) {
		return Invalid(field, e.At, "must be within the day, 00:00-24:00")
	}
	if len(who) == 0 {
		return nil
	}
	for _, id := range who {
		w := workers[id]
		if w == nil {
			continue
		}
		for _, s := range w.Shifts {
			if s.Date == e.Date && s.Start <= e.At && e.At <= s.End+Clock(s.OvertimeMinutes*60) {
				return nil
			}
		}
	}
	return Invalid(field, e.At, "outside the shift of %s on %s", who[0], e.Date)
}

// words returns an event kind as words, for messages.
func words(k EventKind) string {
	switch k {
	case EventVisitStarted:
		return "started"
	case EventVisitFinished:
		return "finished"
	case EventNoAccess:
		return "reached"
	}
	return string(k)
}
