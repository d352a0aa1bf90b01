package rounds

// BreakRule gives a break to every worker whose shift is long: one pause
// of Minutes, inside Window, taken between two stops (after a visit, or
// before leaving the start, and before travelling on), where the route
// makes it cheapest. Zero fields take the defaults.
type BreakRule struct {
	// AfterShiftMinutes: a shift longer than this (end minus start,
	// overtime not counted) gets a break; 0 means DefaultBreakAfterShiftMinutes.
	AfterShiftMinutes int `json:"afterShiftMinutes,omitempty"`
	// Minutes is the length of the break; 0 means DefaultBreakMinutes.
	Minutes int `json:"minutes,omitempty"`
	// Window holds the whole break: it starts at or after Window.Start
	// and ends by Window.End; nil means DefaultBreakWindow.
	Window *Window `json:"window,omitempty"`
}

// BreakTime is when a route's break is taken.
type BreakTime struct {
	Start Clock `json:"start"`
	End   Clock `json:"end"`
}

// DefaultBreakAfterShiftMinutes is the shift length (six hours) past
// which a worker gets a break.
const DefaultBreakAfterShiftMinutes = 360

// DefaultBreakMinutes is the length of a break.
const DefaultBreakMinutes = 30

// DefaultBreakWindow is when a break is taken: over lunch.
var DefaultBreakWindow = Window{Start: At(12, 0), End: At(14, 0)}

// Length returns the length of the break in seconds.
func (b *BreakRule) Length() int {
	if b.Minutes == 0 {
		return DefaultBreakMinutes * 60
	}
	return b.Minutes * 60
}

// Span returns the window that holds the break.
func (b *BreakRule) Span() Window {
	if b.Window == nil {
		return DefaultBreakWindow
	}
	return *b.Window
}

// Needs reports whether shift s gets a break under the rule: as its
// Break says if set, otherwise if it is longer than AfterShiftMinutes. A
// nil rule gives none.
func (b *BreakRule) Needs(s *Shift) bool {
	if b == nil {
		return false
	}
	if s.Break != nil {
		return *s.Break
	}
	after := b.AfterShiftMinutes
	if after == 0 {
		after = DefaultBreakAfterShiftMinutes
	}
	return int(s.End-s.Start) > after*60
}

// validate checks the rule's fields.
func (b *BreakRule) validate() error {
	if b.AfterShiftMinutes < 0 || b.AfterShiftMinutes > 24*60 {
		return Invalid("options.break.afterShiftMinutes", b.AfterShiftMinutes, "must be between 0 and %d", 24*60)
	}
	if b.Minutes < 0 || b.Minutes > 240 {
		return Invalid("options.break.minutes", b.Minutes, "must be between 0 and 240")
	}
	if w := b.Span(); w.End < w.Start+Clock(b.Length()) || w.End > At(24, 0) {
		return Invalid("options.break.window", w, "must hold the %d-minute break and end by 24:00", b.Length()/60)
	}
	return nil
}

// checkBreakFits checks that a shift that gets a break can hold it:
// the break fits in both the window and the shift.
func (b *BreakRule) checkBreakFits(field string, s *Shift) error {
	if !b.Needs(s) {
		return nil
	}
	w := b.Span()
	if min(w.End, s.End)-max(w.Start, s.Start) < Clock(b.Length()) {
		return Invalid(field, Window{s.Start, s.End}, "the shift gets a break, but no %d-minute break fits in both it and the break window %s", b.Length()/60, w)
	}
	return nil
}
