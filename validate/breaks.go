package validate

import "github.com/roundsdev/rounds"

// leg returns the travel time to stop s from prev, or 0 when it cannot be
// known.
func (c *checker) leg(w *rounds.Worker, prev rounds.Location, s *rounds.Stop, known bool) int {
	v := c.visits[s.VisitID]
	if !known || w == nil || v == nil {
		return 0
	}
	return c.tables[w.TravelMode].seconds(prev, c.clients[v.ClientID].Location)
}

// checkBreak checks that the route has the break its shift gets, of the
// right length and inside the break window, and no break otherwise.
// Where the break sits among the stops is checked by walk.
func (c *checker) checkBreak(rt *rounds.Route, shift *rounds.Shift) {
	rule := c.req.Options.Break
	needs := rule.Needs(shift) && len(rt.Stops) > 0
	b := rt.Break
	switch {
	case b == nil && needs && !c.breakExcused(rt, shift):
		c.add(RuleBreak, rt.WorkerID, "", rt.Date, "%s has no break, but the shift %s-%s is longer than %s and gets one of %s",
			routeName(rt), shift.Start, shift.End, span(afterShift(rule)), span(rule.Length()))
	case b == nil:
	case !needs:
		c.add(RuleBreak, rt.WorkerID, "", rt.Date, "%s has a break %s-%s, but it gets none", routeName(rt), b.Start, b.End)
	case int(b.End-b.Start) != rule.Length():
		c.add(RuleBreak, rt.WorkerID, "", rt.Date, "%s has a break %s-%s of %s, but breaks last %s",
			routeName(rt), b.Start, b.End, span(int(b.End-b.Start)), span(rule.Length()))
	case b.Start < rule.Span().Start || b.End > rule.Span().End:
		c.add(RuleBreak, rt.WorkerID, "", rt.Date, "%s has a break %s-%s outside the break window %s",
			routeName(rt), b.Start, b.End, rule.Span())
	}
}

// afterShift returns the shift length, in seconds, past which a shift
// gets a break.
func afterShift(b *rounds.BreakRule) int {
	if b.AfterShiftMinutes == 0 {
		return rounds.DefaultBreakAfterShiftMinutes * 60
	}
	return b.AfterShiftMinutes * 60
}
