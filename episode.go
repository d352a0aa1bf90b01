package rounds

import (
	"fmt"
	"slices"
)

// Episode is a spell of care for one client: a rapid-response episode of
// up to 5 days or a reablement episode of up to 6 weeks.
type Episode struct {
	ID       string `json:"id"`
	ClientID string `json:"clientId"`
	// Pathway is RapidResponse or Reablement.
	Pathway Priority `json:"pathway"`
	Start   Date     `json:"start"`
	End     Date     `json:"end"`
	// CaseManager is the ID of the worker responsible for the client.
	CaseManager string   `json:"caseManager,omitempty"`
	Goals       []string `json:"goals,omitempty"`
	// Pattern says which visits the episode needs on each of its days;
	// Visits expands it.
	Pattern []PatternStep `json:"pattern,omitempty"`
}

// The longest episode of each pathway, in days including both ends.
const (
	MaxRapidResponseDays = 5
	MaxReablementDays    = 42
)

// Validate checks the episode's own fields, its pattern included; it does
// not look up its client or case manager.
func (e *Episode) Validate() error {
	if err := ValidID("id", e.ID); err != nil {
		return err
	}
	if err := ValidID("clientId", e.ClientID); err != nil {
		return err
	}
	limit := map[Priority]int{RapidResponse: MaxRapidResponseDays, Reablement: MaxReablementDays}[e.Pathway]
	if limit == 0 {
		return Invalid("pathway", e.Pathway, "want rapid_response or reablement")
	}
	start, err := e.Start.Time()
	if err != nil {
		return Invalid("start", e.Start, "date must be YYYY-MM-DD")
	}
	end, err := e.End.Time()
	if err != nil {
		return Invalid("end", e.End, "date must be YYYY-MM-DD")
	}
	if end.Before(start) {
		return Invalid("end", e.End, "episode ends before it starts (%s)", e.Start)
	}
	if days := e.End.DaysSince(e.Start) + 1; days > limit {
		return Invalid("end", e.End, "a %s episode lasts at most %d days, this one %d", e.Pathway, limit, days)
	}
	if len(e.Goals) > 50 {
		return Invalid("goals", len(e.Goals), "at most 50 goals")
	}
	return e.validatePattern()
}

// PatternStep is a run of days of an episode that share their calls: from
// day FromDay to day ToDay of the episode (day 1 is the episode's Start),
// each day gets one visit per call.
type PatternStep struct {
	FromDay int    `json:"fromDay"`
	ToDay   int    `json:"toDay"`
	Calls   []Call `json:"calls"`
}

// Call is one visit a pattern makes each day it covers. Its name is unique
// among the calls of a day and ends the IDs of its visits.
type Call struct {
	Name            string   `json:"name"`
	DurationMinutes int      `json:"durationMinutes"`
	Windows         []Window `json:"windows,omitempty"`
	Skills          []Skill  `json:"skills,omitempty"`
	// WorkersNeeded is 1, or 2 for a double-handed call; 0 means 1.
	WorkersNeeded int `json:"workersNeeded,omitempty"`
	// ReferredAt is when a rapid-response referral arrived: the call's
	// visit starts no earlier and within RapidResponseTarget. Only a call
	// of a one-day step of a rapid-response episode may have it.
	ReferredAt *Clock `json:"referredAt,omitempty"`
	// Links tie the call to other calls of the same day.
	Links []CallLink `json:"links,omitempty"`
}

// CallLink says a call starts between MinGapMinutes and MaxGapMinutes after
// the start of the call named Call on the same day.
type CallLink struct {
	Call          string `json:"call"`
	MinGapMinutes int    `json:"minGapMinutes"`
	MaxGapMinutes int    `json:"maxGapMinutes"`
}

// Pattern limits.
const (
	MaxPatternSteps = 50
	MaxCallsPerStep = 8
)

// Visits expands the episode's pattern into visits, ordered by day and then
// by step and call. A visit's ID is the episode ID, the day and the call
// name ("e1-d03-morning"), so expanding twice gives the same visits. Each
// visit has the episode's client, the pathway as its priority and the
// episode as Episode; its links name the visits of the same day. It returns
// the episode's validation error, or EINVALID if it has no pattern.
func (e *Episode) Visits() ([]Visit, error) {
	if err := e.Validate(); err != nil {
		return nil, err
	}
	if len(e.Pattern) == 0 {
		return nil, Invalid("pattern", "[]", "the episode has no pattern to expand")
	}
	var out []Visit
	for day := 1; day <= e.Days(); day++ {
		date := e.Start.AddDays(day - 1)
		for _, st := range e.Pattern {
			if day < st.FromDay || day > st.ToDay {
				continue
			}
			for _, c := range st.Calls {
				v := Visit{ID: e.visitID(day, c.Name), ClientID: e.ClientID, Date: date, DurationMinutes: c.DurationMinutes,
					Windows: slices.Clone(c.Windows), Skills: slices.Clone(c.Skills), WorkersNeeded: c.WorkersNeeded,
					Priority: e.Pathway, Episode: e.ID}
				if c.ReferredAt != nil {
					at := *c.ReferredAt
					v.ReferredAt = &at
				}
				for _, l := range c.Links {
					v.Links = append(v.Links, Link{VisitID: e.visitID(day, l.Call), MinGapMinutes: l.MinGapMinutes, MaxGapMinutes: l.MaxGapMinutes})
				}
				out = append(out, v)
			}
		}
	}
	return out, nil
}

// Days returns the length of a valid episode in days, both ends included.
func (e *Episode) Days() int { return e.End.DaysSince(e.Start) + 1 }

// visitID is the ID of the visit of call on day (1-based).
func (e *Episode) visitID(day int, call string) string {
	return fmt.Sprintf("%s-d%02d-%s", e.ID, day, call)
}

// validatePattern checks the pattern of an episode whose other fields are
// valid.
func (e *Episode) validatePattern() error {
	if len(e.Pattern) > MaxPatternSteps {
		return Invalid("pattern", len(e.Pattern), "a pattern has at most %d steps", MaxPatternSteps)
	}
	days := e.Days()
	for i, st := range e.Pattern {
		f := fmt.Sprintf("pattern[%d]", i)
		if st.FromDay < 1 || st.FromDay > days {
			return Invalid(f+".fromDay", st.FromDay, "must be a day of the episode, 1 to %d", days)
		}
		if st.ToDay < st.FromDay || st.ToDay > days {
			return Invalid(f+".toDay", st.ToDay, "must be from fromDay (%d) to the episode's last day (%d)", st.FromDay, days)
		}
		if len(st.Calls) == 0 || len(st.Calls) > MaxCallsPerStep {
			return Invalid(f+".calls", len(st.Calls), "a step has 1 to %d calls", MaxCallsPerStep)
		}
		for j := range st.Calls {
			if err := e.validateCall(i, j); err != nil {
				return err
			}
		}
	}
	for i, st := range e.Pattern {
		for j, c := range st.Calls {
			for k, l := range c.Links {
				if err := e.validateCallLink(fmt.Sprintf("pattern[%d].calls[%d].links[%d]", i, j, k), st, c.Name, l); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// validateCall checks call j of step i on its own and against the calls
// of the same name in earlier steps.
func (e *Episode) validateCall(i, j int) error {
	st := e.Pattern[i]
	c := st.Calls[j]
	f := fmt.Sprintf("pattern[%d].calls[%d]", i, j)
	if err := ValidID(f+".name", c.Name); err != nil {
		return err
	}
	if id := e.visitID(e.Days(), c.Name); len(id) > 64 {
		return Invalid(f+".name", c.Name, "visit ids like %s would be longer than 64 characters; shorten the episode id or the call name", id)
	}
	for pi, prev := range e.Pattern[:i+1] {
		for pj, pc := range prev.Calls {
			if pc.Name != c.Name || (pi == i && pj >= j) || prev.ToDay < st.FromDay || prev.FromDay > st.ToDay {
				continue
			}
			return Invalid(f+".name", c.Name, "pattern[%d].calls[%d] already makes this call on some of days %d-%d", pi, pj, st.FromDay, st.ToDay)
		}
	}
	if c.DurationMinutes <= 0 || c.DurationMinutes > 12*60 {
		return Invalid(f+".durationMinutes", c.DurationMinutes, "must be between 1 and 720")
	}
	for k, w := range c.Windows {
		wf := fmt.Sprintf("%s.windows[%d]", f, k)
		switch {
		case w.End < w.Start:
			return Invalid(wf, w, "window ends before it starts")
		case w.Start < ServiceHours.Start || w.End > ServiceHours.End:
			return Invalid(wf, w, "window is outside the service hours %s", ServiceHours)
		case k > 0 && w.Start <= c.Windows[k-1].End:
			return Invalid(wf, w, "windows must be in order and must not overlap")
		}
	}
	for k, s := range c.Skills {
		if err := ValidID(fmt.Sprintf("%s.skills[%d]", f, k), string(s)); err != nil {
			return err
		}
	}
	if c.WorkersNeeded < 0 || c.WorkersNeeded > 2 {
		return Invalid(f+".workersNeeded", c.WorkersNeeded, "must be 1 or 2")
	}
	if c.ReferredAt != nil {
		switch {
		case e.Pathway != RapidResponse:
			return Invalid(f+".referredAt", *c.ReferredAt, "only calls of a rapid_response episode have a referral time")
		case st.FromDay != st.ToDay:
			return Invalid(f+".referredAt", *c.ReferredAt, "a referral is seen once: its call must be in a one-day step, not days %d-%d", st.FromDay, st.ToDay)
		case !ServiceHours.Contains(*c.ReferredAt):
			return Invalid(f+".referredAt", *c.ReferredAt, "referral time is outside the service hours %s", ServiceHours)
		}
	}
	return nil
}

// validateCallLink checks that the call named l.Call is made on every day
// of step st, and the gap.
func (e *Episode) validateCallLink(f string, st PatternStep, self string, l CallLink) error {
	if l.Call == self {
		return Invalid(f+".call", l.Call, "a call cannot be linked to itself")
	}
	for day := st.FromDay; day <= st.ToDay; day++ {
		if !e.callsOn(day, l.Call) {
			return Invalid(f+".call", l.Call, "no call of this name on day %d", day)
		}
	}
	if l.MinGapMinutes < 0 || l.MaxGapMinutes < l.MinGapMinutes {
		return Invalid(f, fmt.Sprintf("%d-%d", l.MinGapMinutes, l.MaxGapMinutes), "gap must satisfy 0 <= minGapMinutes <= maxGapMinutes")
	}
	return nil
}

// callsOn reports whether the pattern makes the call named name on day.
func (e *Episode) callsOn(day int, name string) bool {
	for _, st := range e.Pattern {
		if day >= st.FromDay && day <= st.ToDay && slices.ContainsFunc(st.Calls, func(c Call) bool { return c.Name == name }) {
			return true
		}
	}
	return false
}

// The standard calls of a reablement day.
var (
	morningCall = Call{Name: "morning", DurationMinutes: 45, Windows: []Window{{At(8, 0), At(9, 30)}}}
	lunchCall   = Call{Name: "lunch", DurationMinutes: 30, Windows: []Window{{At(12, 0), At(13, 30)}},
		Links: []CallLink{{Call: "morning", MinGapMinutes: 240, MaxGapMinutes: 360}}}
	teaCall     = Call{Name: "tea", DurationMinutes: 30, Windows: []Window{{At(16, 0), At(17, 30)}}}
	eveningCall = Call{Name: "evening", DurationMinutes: 30, Windows: []Window{{At(18, 0), At(19, 30)}}}
)

// ReablementTaper returns the standard reablement pattern for an episode
// of the given length: four calls a day in week one (morning, lunch, tea,
// evening), three in week two (no tea), two in weeks three and four
// (morning and evening) and the morning call after that. Lunch, which
// prompts the midday medication, starts 4 to 6 hours after the morning
// call. It returns nil if days is less than 1.
func ReablementTaper(days int) []PatternStep {
	steps := []PatternStep{
		{1, 7, []Call{morningCall, lunchCall, teaCall, eveningCall}},
		{8, 14, []Call{morningCall, lunchCall, eveningCall}},
		{15, 28, []Call{morningCall, eveningCall}},
		{29, MaxReablementDays, []Call{morningCall}},
	}
	return cut(steps, days)
}

// RapidResponsePattern returns the standard rapid-response pattern for an
// episode of the given length: a one-hour assessment on day 1, needing the
// "assessment" skill, for a referral that arrived at referredAt (so it
// starts within RapidResponseTarget of it), then a daily 45-minute
// treatment visit between 09:00 and 17:00. It returns nil if days is less
// than 1.
func RapidResponsePattern(days int, referredAt Clock) []PatternStep {
	steps := []PatternStep{
		{1, 1, []Call{{Name: "assessment", DurationMinutes: 60, Skills: []Skill{"assessment"}, ReferredAt: &referredAt}}},
		{2, MaxRapidResponseDays, []Call{{Name: "treatment", DurationMinutes: 45, Windows: []Window{{At(9, 0), At(17, 0)}}}}},
	}
	return cut(steps, days)
}

// cut returns deep copies of the steps that start by day days, ending no
// later than it.
func cut(steps []PatternStep, days int) []PatternStep {
	var out []PatternStep
	for _, st := range steps {
		if st.FromDay > days {
			break
		}
		st.ToDay = min(st.ToDay, days)
		calls := make([]Call, len(st.Calls))
		for i, c := range st.Calls {
			c.Windows, c.Skills, c.Links = slices.Clone(c.Windows), slices.Clone(c.Skills), slices.Clone(c.Links)
			if c.ReferredAt != nil {
				at := *c.ReferredAt
				c.ReferredAt = &at
			}
			calls[i] = c
		}
		st.Calls = calls
		out = append(out, st)
	}
	return out
}
