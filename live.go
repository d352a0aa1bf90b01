package rounds

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/roundsdev/rounds/geo"
)

// The states of a stop on a live day.
const (
	// StopDone: the visit finished (at actual times if reported, as
	// planned if the round has gone past it without events).
	StopDone = "done"
	// StopNoAccess: the worker went and could not get in.
	StopNoAccess = "no_access"
	// StopUnderWay: the visit has started and not finished.
	StopUnderWay = "under_way"
	// StopCommitted: the worker is on the way to it (or it is held by the
	// other half of its double-handed visit): it no longer changes.
	StopCommitted = "committed"
)

// LiveState is a published roster's day at one time: per round, what is
// done, under way or committed (frozen), and which visits are still free
// to change, from where and when each worker can take new work.
type LiveState struct {
	Date Date  `json:"date"`
	At   Clock `json:"at"`
	// Rounds has one entry per route of the date, in the roster's order.
	Rounds []LiveRound `json:"rounds"`
	// Cancelled lists the visits cancelled by At.
	Cancelled []string `json:"cancelled,omitempty"`
	// Missed lists the free visits no worker can still make: linked to a
	// frozen visit, with no window left in the link's gap.
	Missed []string `json:"missed,omitempty"`
	// events are the events the state was made from.
	events []Event
}

// Events returns the events the state was made from (LiveDay's), so
// that a roster made from the state can be checked against them.
func (s *LiveState) Events() []Event { return s.events }

// LiveRound is one worker's round on a live day.
type LiveRound struct {
	WorkerID string `json:"workerId"`
	// Frozen are the stops that no longer change, in order.
	Frozen []LiveStop `json:"frozen"`
	// Free are the visits of the round still free to change, in the
	// planned order.
	Free []string `json:"free"`
	// From and FreeAt are where and when the worker can take new work:
	// after the last frozen stop (or their start), at the latest of its
	// end, the reported position, a break in hand, and At. The API leaves
	// From out when it is the home of a client whose details it withholds.
	From   Location `json:"from,omitzero"`
	FreeAt Clock    `json:"freeAt"`
	// PositionAt is when the worker reported being at From; nil when From
	// is not a reported position.
	PositionAt *Clock `json:"positionAt,omitempty"`
	// WorkedSeconds is the travel and visit time of the frozen stops.
	WorkedSeconds int `json:"workedSeconds"`
	// Break is the break already taken or in hand; nil if it is still to
	// take (or the shift gets none).
	Break *BreakTime `json:"break,omitempty"`
	// UnavailableFrom is when the worker stops taking visits, if reported.
	UnavailableFrom *Clock `json:"unavailableFrom,omitempty"`
}

// LiveStop is a frozen stop: its visit and when it started and ends.
type LiveStop struct {
	VisitID string `json:"visitId"`
	// State is one of StopDone, StopNoAccess, StopUnderWay, StopCommitted.
	State string `json:"state"`
	Start Clock  `json:"start"`
	End   Clock  `json:"end"`
	// Actual says Start was reported (and End, when State is done).
	Actual bool `json:"actual"`
	// TravelSeconds is the planned journey to the stop.
	TravelSeconds int `json:"travelSeconds"`
}

// liveWalk is where a round is in LiveDay's walk along it.
type liveWalk struct {
	end    Clock    // when the last frozen stop ends (or the planned departure)
	loc    Location // where it is
	frozen int      // number of frozen stops
}

// LiveDay returns the live state of roster's date at time at, from the
// events already checked by ValidateEvents (events of other dates, or
// after at, are ignored). A round's stops are frozen up to the last one
// with a start, finish or no-access event; after it, a stop with no
// event is done as planned if it ends by at (times pushed back by any
// delay before it), under way if it has started by at, and committed if
// the worker has left for it (the planned arrival less the journey is by
// at); the rest are free. A worker with nothing frozen is free from the
// later of their shift's start and at, at their start. A worker
// unavailable from U (reported at any time) makes nothing that had not
// started by U. A double-handed visit frozen on one round is
// frozen on both, with the stops before it, and its two halves start
// together. The break of the roster is taken if it started before the
// worker is free (and before they became unavailable). req is the
// roster's request.
func LiveDay(req *Request, roster *Roster, date Date, events []Event, at Clock) (*LiveState, error) {
	visits := make(map[string]*Visit, len(req.Visits))
	for i := range req.Visits {
		visits[req.Visits[i].ID] = &req.Visits[i]
	}
	type visitEvents struct {
		started, finished, noAccess *Event
		cancelled                   bool
	}
	byVisit := map[string]*visitEvents{}
	unavailable := map[string]Clock{}
	position := map[string]*Event{}
	for i := range events {
		e := &events[i]
		if e.Date == date && e.Kind == EventWorkerUnavailable {
			// one reported after at may announce a later unavailability
			if u, ok := unavailable[e.WorkerID]; !ok || e.At < u {
				unavailable[e.WorkerID] = e.At
			}
		}
		if e.Date != date || e.At > at {
			continue
		}
		if e.Kind.ofVisit() {
			ve := byVisit[e.VisitID]
			if ve == nil {
				ve = &visitEvents{}
				byVisit[e.VisitID] = ve
			}
			switch e.Kind {
			case EventVisitStarted:
				ve.started = e
			case EventVisitFinished:
				ve.finished = e
			case EventNoAccess:
				ve.noAccess = e
			case EventVisitCancelled:
				ve.cancelled = true
			}
			continue
		}
		if e.Kind == EventWorkerPosition {
			if p := position[e.WorkerID]; p == nil || e.At >= p.At {
				position[e.WorkerID] = e
			}
		}
	}
	cancelled := map[string]bool{}
	for id, ve := range byVisit {
		if ve.cancelled {
			cancelled[id] = true
		}
	}
	shiftStart := map[string]Clock{}
	for i := range req.Workers {
		for _, sh := range req.Workers[i].Shifts {
			if sh.Date == date {
				shiftStart[req.Workers[i].ID] = sh.Start
			}
		}
	}
	s := &LiveState{Date: date, At: at, events: events}
	var routes []*Route
	for i := range roster.Routes {
		if roster.Routes[i].Date == date {
			routes = append(routes, &roster.Routes[i])
		}
	}
	if len(routes) == 0 {
		return nil, Invalid("date", date, "the roster has no round on this date")
	}
	// notBefore holds the agreed start of double-handed visits frozen on
	// one round; forced the number of stops a round must freeze.
	notBefore := map[string]Clock{}
	forced := make([]int, len(routes))
	for pass := 0; ; pass++ {
		s.Rounds = s.Rounds[:0]
		for ri, rt := range routes {
			lr := LiveRound{WorkerID: rt.WorkerID}
			u, off := unavailable[rt.WorkerID]
			now := at
			if off && u < now {
				now = u
			}
			w := liveWalk{end: rt.Depart, loc: rt.Start}
			last := -1 // the last stop with an event
			for j, st := range rt.Stops {
				if ve := byVisit[st.VisitID]; ve != nil && (ve.started != nil || ve.noAccess != nil) {
					last = j
				}
			}
			free := false
			for j, st := range rt.Stops {
				if cancelled[st.VisitID] {
					continue
				}
				ve := byVisit[st.VisitID]
				if free {
					lr.Free = append(lr.Free, st.VisitID)
					continue
				}
				v := visits[st.VisitID]
				dur := Clock(0)
				if v != nil {
					dur = Clock(v.DurationMinutes * 60)
				}
				ls := LiveStop{VisitID: st.VisitID, TravelSeconds: st.TravelSeconds}
				arrive := w.end + Clock(st.TravelSeconds)
				start := max(arrive, st.Start)
				if nb, ok := notBefore[st.VisitID]; ok {
					start = max(start, nb)
				}
				switch {
				case ve != nil && ve.noAccess != nil:
					ls.State, ls.Start, ls.End, ls.Actual = StopNoAccess, ve.noAccess.At, ve.noAccess.At, true
				case ve != nil && ve.finished != nil:
					ls.State, ls.Start, ls.End, ls.Actual = StopDone, ve.started.At, ve.finished.At, true
				case ve != nil && ve.started != nil:
					ls.State, ls.Start, ls.End, ls.Actual = StopUnderWay, ve.started.At, max(at, ve.started.At+dur), true
				case j <= last || start+dur <= now:
					ls.State, ls.Start, ls.End = StopDone, start, start+dur
				case start <= now:
					ls.State, ls.Start, ls.End = StopUnderWay, start, start+dur
				case j < forced[ri] || !(off && u <= at) && max(w.end, st.Arrival-Clock(st.TravelSeconds)) <= at:
					ls.State, ls.Start, ls.End = StopCommitted, start, start+dur
				default:
					free = true
					lr.Free = append(lr.Free, st.VisitID)
					continue
				}
				lr.Frozen = append(lr.Frozen, ls)
				lr.WorkedSeconds += st.TravelSeconds + int(ls.End-ls.Start)
				w.end, w.loc = ls.End, st.Location
				w.frozen++
				if ls.State == StopUnderWay || ls.State == StopCommitted {
					free = j >= forced[ri]-1
				}
			}
			if w.frozen == 0 {
				// on shift and not yet out: free from the shift's start,
				// whenever the plan had them leave
				w.end, w.loc = shiftStart[rt.WorkerID], rt.Start
			}
			lr.From, lr.FreeAt = w.loc, max(w.end, at)
			if p := position[rt.WorkerID]; p != nil && p.At >= w.end {
				pa := p.At
				lr.From, lr.FreeAt, lr.PositionAt = *p.Location, max(p.At, at), &pa
			}
			if b := rt.Break; b != nil && b.Start < lr.FreeAt && !(off && u <= b.Start) {
				bt := *b
				lr.Break = &bt
				lr.FreeAt = max(lr.FreeAt, b.End)
			}
			if off {
				uu := u
				lr.UnavailableFrom = &uu
			}
			s.Rounds = append(s.Rounds, lr)
		}
		if !s.alignPairs(visits, routes, notBefore, forced) || pass > 2*len(routes) {
			break
		}
	}
	for id := range cancelled {
		s.Cancelled = append(s.Cancelled, id)
	}
	slices.Sort(s.Cancelled)
	frozen := s.frozen()
	for i := range req.Visits {
		v := &req.Visits[i]
		if v.Date != date || frozen[v.ID] != nil || cancelled[v.ID] {
			continue
		}
		if _, ok := narrowLinks(*v, frozen, cancelled); !ok {
			s.Missed = append(s.Missed, v.ID)
		}
	}
	return s, nil
}

// alignPairs looks at the double-handed visits after a pass of LiveDay:
// one frozen on a single round forces the other round to freeze up to it,
// and two committed halves starting apart get the later start. It reports
// whether it changed anything, so that LiveDay walks the rounds again.
func (s *LiveState) alignPairs(visits map[string]*Visit, routes []*Route, notBefore map[string]Clock, forced []int) bool {
	type half struct {
		round, pos int
		frozen     *LiveStop
	}
	halves := map[string][]half{}
	for ri, rt := range routes {
		for j, st := range rt.Stops {
			if v := visits[st.VisitID]; v == nil || v.Workers() != 2 {
				continue
			}
			h := half{round: ri, pos: j}
			for k := range s.Rounds[ri].Frozen {
				if s.Rounds[ri].Frozen[k].VisitID == st.VisitID {
					h.frozen = &s.Rounds[ri].Frozen[k]
				}
			}
			halves[st.VisitID] = append(halves[st.VisitID], h)
		}
	}
	changed := false
	ids := make([]string, 0, len(halves))
	for id := range halves {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		hs := halves[id]
		if len(hs) != 2 {
			continue
		}
		a, b := hs[0], hs[1]
		switch {
		case (a.frozen == nil) != (b.frozen == nil):
			h := a
			if a.frozen != nil {
				h = b
			}
			if forced[h.round] < h.pos+1 {
				forced[h.round] = h.pos + 1
				changed = true
			}
		case a.frozen != nil && !a.frozen.Actual && !b.frozen.Actual && a.frozen.Start != b.frozen.Start:
			t := max(a.frozen.Start, b.frozen.Start)
			if notBefore[id] != t {
				notBefore[id] = t
				changed = true
			}
		}
	}
	return changed
}

// SameRest reports whether s and o, live states of one roster version,
// date and time, leave the same rest of the day: the same frozen stops at
// the same times, free visits, places and times each worker is free from
// (and since when they were at a reported position), worked time,
// breaks, unavailability, cancelled and missed visits. Whether a time was
// reported or planned (LiveStop.Actual) does not count.
func (s *LiveState) SameRest(o *LiveState) bool {
	if len(s.Rounds) != len(o.Rounds) || !slices.Equal(s.Cancelled, o.Cancelled) || !slices.Equal(s.Missed, o.Missed) {
		return false
	}
	for i := range s.Rounds {
		x, y := &s.Rounds[i], &o.Rounds[i]
		same := x.WorkerID == y.WorkerID && x.From == y.From && x.FreeAt == y.FreeAt && x.WorkedSeconds == y.WorkedSeconds &&
			slices.Equal(x.Free, y.Free) && equalPtr(x.Break, y.Break) && equalPtr(x.UnavailableFrom, y.UnavailableFrom) &&
			equalPtr(x.PositionAt, y.PositionAt) &&
			slices.EqualFunc(x.Frozen, y.Frozen, func(p, q LiveStop) bool {
				p.Actual, q.Actual = false, false
				return p == q
			})
		if !same {
			return false
		}
	}
	return true
}

// equalPtr reports whether two pointers are both nil or point at equal
// values.
func equalPtr[T comparable](a, b *T) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

// frozen returns the set of visits frozen on some round.
func (s *LiveState) frozen() map[string]*LiveStop {
	out := map[string]*LiveStop{}
	for i := range s.Rounds {
		for j := range s.Rounds[i].Frozen {
			out[s.Rounds[i].Frozen[j].VisitID] = &s.Rounds[i].Frozen[j]
		}
	}
	return out
}

// Residual returns the request for the rest of the live day: the visits
// of s.Date neither frozen nor cancelled (the free ones and those the
// roster left out), and per worker the shift of that date only, starting
// at FreeAt from From (the end location kept), with the working time
// left (rounded down to the minute), a break only if it is still to take
// and fits, ending when the worker becomes unavailable; a worker who can
// take nothing more (unavailable, out of working time, or free less than
// a minute before their shift ends) gets no shift. A free visit linked to
// a frozen one gets, instead of the link, its windows narrowed to the
// link's gap after the frozen start; if none is left it is in s.Missed
// and out of the request. Pins to a worker with no shift left, and pinned
// starts before the worker is free, are dropped. req is not modified.
func (s *LiveState) Residual(req *Request) *Request {
	out := *req
	frozen := s.frozen()
	cancelled := map[string]bool{}
	for _, id := range s.Cancelled {
		cancelled[id] = true
	}
	for _, id := range s.Missed {
		cancelled[id] = true
	}
	rounds := make(map[string]*LiveRound, len(s.Rounds))
	for i := range s.Rounds {
		rounds[s.Rounds[i].WorkerID] = &s.Rounds[i]
	}
	out.Workers = make([]Worker, len(req.Workers))
	freeAt := map[string]Clock{}
	for i, w := range req.Workers {
		end := w.EndLocation()
		w.End = &end
		var shift []Shift
		for _, sh := range w.Shifts {
			if sh.Date != s.Date {
				continue
			}
			if lr := rounds[w.ID]; lr != nil {
				var ok bool
				if sh, ok = s.restOf(sh, w.MaxWorkMinutes, lr, req.Options.Break); !ok {
					continue
				}
				w.Start = lr.From
			}
			freeAt[w.ID] = sh.Start
			shift = append(shift, sh)
		}
		w.Shifts = shift
		out.Workers[i] = w
	}
	out.Visits = make([]Visit, 0, len(req.Visits))
	for _, v := range req.Visits {
		if v.Date != s.Date || frozen[v.ID] != nil || cancelled[v.ID] {
			continue
		}
		v, _ = narrowLinks(v, frozen, cancelled)
		if v.Pin != nil {
			t, on := freeAt[v.Pin.WorkerID]
			switch {
			case !on:
				v.Pin = nil
			case v.Pin.Start != nil && *v.Pin.Start < t:
				p := *v.Pin
				p.Start = nil
				v.Pin = &p
			}
		}
		out.Visits = append(out.Visits, v)
	}
	return &out
}

// restOf returns what is left of shift sh, of a worker whose daily cap
// is capMinutes, after the frozen part of lr, and false if nothing is.
func (s *LiveState) restOf(sh Shift, capMinutes int, lr *LiveRound, rule *BreakRule) (Shift, bool) {
	out := sh
	end := sh.End + Clock(sh.OvertimeMinutes*60)
	if u := lr.UnavailableFrom; u != nil && *u < end {
		end = *u
	}
	out.Start = lr.FreeAt
	if out.Start+60 > min(end, sh.End) {
		return sh, false
	}
	if end < sh.End {
		out.End, out.OvertimeMinutes = end, 0
	} else {
		out.OvertimeMinutes = int(end-sh.End) / 60
	}
	if sh.MaxWorkMinutes > 0 {
		capMinutes = sh.MaxWorkMinutes
	}
	if capMinutes > 0 {
		left := (capMinutes*60 - lr.WorkedSeconds) / 60
		if left < 1 {
			return sh, false
		}
		out.MaxWorkMinutes = left
	}
	due := rule.Needs(&sh) && lr.Break == nil
	if due {
		w := rule.Span()
		n := Clock(rule.Length())
		due = min(w.End, out.End)-max(w.Start, out.Start) >= n
	}
	out.Break = &due
	return out, true
}

// narrowLinks replaces v's links to frozen visits by windows: the gap
// after the frozen visit's start, within v's own windows (the service
// hours if it has none). Links to cancelled visits go. It reports false
// if no window is left.
func narrowLinks(v Visit, frozen map[string]*LiveStop, cancelled map[string]bool) (Visit, bool) {
	var keep []Link
	windows := v.Windows
	if len(windows) == 0 {
		windows = []Window{ServiceHours}
	}
	narrowed := false
	for _, l := range v.Links {
		if cancelled[l.VisitID] {
			continue
		}
		f := frozen[l.VisitID]
		if f == nil {
			keep = append(keep, l)
			continue
		}
		lo, hi := f.Start+Clock(l.MinGapMinutes*60), f.Start+Clock(l.MaxGapMinutes*60)
		var next []Window
		for _, w := range windows {
			if a, b := max(w.Start, lo), min(w.End, hi); a <= b {
				next = append(next, Window{a, b})
			}
		}
		windows, narrowed = next, true
	}
	if len(keep) != len(v.Links) {
		v.Links = keep
	}
	if narrowed {
		if len(windows) == 0 {
			return v, false
		}
		v.Windows = windows
	}
	return v, true
}

// Merge returns the whole day's roster after the live day: each round's
// frozen stops at their times, then its stops in residual (a roster of
// s.Residual(req)), coming home from the last of them; the rounds of
// other dates and the visits of other dates are left out. The unassigned
// visits are residual's and the missed ones; cancelled visits are in
// neither. Totals and continuity are summed from the routes (a journey
// home that changed is timed by src); Cost and Score are left for the
// caller to cost the whole day, frozen stops at their live times
// (solver.LiveRoster does, as the validator checks it).
func (s *LiveState) Merge(ctx context.Context, req *Request, roster, residual *Roster, src geo.Source) (*Roster, error) {
	visits := make(map[string]*Visit, len(req.Visits))
	for i := range req.Visits {
		visits[req.Visits[i].ID] = &req.Visits[i]
	}
	rest := map[string]*Route{}
	for i := range residual.Routes {
		rest[residual.Routes[i].WorkerID] = &residual.Routes[i]
	}
	planned := map[string]*Route{}
	for i := range roster.Routes {
		if roster.Routes[i].Date == s.Date {
			planned[roster.Routes[i].WorkerID] = &roster.Routes[i]
		}
	}
	out := &Roster{Team: roster.Team, Unassigned: slices.Clone(residual.Unassigned)}
	var home []int
	for _, lr := range s.Rounds {
		old := planned[lr.WorkerID]
		rt := Route{WorkerID: lr.WorkerID, Date: s.Date, TravelMode: old.TravelMode, Start: old.Start, End: old.End,
			Depart: old.Depart, Return: old.Return, Stops: []Stop{}, Break: lr.Break}
		byID := map[string]Stop{}
		for _, st := range old.Stops {
			byID[st.VisitID] = st
		}
		prev := old.Depart
		for _, f := range lr.Frozen {
			st := byID[f.VisitID]
			if b := lr.Break; b != nil && b.Start >= prev && b.End <= f.Start && b.Start < prev+Clock(f.TravelSeconds) {
				prev = b.End // the break is taken before travelling on
			}
			st.Arrival = min(prev+Clock(f.TravelSeconds), f.Start)
			st.Start, st.End, st.TravelSeconds, st.WaitSeconds = f.Start, f.End, f.TravelSeconds, int(f.Start-st.Arrival)
			rt.Stops = append(rt.Stops, st)
			rt.TravelSeconds += f.TravelSeconds
			rt.WorkSeconds += f.TravelSeconds + int(f.End-f.Start)
			rt.WaitSeconds += st.WaitSeconds
			prev = f.End
		}
		r := rest[lr.WorkerID]
		if r != nil && len(r.Stops) > 0 {
			stops := slices.Clone(r.Stops)
			wait := r.WaitSeconds
			if len(lr.Frozen) == 0 {
				rt.Depart = r.Depart
			} else {
				// the worker leaves the last frozen stop when it ends (or
				// the position reported, at its time) and waits at the
				// next, whenever the rest of the day departs
				first := &stops[0]
				for _, b := range []*BreakTime{lr.Break, r.Break} {
					if b != nil && b.Start >= prev && b.Start < first.Arrival {
						prev = b.End
					}
				}
				if lr.PositionAt != nil {
					prev = max(prev, *lr.PositionAt) // it leaves the position reported
				}
				arrival := min(prev+Clock(first.TravelSeconds), first.Start)
				wait += int(first.Arrival - arrival)
				first.WaitSeconds += int(first.Arrival - arrival)
				first.Arrival = arrival
			}
			rt.Stops = append(rt.Stops, stops...)
			rt.TravelSeconds += r.TravelSeconds
			rt.WorkSeconds += r.WorkSeconds
			rt.WaitSeconds += wait
			rt.OvertimeSeconds = r.OvertimeSeconds
			rt.Return = r.Return
			if r.Break != nil {
				rt.Break = r.Break
			}
		} else if len(lr.Frozen) > 0 {
			home = append(home, len(out.Routes))
		} else if r != nil {
			rt.Depart, rt.Return, rt.Break = r.Depart, r.Return, nil
		} else {
			// no shift left and nothing made: the worker does not go out
			rt.Return, rt.Break = rt.Depart, nil
		}
		out.Routes = append(out.Routes, rt)
	}
	if err := s.homeLegs(ctx, req, out, home, src); err != nil {
		return nil, err
	}
	for _, id := range s.Missed {
		v := visits[id]
		out.Unassigned = append(out.Unassigned, Unassigned{VisitID: id, ClientID: v.ClientID, Priority: v.Priority,
			Reason: ReasonUnreachable, Detail: fmt.Sprintf("the gap after its linked visit closed before any worker could reach visit %s", id)})
	}
	out.sumTotals()
	out.Continuity, out.Totals.MeanDistinctWorkers, out.Totals.PreferredShare = ContinuityOf(req, out.Routes)
	return out, nil
}

// homeLegs times the journey home of the routes at the indices given,
// whose worker makes nothing after their frozen stops. A break the worker's shift gets and has not
// taken is taken on the way home, as soon as the last stop ends within
// the break window, if it fits.
func (s *LiveState) homeLegs(ctx context.Context, req *Request, out *Roster, idx []int, src geo.Source) error {
	for _, i := range idx {
		rt := &out.Routes[i]
		last := rt.Stops[len(rt.Stops)-1]
		leave := last.End
		if rt.Break == nil {
			rt.Break = breakDue(req, rt.WorkerID, s.Date, leave)
		}
		if b := rt.Break; b != nil && b.Start >= last.End {
			leave = b.End // the break taken before going home
		}
		m, err := src.Matrix(ctx, []geo.Point{last.Location.Point(), rt.End.Point()}, rt.TravelMode)
		if err != nil {
			return Errorf(EINTERNAL, "travel home of %s: %v", rt.WorkerID, err)
		}
		t := int(m.At(0, 1))
		rt.TravelSeconds += t
		rt.WorkSeconds += t
		rt.Return = leave + Clock(t)
	}
	return nil
}

// breakDue returns the break worker's shift on date gets under the
// request's rule, taken from after on, or nil if the shift gets none or
// it no longer fits the break window.
func breakDue(req *Request, worker string, date Date, after Clock) *BreakTime {
	rule := req.Options.Break
	for i := range req.Workers {
		if req.Workers[i].ID != worker {
			continue
		}
		for _, sh := range req.Workers[i].Shifts {
			if sh.Date != date || !rule.Needs(&sh) {
				continue
			}
			span, n := rule.Span(), Clock(rule.Length())
			if start := max(after, span.Start); start+n <= span.End {
				return &BreakTime{Start: start, End: start + n}
			}
		}
	}
	return nil
}

// sumTotals recounts the totals that sum the routes and unassigned
// visits; Cost and Score are left as they are.
func (r *Roster) sumTotals() {
	t := &r.Totals
	t.TravelSeconds, t.WorkSeconds, t.WaitSeconds, t.OvertimeSeconds, t.WorkersUsed = 0, 0, 0, 0, 0
	t.AssignedByPriority, t.UnassignedByPriority = map[Priority]int{}, map[Priority]int{}
	seen := map[string]bool{}
	for i := range r.Routes {
		rt := &r.Routes[i]
		t.TravelSeconds += rt.TravelSeconds
		t.WorkSeconds += rt.WorkSeconds
		t.WaitSeconds += rt.WaitSeconds
		t.OvertimeSeconds += rt.OvertimeSeconds
		if len(rt.Stops) > 0 {
			t.WorkersUsed++
		}
		for _, st := range rt.Stops {
			if !seen[st.VisitID] {
				seen[st.VisitID] = true
				t.AssignedByPriority[st.Priority]++
			}
		}
	}
	for _, u := range r.Unassigned {
		t.UnassignedByPriority[u.Priority]++
	}
	t.Assigned, t.Unassigned = len(seen), len(r.Unassigned)
	t.Visits = t.Assigned + t.Unassigned
}

// WithDay returns a copy of r, a roster of req, whose routes and
// unassigned visits of date are day's (a live day's roster): each route
// of date is replaced in place by day's route of its worker (or goes, if
// day has none), and day's other routes come after. Totals and continuity are summed again from
// the routes; Cost and Score are day's plus those of nothing else, so
// the caller costs the whole roster again if r covers other dates.
func (r *Roster) WithDay(req *Request, date Date, day *Roster) *Roster {
	onDate := make(map[string]bool, len(req.Visits))
	for i := range req.Visits {
		onDate[req.Visits[i].ID] = req.Visits[i].Date == date
	}
	byWorker := make(map[string]*Route, len(day.Routes))
	for i := range day.Routes {
		byWorker[day.Routes[i].WorkerID] = &day.Routes[i]
	}
	out := &Roster{Team: r.Team, Routes: make([]Route, 0, len(r.Routes)), Totals: day.Totals}
	used := map[string]bool{}
	for _, rt := range r.Routes {
		if rt.Date != date {
			rt.Stops = slices.Clone(rt.Stops) // r is not modified through out
			out.Routes = append(out.Routes, rt)
		} else if d := byWorker[rt.WorkerID]; d != nil && !used[rt.WorkerID] {
			out.Routes = append(out.Routes, *d)
			used[rt.WorkerID] = true
		}
	}
	for _, rt := range day.Routes {
		if !used[rt.WorkerID] {
			out.Routes = append(out.Routes, rt)
		}
	}
	for _, u := range r.Unassigned {
		if !onDate[u.VisitID] {
			out.Unassigned = append(out.Unassigned, u)
		}
	}
	out.Unassigned = append(out.Unassigned, day.Unassigned...)
	if out.Unassigned == nil {
		out.Unassigned = []Unassigned{}
	}
	out.Totals.Score = maps.Clone(day.Totals.Score)
	out.sumTotals()
	out.Continuity, out.Totals.MeanDistinctWorkers, out.Totals.PreferredShare = ContinuityOf(req, out.Routes)
	return out
}
