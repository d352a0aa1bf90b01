package memory

import (
	"fmt"
	"slices"
	"strings"

	"github.com/roundsdev/rounds"
)

// maxNamed is how many referring records a refused delete names.
const maxNamed = 10

// workerNamedBy returns ECONFLICT naming the records of team that still
// name worker id (clients who prefer or decline them, episodes they
// manage, visits pinned to them), or nil if none does; s.mu must be held.
func (s *Store) workerNamedBy(team, id string) error {
	var by []string
	for _, c := range s.clients.byTeam[team] {
		if slices.Contains(c.PreferredWorkers, id) {
			by = append(by, fmt.Sprintf("client %s (preferredWorkers)", c.ID))
		}
		if slices.Contains(c.DeclinedWorkers, id) {
			by = append(by, fmt.Sprintf("client %s (declinedWorkers)", c.ID))
		}
	}
	for _, e := range s.episodes.byTeam[team] {
		if e.CaseManager == id {
			by = append(by, fmt.Sprintf("episode %s (caseManager)", e.ID))
		}
	}
	for _, v := range s.visits.byTeam[team] {
		if v.Pin != nil && v.Pin.WorkerID == id {
			by = append(by, fmt.Sprintf("visit %s (pin)", v.ID))
		}
	}
	if len(by) == 0 {
		return nil
	}
	slices.Sort(by)
	more := ""
	if len(by) > maxNamed {
		more = fmt.Sprintf(" and %d more", len(by)-maxNamed)
		by = by[:maxNamed]
	}
	return &rounds.Error{Code: rounds.ECONFLICT, Field: "id", Value: id,
		Message: fmt.Sprintf("worker %s is still named by %s%s; change or delete them first", id, strings.Join(by, ", "), more)}
}
