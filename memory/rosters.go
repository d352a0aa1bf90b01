package memory

import (
	"context"
	"sort"

	"github.com/roundsdev/rounds"
)

func rosterKey(team, id string) string { return team + "/" + id }

// CreateRoster stores version 1 of a new roster.
func (s *Store) CreateRoster(ctx context.Context, v *rounds.RosterVersion) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.createRoster(ctx, v)
}

// createRoster is CreateRoster with s.mu held.
func (s *Store) createRoster(ctx context.Context, v *rounds.RosterVersion) error {
	if err := s.hasTeam(v.Team); err != nil {
		return err
	}
	if v.JobID != "" {
		for _, vs := range s.rosters {
			if vs[0].Team == v.Team && vs[0].JobID == v.JobID {
				return rounds.Errorf(rounds.ECONFLICT, "job %s already has roster %s", v.JobID, vs[0].RosterID)
			}
		}
	}
	v.RosterID, v.Version, v.Status, v.CreatedAt = s.id(), 1, rounds.RosterDraft, s.now()
	v.CreatedBy = rounds.ActorFromContext(ctx)
	s.rosters[rosterKey(v.Team, v.RosterID)] = []*rounds.RosterVersion{clone(v)}
	return s.record(ctx, v.Team, rounds.AuditCreate, "roster", v.RosterID, nil, summary(v))
}

// AddRosterVersion stores the next version of a roster.
func (s *Store) AddRosterVersion(ctx context.Context, v *rounds.RosterVersion) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addRosterVersion(ctx, v)
}

// addRosterVersion is AddRosterVersion with s.mu held.
func (s *Store) addRosterVersion(ctx context.Context, v *rounds.RosterVersion) error {
	vs, ok := s.rosters[rosterKey(v.Team, v.RosterID)]
	if !ok {
		return rounds.Errorf(rounds.ENOTFOUND, "roster %s not found", v.RosterID)
	}
	if v.Version != len(vs)+1 {
		return rounds.Errorf(rounds.ECONFLICT, "roster %s is at version %d, cannot add version %d", v.RosterID, len(vs), v.Version)
	}
	publish := v.Status == rounds.RosterPublished
	v.Status, v.CreatedAt, v.From, v.To, v.JobID = rounds.RosterDraft, s.now(), vs[0].From, vs[0].To, vs[0].JobID
	v.CreatedBy = rounds.ActorFromContext(ctx)
	if err := s.record(ctx, v.Team, rounds.AuditUpdate, "roster", v.RosterID, summary(vs[len(vs)-1]), summary(v)); err != nil {
		return err
	}
	vs = append(vs, clone(v))
	s.rosters[rosterKey(v.Team, v.RosterID)] = vs
	if publish {
		return s.publish(ctx, vs, v)
	}
	return nil
}

// LiveHead returns the latest version of a published roster and its
// number of events.
func (s *Store) LiveHead(_ context.Context, team, rosterID string) (int, int, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	key := rosterKey(team, rosterID)
	vs, ok := s.rosters[key]
	if !ok {
		return 0, 0, rounds.Errorf(rounds.ENOTFOUND, "roster %s not found", rosterID)
	}
	for _, v := range vs {
		if v.Status == rounds.RosterPublished {
			return len(vs), len(s.events[key]), nil
		}
	}
	return 0, 0, rounds.Invalid("roster", rosterID, "no version of the roster is published: publish one before its live day")
}

// LiveVersion returns the latest version of a published roster.
func (s *Store) LiveVersion(_ context.Context, team, rosterID string) (*rounds.RosterVersion, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	vs, ok := s.rosters[rosterKey(team, rosterID)]
	if !ok {
		return nil, rounds.Errorf(rounds.ENOTFOUND, "roster %s not found", rosterID)
	}
	for _, v := range vs {
		if v.Status == rounds.RosterPublished {
			return clone(vs[len(vs)-1]), nil
		}
	}
	return nil, rounds.Invalid("roster", rosterID, "no version of the roster is published: publish one before its live day")
}

// RosterVersion returns one version, or the latest.
func (s *Store) RosterVersion(_ context.Context, team, rosterID string, version int) (*rounds.RosterVersion, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	vs, ok := s.rosters[rosterKey(team, rosterID)]
	if !ok {
		return nil, rounds.Errorf(rounds.ENOTFOUND, "roster %s not found", rosterID)
	}
	if version == 0 {
		version = len(vs)
	}
	if version < 1 || version > len(vs) {
		return nil, rounds.Errorf(rounds.ENOTFOUND, "roster %s has no version %d", rosterID, version)
	}
	return clone(vs[version-1]), nil
}

// Rosters returns the latest versions of the team's rosters, newest first.
func (s *Store) Rosters(_ context.Context, team string, f rounds.Filter) (*rounds.Page[rounds.RosterVersion], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []rounds.RosterVersion
	for _, vs := range s.rosters {
		v := vs[len(vs)-1]
		if v.Team == team && inRange(v.From, v.To, f) {
			out = append(out, *summary(v))
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].CreatedAt.Equal(out[j].CreatedAt) {
			return out[i].CreatedAt.After(out[j].CreatedAt)
		}
		return out[i].RosterID > out[j].RosterID
	})
	return page(out, f), nil
}

// PublishRoster publishes one version and supersedes the one before.
func (s *Store) PublishRoster(ctx context.Context, team, rosterID string, version int) (*rounds.RosterVersion, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	vs, ok := s.rosters[rosterKey(team, rosterID)]
	if !ok || version < 1 || version > len(vs) {
		return nil, rounds.Errorf(rounds.ENOTFOUND, "roster %s version %d not found", rosterID, version)
	}
	if err := s.publish(ctx, vs, vs[version-1]); err != nil {
		return nil, err
	}
	return clone(vs[version-1]), nil
}

// publish marks v, one of the versions vs, published, and the version
// published before it superseded, and audits it; s.mu must be held. It
// sets the status of v too if v is the caller's copy.
func (s *Store) publish(ctx context.Context, vs []*rounds.RosterVersion, v *rounds.RosterVersion) error {
	before := summary(v)
	for _, o := range vs {
		if o.Status == rounds.RosterPublished {
			o.Status = rounds.RosterSuperseded
		}
	}
	vs[v.Version-1].Status, v.Status = rounds.RosterPublished, rounds.RosterPublished
	return s.record(ctx, v.Team, rounds.AuditPublish, "roster", v.RosterID, before, summary(vs[v.Version-1]))
}

// summary returns a copy of v without its request and roster.
func summary(v *rounds.RosterVersion) *rounds.RosterVersion {
	c := *v
	c.Request, c.Roster = nil, nil
	return &c
}
