package api

import (
	"sort"

	"github.com/roundsdev/rounds"
)

// Diff lists how two versions of a roster differ, visit by visit.
type Diff struct {
	RosterID string   `json:"rosterId"`
	From     int      `json:"from"`
	To       int      `json:"to"`
	Changes  []Change `json:"changes"`
}

// Change is what happened to one visit between two versions: "assigned",
// "unassigned", "moved" (to another worker) or "retimed" (same worker,
// another start).
type Change struct {
	VisitID string      `json:"visitId"`
	Change  string      `json:"change"`
	Before  *Assignment `json:"before,omitempty"`
	After   *Assignment `json:"after,omitempty"`
}

// Assignment is who makes a visit and when.
type Assignment struct {
	WorkerID string       `json:"workerId"`
	Start    rounds.Clock `json:"start"`
}

// assignments maps each visit of a roster to its first worker and start.
func assignments(r *rounds.Roster) map[string]Assignment {
	out := map[string]Assignment{}
	for _, rt := range r.Routes {
		for _, s := range rt.Stops {
			if _, ok := out[s.VisitID]; !ok {
				out[s.VisitID] = Assignment{WorkerID: rt.WorkerID, Start: s.Start}
			}
		}
	}
	return out
}

// diff returns the changes from a to b, ordered by visit id.
func diff(a, b *rounds.Roster) []Change {
	before, after := assignments(a), assignments(b)
	changes := []Change{}
	for id, x := range before {
		y, ok := after[id]
		switch {
		case !ok:
			changes = append(changes, Change{VisitID: id, Change: "unassigned", Before: &x})
		case x.WorkerID != y.WorkerID:
			changes = append(changes, Change{VisitID: id, Change: "moved", Before: &x, After: &y})
		case x.Start != y.Start:
			changes = append(changes, Change{VisitID: id, Change: "retimed", Before: &x, After: &y})
		}
	}
	for id, y := range after {
		if _, ok := before[id]; !ok {
			changes = append(changes, Change{VisitID: id, Change: "assigned", After: &y})
		}
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].VisitID < changes[j].VisitID })
	return changes
}
