package memory

import (
	"context"
	"slices"
	"strings"

	"github.com/roundsdev/rounds"
)

// ref names a record another record refers to: an entity kind and an ID
// (an empty ID refers to nothing).
type ref struct {
	entity string
	id     string
}

// collection is one kind of team-owned record, guarded by its store's lock.
type collection[T any] struct {
	s       *Store
	entity  string
	id      func(*T) string
	matches func(*T, rounds.Filter) bool
	refs    func(team string, v *T) []ref
	// client returns the ID of the client a record is about, for
	// Filter.Consent; nil for records about no client.
	client func(*T) string
	byTeam map[string]map[string]*T
}

func newCollection[T any](s *Store, entity string, id func(*T) string, matches func(*T, rounds.Filter) bool, refs func(string, *T) []ref, client func(*T) string) *collection[T] {
	return &collection[T]{s: s, entity: entity, id: id, matches: matches, refs: refs, client: client, byTeam: make(map[string]map[string]*T)}
}

// consents reports whether the client of v passes the filter's Consent;
// c.s.mu must be held.
func (c *collection[T]) consents(team string, v *T, f rounds.Filter) bool {
	if f.Consent == nil || c.client == nil {
		return true
	}
	cl, ok := c.s.clients.byTeam[team][c.client(v)]
	return ok && cl.Consent == *f.Consent
}

func (c *collection[T]) has(team, id string) bool {
	_, ok := c.byTeam[team][id]
	return ok
}

func (c *collection[T]) dropTeam(team string) { delete(c.byTeam, team) }

// checkRefs returns ECONFLICT if v refers to a record that does not exist.
func (c *collection[T]) checkRefs(team string, v *T) error {
	if c.refs == nil {
		return nil
	}
	for _, r := range c.refs(team, v) {
		if r.id == "" {
			continue
		}
		ok := false
		switch r.entity {
		case "client":
			ok = c.s.clients.has(team, r.id)
		case "episode":
			ok = c.s.episodes.has(team, r.id)
		}
		if !ok {
			return rounds.Errorf(rounds.ECONFLICT, "%s %s refers to %s %s, which does not exist", c.entity, c.id(v), r.entity, r.id)
		}
	}
	return nil
}

// referenced reports whether another record refers to the record id.
func (c *collection[T]) referenced(team, id string) bool {
	switch c.entity {
	case "client":
		return slices.ContainsFunc(values(c.s.visits.byTeam[team]), func(v *rounds.Visit) bool { return v.ClientID == id }) ||
			slices.ContainsFunc(values(c.s.episodes.byTeam[team]), func(e *rounds.Episode) bool { return e.ClientID == id })
	case "episode":
		return slices.ContainsFunc(values(c.s.visits.byTeam[team]), func(v *rounds.Visit) bool { return v.Episode == id })
	}
	return false
}

func values[T any](m map[string]*T) []*T {
	out := make([]*T, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// Create stores a new record.
func (c *collection[T]) Create(ctx context.Context, team string, v *T) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	if err := c.s.hasTeam(team); err != nil {
		return err
	}
	id := c.id(v)
	if c.has(team, id) {
		return rounds.Errorf(rounds.ECONFLICT, "%s %s already exists", c.entity, id)
	}
	if err := c.checkRefs(team, v); err != nil {
		return err
	}
	if c.byTeam[team] == nil {
		c.byTeam[team] = make(map[string]*T)
	}
	c.byTeam[team][id] = clone(v)
	return c.s.record(ctx, team, rounds.AuditCreate, c.entity, id, nil, v)
}

// CreateAll stores new records, all or none.
func (c *collection[T]) CreateAll(ctx context.Context, team string, vs []T) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	if err := c.s.hasTeam(team); err != nil {
		return err
	}
	seen := make(map[string]bool, len(vs))
	for i := range vs {
		id := c.id(&vs[i])
		if c.has(team, id) || seen[id] {
			return rounds.Errorf(rounds.ECONFLICT, "%s %s already exists", c.entity, id)
		}
		seen[id] = true
		if err := c.checkRefs(team, &vs[i]); err != nil {
			return err
		}
	}
	return c.insert(ctx, team, vs)
}

// insert stores checked new records and audits them; c.s.mu must be held.
func (c *collection[T]) insert(ctx context.Context, team string, vs []T) error {
	if c.byTeam[team] == nil {
		c.byTeam[team] = make(map[string]*T)
	}
	for i := range vs {
		id := c.id(&vs[i])
		c.byTeam[team][id] = clone(&vs[i])
		if err := c.s.record(ctx, team, rounds.AuditCreate, c.entity, id, nil, &vs[i]); err != nil {
			return err
		}
	}
	return nil
}

// Get returns one record.
func (c *collection[T]) Get(_ context.Context, team, id string) (*T, error) {
	c.s.mu.RLock()
	defer c.s.mu.RUnlock()
	v, ok := c.byTeam[team][id]
	if !ok {
		return nil, rounds.Errorf(rounds.ENOTFOUND, "%s %s not found", c.entity, id)
	}
	return clone(v), nil
}

// List returns a page of the team's records ordered by ID.
func (c *collection[T]) List(_ context.Context, team string, f rounds.Filter) (*rounds.Page[T], error) {
	c.s.mu.RLock()
	defer c.s.mu.RUnlock()
	var all []*T
	for _, v := range c.byTeam[team] {
		if c.matches(v, f) && c.consents(team, v, f) {
			all = append(all, v)
		}
	}
	slices.SortFunc(all, func(a, b *T) int { return strings.Compare(c.id(a), c.id(b)) })
	p := page(all, f)
	items := make([]T, len(p.Items))
	for i, v := range p.Items {
		items[i] = *clone(v)
	}
	return &rounds.Page[T]{Items: items, Total: p.Total, Offset: p.Offset, Limit: p.Limit}, nil
}

// Update replaces a record.
func (c *collection[T]) Update(ctx context.Context, team string, v *T) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	id := c.id(v)
	old, ok := c.byTeam[team][id]
	if !ok {
		return rounds.Errorf(rounds.ENOTFOUND, "%s %s not found", c.entity, id)
	}
	if err := c.checkRefs(team, v); err != nil {
		return err
	}
	c.byTeam[team][id] = clone(v)
	return c.s.record(ctx, team, rounds.AuditUpdate, c.entity, id, old, v)
}

// Delete removes a record.
func (c *collection[T]) Delete(ctx context.Context, team, id string) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	old, ok := c.byTeam[team][id]
	if !ok {
		return rounds.Errorf(rounds.ENOTFOUND, "%s %s not found", c.entity, id)
	}
	if c.referenced(team, id) {
		return rounds.Errorf(rounds.ECONFLICT, "%s %s is still referred to by other records", c.entity, id)
	}
	if c.entity == "worker" {
		if err := c.s.workerNamedBy(team, id); err != nil {
			return err
		}
	}
	delete(c.byTeam[team], id)
	return c.s.record(ctx, team, rounds.AuditDelete, c.entity, id, old, nil)
}

func workerMatches(w *rounds.Worker, f rounds.Filter) bool {
	if f.Role != "" && w.Role != f.Role || f.Network != "" && w.Network != f.Network {
		return false
	}
	if f.From == "" && f.To == "" {
		return true
	}
	return slices.ContainsFunc(w.Shifts, func(s rounds.Shift) bool { return inRange(s.Date, s.Date, f) })
}

func clientMatches(c *rounds.Client, f rounds.Filter) bool {
	return f.Network == "" || c.Network == f.Network
}

func episodeMatches(e *rounds.Episode, f rounds.Filter) bool {
	return (f.ClientID == "" || e.ClientID == f.ClientID) && inRange(e.Start, e.End, f)
}

func visitMatches(v *rounds.Visit, f rounds.Filter) bool {
	return (f.ClientID == "" || v.ClientID == f.ClientID) && (f.Episode == "" || v.Episode == f.Episode) &&
		(f.Priority == "" || v.Priority == f.Priority) && inRange(v.Date, v.Date, f)
}

// inRange reports whether [start, end] overlaps the filter's [From, To];
// an empty bound is open.
func inRange(start, end rounds.Date, f rounds.Filter) bool {
	return (f.From == "" || end >= f.From) && (f.To == "" || start <= f.To)
}
