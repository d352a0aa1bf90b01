package memory

import (
	"context"
	"slices"

	"github.com/roundsdev/rounds"
)

// Events returns a roster's events, oldest first.
func (s *Store) Events(_ context.Context, team, rosterID string) ([]rounds.Event, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	key := rosterKey(team, rosterID)
	if _, ok := s.rosters[key]; !ok {
		return nil, rounds.Errorf(rounds.ENOTFOUND, "roster %s not found", rosterID)
	}
	out := make([]rounds.Event, len(s.events[key]))
	for i := range out {
		out[i] = *clone(&s.events[key][i])
	}
	return out, nil
}

// AddEvents appends events to a roster's history if it still holds seen
// events.
func (s *Store) AddEvents(ctx context.Context, team, rosterID string, seen int, events []rounds.Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := rosterKey(team, rosterID)
	if _, ok := s.rosters[key]; !ok {
		return rounds.Errorf(rounds.ENOTFOUND, "roster %s not found", rosterID)
	}
	have := s.events[key]
	if len(have) != seen {
		return rounds.Errorf(rounds.ECONFLICT, "roster %s holds %d events, not %d: read them again", rosterID, len(have), seen)
	}
	for i := range events {
		e := &events[i]
		taken := func(o rounds.Event) bool { return o.ID == e.ID }
		if slices.ContainsFunc(have, taken) || slices.ContainsFunc(events[:i], taken) {
			return rounds.Errorf(rounds.ECONFLICT, "roster %s already has event %s", rosterID, e.ID)
		}
	}
	// audit first: an entry that fails to encode leaves nothing stored
	n := len(s.audit)
	for i := range events {
		if err := s.record(ctx, team, rounds.AuditCreate, "event", rosterID+"/"+events[i].ID, nil, &events[i]); err != nil {
			s.audit = s.audit[:n]
			return err
		}
	}
	for i := range events {
		have = append(have, *clone(&events[i]))
	}
	s.events[key] = have
	return nil
}
