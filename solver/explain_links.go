package solver

// holdLinked keeps each served visit that has a link or a pair at its
// start in sol (Schedule) while other visits are tried into its round, so
// that no explanation moves a visit its partner waits for. O(the cost of
// Schedule); nothing is held if p has no links.
func (e *explainer) holdLinked(sol *Solution) {
	if len(e.p.Links) == 0 {
		return
	}
	starts, err := e.p.Schedule(sol.Routes)
	if err != nil {
		return // Roster has checked sol: this does not happen
	}
	e.starts = starts
	e.held = make([]Window, len(e.p.Visits))
	for _, l := range e.p.Links {
		for _, u := range [2]int{l.From, l.To} {
			if s := starts[u]; s != NotServed {
				e.held[u] = Window{s, s}
			}
		}
	}
}

// isHeld reports whether visit u keeps its scheduled start.
func (e *explainer) isHeld(u int) bool { return e.held != nil && e.held[u] != (Window{}) }

// windows returns the allowed starts of a visit on a round: its windows,
// or its scheduled start if it is held.
func (e *explainer) windows(u int) []Window {
	if e.isHeld(u) {
		return e.held[u : u+1]
	}
	return e.p.Visits[u].Windows
}

// linkWindows sets e.vwin to the starts of visit v that its windows and
// its links to served visits allow, and reports whether links narrowed
// them. It also returns v's pair link, or -1. O(links).
func (e *explainer) linkWindows(v int) (narrowed bool, pair int) {
	e.vwin, narrowed, pair = e.linkClip(v, append(e.vwin[:0], e.p.Visits[v].Windows...))
	return narrowed, pair
}

// linkClip narrows ws, starts of visit v, to those its links to served
// visits allow, in place, and reports whether links narrowed them and v's
// pair link, or -1. O(links).
func (e *explainer) linkClip(v int, ws []Window) (out []Window, narrowed bool, pair int) {
	pair = -1
	for i, l := range e.p.Links {
		if l.Pair && (l.From == v || l.To == v) {
			pair = i
			continue
		}
		var lo, hi int32
		switch {
		case l.To == v && e.served(l.From):
			lo, hi = e.starts[l.From]+l.MinGap, e.starts[l.From]+l.MaxGap
		case l.From == v && e.served(l.To):
			lo, hi = e.starts[l.To]-l.MaxGap, e.starts[l.To]-l.MinGap
		default:
			continue
		}
		ws = clip(ws, lo, hi)
		narrowed = true
	}
	return ws, narrowed, pair
}

// served reports whether visit u is on a round.
func (e *explainer) served(u int) bool { return e.starts != nil && e.starts[u] != NotServed }

// clip cuts windows to [lo, hi] in place, dropping the empty ones.
func clip(windows []Window, lo, hi int32) []Window {
	out := windows[:0]
	for _, w := range windows {
		w.Start, w.End = max(w.Start, lo), min(w.End, hi)
		if w.Start <= w.End {
			out = append(out, w)
		}
	}
	return out
}

// startRange returns the starts of v at a fitting try: from its first
// start to the latest the round allows within the same window.
func (e *explainer) startRange(tr *try) Window {
	end := tr.latest
	for _, w := range e.vwin {
		if w.Start <= tr.start && tr.start <= w.End {
			end = min(end, w.End)
		}
	}
	return Window{tr.start, end}
}

// partner looks among the fitting tries of a double-handed visit, by
// vehicle, for a second worker who can start within the pair link's gaps
// of the first. It returns the two vehicles and false if there is none.
func (e *explainer) partner(fit []fitting, l Link) (int, int, bool) {
	for i := range fit {
		for j := range fit {
			a, b := fit[i].at, fit[j].at
			if fit[i].k != fit[j].k && b.Start-a.End <= l.MaxGap && b.End-a.Start >= l.MinGap {
				return i, j, true
			}
		}
	}
	return 0, 0, false
}

// fitting is a round a double-handed visit fits as it is, with the starts
// it could take there.
type fitting struct {
	k  int
	tr try
	at Window
}
