package memory

import (
	"context"
	"fmt"

	"github.com/roundsdev/rounds"
)

// Import stores a request's workers, clients, episodes and visits, all or
// none: it checks every record before it stores the first.
func (s *Store) Import(ctx context.Context, team string, req *rounds.Request) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.hasTeam(team); err != nil {
		return err
	}
	if err := clash(s.workers, team, "workers", req.Workers); err != nil {
		return err
	}
	if err := clash(s.clients, team, "clients", req.Clients); err != nil {
		return err
	}
	if err := clash(s.episodes, team, "episodes", req.Episodes); err != nil {
		return err
	}
	if err := clash(s.visits, team, "visits", req.Visits); err != nil {
		return err
	}
	clients := make(map[string]bool, len(req.Clients))
	for _, c := range req.Clients {
		clients[c.ID] = true
	}
	episodes := make(map[string]bool, len(req.Episodes))
	for _, e := range req.Episodes {
		episodes[e.ID] = true
	}
	for i, e := range req.Episodes {
		if !clients[e.ClientID] && !s.clients.has(team, e.ClientID) {
			return missing(fmt.Sprintf("episodes[%d].clientId", i), "client", e.ClientID)
		}
	}
	for i, v := range req.Visits {
		if !clients[v.ClientID] && !s.clients.has(team, v.ClientID) {
			return missing(fmt.Sprintf("visits[%d].clientId", i), "client", v.ClientID)
		}
		if v.Episode != "" && !episodes[v.Episode] && !s.episodes.has(team, v.Episode) {
			return missing(fmt.Sprintf("visits[%d].episode", i), "episode", v.Episode)
		}
	}
	if err := s.workers.insert(ctx, team, req.Workers); err != nil {
		return err
	}
	if err := s.clients.insert(ctx, team, req.Clients); err != nil {
		return err
	}
	if err := s.episodes.insert(ctx, team, req.Episodes); err != nil {
		return err
	}
	return s.visits.insert(ctx, team, req.Visits)
}

// clash returns ECONFLICT naming field[i].id for the first of vs whose ID
// the team already holds, or an earlier record of vs has.
func clash[T any](c *collection[T], team, field string, vs []T) error {
	seen := make(map[string]bool, len(vs))
	for i := range vs {
		id := c.id(&vs[i])
		if c.has(team, id) || seen[id] {
			return &rounds.Error{Code: rounds.ECONFLICT, Field: fmt.Sprintf("%s[%d].id", field, i), Value: id,
				Message: fmt.Sprintf("team %s already has %s %s", team, c.entity, id)}
		}
		seen[id] = true
	}
	return nil
}

// missing returns ECONFLICT naming field, which refers to a record that
// neither the request nor the team holds.
func missing(field, entity, id string) error {
	return &rounds.Error{Code: rounds.ECONFLICT, Field: field, Value: id,
		Message: fmt.Sprintf("refers to %s %s, which neither the request nor the team holds", entity, id)}
}
