package solver

import (
	"cmp"
	"fmt"

	"github.com/roundsdev/rounds"
)

// reqWindows are a visit's windows as the request gives them (the service
// hours if none) on the problem's time axis, and the bounds Build clips
// them to: the service hours, the referral and the deadline.
type reqWindows struct {
	windows []Window
	offset  int32 // midnight of the visit's date
	lo, hi  int32
	// ok is false for a visit pinned to a start: its window is the pin.
	ok bool
}

// requestWindows fills rw for visit v.
func (e *explainer) requestWindows(v int, rw *reqWindows) {
	rv := &e.meta.req.Visits[v]
	rw.offset = int32(rv.Date.DaysSince(e.meta.base) * day)
	rw.ok = rv.Pin == nil || rv.Pin.Start == nil
	rw.windows = rw.windows[:0]
	if len(rv.Windows) == 0 {
		rw.windows = append(rw.windows, Window{rw.offset + int32(rounds.ServiceHours.Start), rw.offset + int32(rounds.ServiceHours.End)})
	}
	for _, w := range rv.Windows {
		rw.windows = append(rw.windows, Window{rw.offset + int32(w.Start), rw.offset + int32(w.End)})
	}
	lo, hi := rounds.ServiceHours.Start, rounds.ServiceHours.End-rounds.Clock(rv.DurationMinutes*60)
	if rv.ReferredAt != nil {
		lo = max(lo, *rv.ReferredAt)
	}
	if dl, ok := rv.LatestStart(); ok {
		hi = min(hi, dl)
	}
	rw.lo, rw.hi = rw.offset+int32(lo), rw.offset+int32(hi)
}

// minutes returns change c for vehicle k in whole minutes:
// rounded up to 5 minutes if the request stays valid (a shift ends by
// 24:00, windows stay in the service hours and apart), else to the
// minute; false if neither is valid.
func (e *explainer) minutes(k int, c change, rw *reqWindows) (int, bool) {
	exact := int((c.need + 59) / 60)
	for _, m := range []int{(exact + 4) / 5 * 5, exact} {
		if e.validChange(k, c, m, rw) {
			return m, true
		}
	}
	return 0, false
}

// validChange reports whether the request stays valid after change c of m
// minutes.
func (e *explainer) validChange(k int, c change, m int, rw *reqWindows) bool {
	d := int32(m * 60)
	ws, j := rw.windows, c.window
	switch c.kind {
	case rounds.SuggestExtendShift:
		sh := e.shift(k)
		return sh.End+rounds.Clock(d+int32(sh.OvertimeMinutes*60)) <= rounds.At(24, 0)
	case rounds.SuggestCloseWindowLater:
		end := ws[j].End + d
		return end <= rw.offset+int32(rounds.ServiceHours.End) && (j+1 == len(ws) || end < ws[j+1].Start)
	case rounds.SuggestOpenWindowEarlier:
		start := ws[j].Start - d
		return start >= rw.offset+int32(rounds.ServiceHours.Start) && (j == 0 || start > ws[j-1].End)
	}
	return true
}

// roundable reports whether change c can be said in whole minutes.
func (e *explainer) roundable(k int, c change, rw *reqWindows) bool {
	_, ok := e.minutes(k, c, rw)
	return ok
}

// words returns the sentence for visit v, unassigned for reason with
// finding f, and the suggestion, if any.
func (e *explainer) words(v int, reason string, f *finding) (string, *rounds.Suggestion) {
	var lead string
	switch {
	case f.onlyOne && len(e.fit) == 1:
		lead = "It needs two workers at once, and only one can fit it in"
	case f.onlyOne:
		lead = "It needs two workers at once, and no two can start it together"
	case f.ch.kind == rounds.SuggestAssign:
		lead = "The search left it out, but it fits"
	case reason == rounds.ReasonUnreachable:
		lead = "No worker on shift can reach it in time"
	case reason == rounds.ReasonWorkingTime:
		lead = "Every worker who could make it would go over their working-time limit"
	default:
		lead = "Nobody can fit it in"
	}
	if f.k < 0 {
		return lead + ".", nil
	}
	detail := lead + ": " + e.blocker(v, f.k, &f.tr)
	switch {
	case f.onlyOne && f.ch.kind == "":
		return detail, nil
	case f.twoNeeded:
		return detail + " It needs two workers at once: a change for one of them would not be enough.", nil
	case f.ch.kind == "":
		return detail + " No change of up to 2 hours to one shift, window or working-time limit, nor taking one visit of no higher priority off a round, lets anyone take it.", nil
	}
	sg := e.suggestion(v, f)
	return detail + " " + sg.Text, sg
}

// blocker says what stops v at try tr of vehicle k's round.
func (e *explainer) blocker(v, k int, tr *try) string {
	p := e.p
	who := e.workerName(k)
	switch {
	case !tr.inWindow && len(e.vwin) == 0:
		return "its links to other visits leave it no time to start."
	case !tr.inWindow:
		return fmt.Sprintf("%s would reach it at %s, after %s.", who, e.clockUp(k, tr.arrive), e.closes(e.vwin, v, k))
	case tr.start > tr.latest:
		tl := e.line(k)
		pushed, arrive, back := e.follow(tl, v, tr.pos, tr.start)
		if pushed >= 0 {
			u := tl.visits[pushed]
			return fmt.Sprintf("%s could start it at %s, but would then reach %s at %s, after %s.",
				who, e.clockUp(k, tr.start), e.meta.req.Visits[u].ID, e.clockUp(k, arrive), e.closes(e.windows(u), u, k))
		}
		end := "their shift ends"
		if p.Vehicles[k].OvertimeCost > 0 {
			end = "their shift and its overtime end"
		}
		return fmt.Sprintf("%s could start it at %s, but would be back at %s, after %s at %s.",
			who, e.clockUp(k, tr.start), e.clockUp(k, back), end, e.clock(k, p.Vehicles[k].Latest))
	case e.overWork(k, tr) > 0:
		return fmt.Sprintf("%s could start it at %s, but would then work %s, over their %s limit.",
			who, e.clockUp(k, tr.start), hm(tr.work), hm(p.Vehicles[k].MaxWork))
	case tr.full:
		return fmt.Sprintf("%s has no capacity left on their round.", who)
	}
	after := "as their first visit"
	if tr.pos > 0 {
		after = "after " + e.meta.req.Visits[e.routes[k][tr.pos-1]].ID
	}
	return fmt.Sprintf("%s can start it at %s, %s.", who, e.clockUp(k, tr.start), after)
}

// closes says when the last of windows, the allowed starts of visit u,
// closes, as seen on vehicle k's day.
func (e *explainer) closes(ws []Window, u, k int) string {
	end := ws[len(ws)-1].End
	rv := &e.meta.req.Visits[u]
	if dl, ok := rv.LatestStart(); ok && end == e.offset(k)+int32(dl) {
		return "its deadline " + e.clock(k, end)
	}
	if len(ws) > 1 {
		return "its last window closes at " + e.clock(k, end)
	}
	return "its window closes at " + e.clock(k, end)
}

// suggestion writes change f.ch for visit v as a rounds.Suggestion.
func (e *explainer) suggestion(v int, f *finding) *rounds.Suggestion {
	k := f.k
	w, sh := e.worker(k), e.shift(k)
	sg := &rounds.Suggestion{Kind: f.ch.kind, WorkerID: w.ID, Date: sh.Date}
	m, _ := e.minutes(k, f.ch, &e.rw)
	d := rounds.Clock(m * 60)
	name := cmp.Or(w.Name, w.ID)
	switch f.ch.kind {
	case rounds.SuggestAssign:
		sg.Text = fmt.Sprintf("Add it to %s's round.", name)
		if f.mate >= 0 {
			mate := e.worker(f.mate)
			sg.PartnerID = mate.ID
			sg.Text = fmt.Sprintf("Add it to %s's and %s's rounds.", name, cmp.Or(mate.Name, mate.ID))
		}
	case rounds.SuggestExtendShift:
		sg.Minutes = m
		sg.Text = fmt.Sprintf("Fits%s if %s's shift ends %s later (%s → %s).", e.with(sg, f), name, plural(m, "minute"), sh.End, sh.End+d)
	case rounds.SuggestRaiseWorkCap:
		sg.Minutes = m
		limit := e.p.Vehicles[k].MaxWork
		sg.Text = fmt.Sprintf("Fits%s if %s's working-time limit is %s higher (%s → %s).", e.with(sg, f), name, plural(m, "minute"), hm(limit), hm(limit+int32(d)))
	case rounds.SuggestCloseWindowLater, rounds.SuggestOpenWindowEarlier:
		sg.Minutes, sg.VisitID, sg.Window = m, e.meta.req.Visits[v].ID, f.ch.window
		ww := e.rw.windows[f.ch.window]
		old := rounds.Window{Start: rounds.Clock(ww.Start - e.rw.offset), End: rounds.Clock(ww.End - e.rw.offset)}
		if f.ch.kind == rounds.SuggestCloseWindowLater {
			sg.Text = fmt.Sprintf("Fits %s's round if its window %s closes %s later (%s → %s).", name, old, plural(m, "minute"), old.End, old.End+d)
		} else {
			sg.Text = fmt.Sprintf("Fits %s's round if its window %s opens %s earlier (%s → %s).", name, old, plural(m, "minute"), old.Start, old.Start-d)
		}
	case rounds.SuggestDropVisit:
		rv := &e.meta.req.Visits[f.drop]
		sg.VisitID = rv.ID
		sg.Text = fmt.Sprintf("Fits if %s (%s) comes off %s's round.", rv.ID, rv.Priority, name)
	}
	return sg
}

// with names the partner of a double-handed visit in sg and returns
// " with Name" for the suggestion's text; "" for a visit of one worker.
func (e *explainer) with(sg *rounds.Suggestion, f *finding) string {
	if f.mate < 0 {
		return ""
	}
	mate := e.worker(f.mate)
	sg.PartnerID = mate.ID
	return " with " + cmp.Or(mate.Name, mate.ID)
}

// worker returns the worker of vehicle k.
func (e *explainer) worker(k int) *rounds.Worker { return &e.meta.req.Workers[e.meta.vehWorker[k]] }

// shift returns the shift of vehicle k.
func (e *explainer) shift(k int) rounds.Shift { return e.worker(k).Shifts[e.meta.vehShift[k]] }

// offset returns midnight of vehicle k's day on the time axis.
func (e *explainer) offset(k int) int32 { return int32(e.meta.vehDay[k] * day) }

// clock writes time t of vehicle k's day.
func (e *explainer) clock(k int, t int32) string { return rounds.Clock(t - e.offset(k)).String() }

// clockUp writes time t of vehicle k's day rounded up to the minute.
func (e *explainer) clockUp(k int, t int32) string { return e.clock(k, (t+59)/60*60) }

// workerName returns "Name (ID)", or the ID if the worker has no name.
func (e *explainer) workerName(k int) string {
	w := e.worker(k)
	if w.Name == "" {
		return w.ID
	}
	return w.Name + " (" + w.ID + ")"
}

// hm writes seconds as hours and minutes, "7h30".
func hm(sec int32) string { return fmt.Sprintf("%dh%02d", sec/3600, sec/60%60) }

// plural writes "1 minute" or "n minutes".
func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}
