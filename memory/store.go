// Package memory is a Store that keeps everything in the process's memory:
// the default for trying rounds without a database. Its data is lost when
// the process ends, and its jobs run in the same process.
package memory

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/roundsdev/rounds"
)

// Store is a rounds.Store held in memory. It is safe for concurrent use;
// every change takes one lock, so a change and its audit entry land together.
type Store struct {
	mu          sync.RWMutex
	teams       map[string]*rounds.Team
	keys        map[string]*rounds.APIKey
	audit       []rounds.AuditEntry
	rosters     map[string][]*rounds.RosterVersion // by team/roster id, version order
	events      map[string][]rounds.Event          // by team/roster id, oldest first
	jobs        map[string]*jobRecord
	simulations map[string]*simulationRecord
	queue       chan string
	nextID      int64
	workers     *collection[rounds.Worker]
	clients     *collection[rounds.Client]
	episodes    *collection[rounds.Episode]
	visits      *collection[rounds.Visit]
	now         func() time.Time
}

var _ rounds.Store = (*Store)(nil)

// QueueCapacity is how many jobs may wait in a memory store's queue.
const QueueCapacity = 1024

// NewStore returns an empty store.
func NewStore() *Store {
	s := &Store{
		teams:       make(map[string]*rounds.Team),
		keys:        make(map[string]*rounds.APIKey),
		rosters:     make(map[string][]*rounds.RosterVersion),
		events:      make(map[string][]rounds.Event),
		jobs:        make(map[string]*jobRecord),
		simulations: make(map[string]*simulationRecord),
		queue:       make(chan string, QueueCapacity),
		now:         func() time.Time { return time.Now().UTC() },
	}
	s.workers = newCollection(s, "worker", func(w *rounds.Worker) string { return w.ID }, workerMatches, nil, nil)
	s.clients = newCollection(s, "client", func(c *rounds.Client) string { return c.ID }, clientMatches, nil,
		func(c *rounds.Client) string { return c.ID })
	s.episodes = newCollection(s, "episode", func(e *rounds.Episode) string { return e.ID }, episodeMatches,
		func(team string, e *rounds.Episode) []ref { return []ref{{"client", e.ClientID}} },
		func(e *rounds.Episode) string { return e.ClientID })
	s.visits = newCollection(s, "visit", func(v *rounds.Visit) string { return v.ID }, visitMatches,
		func(team string, v *rounds.Visit) []ref { return []ref{{"client", v.ClientID}, {"episode", v.Episode}} },
		func(v *rounds.Visit) string { return v.ClientID })
	return s
}

// Workers returns the team-owned workers.
func (s *Store) Workers() rounds.Collection[rounds.Worker] { return s.workers }

// Clients returns the team-owned clients.
func (s *Store) Clients() rounds.Collection[rounds.Client] { return s.clients }

// Episodes returns the team-owned episodes.
func (s *Store) Episodes() rounds.Collection[rounds.Episode] { return s.episodes }

// Visits returns the team-owned visits.
func (s *Store) Visits() rounds.Collection[rounds.Visit] { return s.visits }

// Ping always succeeds.
func (s *Store) Ping(context.Context) error { return nil }

// id returns a new unique id; s.mu must be held.
func (s *Store) id() string {
	s.nextID++
	return strconv.FormatInt(s.nextID, 10)
}

// record appends an audit entry; s.mu must be held.
func (s *Store) record(ctx context.Context, team, action, entity, id string, before, after any) error {
	e, err := rounds.NewAuditEntry(ctx, team, action, entity, id, before, after)
	if err != nil {
		return err
	}
	e.ID = int64(len(s.audit) + 1)
	e.At = s.now()
	s.audit = append(s.audit, *e)
	return nil
}

// hasTeam returns ENOTFOUND if the team does not exist; s.mu must be held.
func (s *Store) hasTeam(team string) error {
	if _, ok := s.teams[team]; !ok {
		return rounds.Errorf(rounds.ENOTFOUND, "team %s not found", team)
	}
	return nil
}

// clone returns a deep copy of v through JSON, so the store never shares
// memory with its callers.
func clone[T any](v *T) *T {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("memory: clone %T: %v", v, err))
	}
	var out T
	if err := json.Unmarshal(b, &out); err != nil {
		panic(fmt.Sprintf("memory: clone %T: %v", v, err))
	}
	return &out
}

// page cuts a sorted list to the filter's offset and limit.
func page[T any](items []T, f rounds.Filter) *rounds.Page[T] {
	p := &rounds.Page[T]{Items: []T{}, Total: len(items), Offset: max(f.Offset, 0), Limit: f.PageLimit()}
	if p.Offset < len(items) {
		p.Items = items[p.Offset:min(len(items), p.Offset+p.Limit)]
	}
	return p
}

// CreateTeam stores a new team.
func (s *Store) CreateTeam(ctx context.Context, t *rounds.Team) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.teams[t.ID]; ok {
		return rounds.Errorf(rounds.ECONFLICT, "team %s already exists", t.ID)
	}
	t.CreatedAt = s.now()
	s.teams[t.ID] = clone(t)
	return s.record(ctx, t.ID, rounds.AuditCreate, "team", t.ID, nil, t)
}

// Team returns a team.
func (s *Store) Team(_ context.Context, id string) (*rounds.Team, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, ok := s.teams[id]
	if !ok {
		return nil, rounds.Errorf(rounds.ENOTFOUND, "team %s not found", id)
	}
	return clone(t), nil
}

// Teams returns a page of teams ordered by ID.
func (s *Store) Teams(_ context.Context, f rounds.Filter) (*rounds.Page[rounds.Team], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var all []rounds.Team
	for _, t := range s.teams {
		all = append(all, *clone(t))
	}
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	return page(all, f), nil
}

// UpdateTeam replaces a team's name and skills.
func (s *Store) UpdateTeam(ctx context.Context, t *rounds.Team) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.teams[t.ID]
	if !ok {
		return rounds.Errorf(rounds.ENOTFOUND, "team %s not found", t.ID)
	}
	t.CreatedAt = old.CreatedAt
	s.teams[t.ID] = clone(t)
	return s.record(ctx, t.ID, rounds.AuditUpdate, "team", t.ID, old, t)
}

// DeleteTeam removes a team and everything it owns.
func (s *Store) DeleteTeam(ctx context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.teams[id]
	if !ok {
		return rounds.Errorf(rounds.ENOTFOUND, "team %s not found", id)
	}
	delete(s.teams, id)
	s.workers.dropTeam(id)
	s.clients.dropTeam(id)
	s.episodes.dropTeam(id)
	s.visits.dropTeam(id)
	for k, vs := range s.rosters {
		if vs[0].Team == id {
			delete(s.rosters, k)
			delete(s.events, k)
		}
	}
	for k, j := range s.jobs {
		if j.job.Team == id {
			delete(s.jobs, k)
		}
	}
	for k, sim := range s.simulations {
		if sim.run.Team == id {
			delete(s.simulations, k)
		}
	}
	return s.record(ctx, id, rounds.AuditDelete, "team", id, old, nil)
}

// CreateKey stores a key.
func (s *Store) CreateKey(ctx context.Context, k *rounds.APIKey) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.keys[k.ID]; ok {
		return rounds.Errorf(rounds.ECONFLICT, "key %s already exists", k.ID)
	}
	k.CreatedAt = s.now()
	c := *k
	c.Teams = slices.Clone(k.Teams)
	s.keys[k.ID] = &c
	return s.record(ctx, "", rounds.AuditCreate, "key", k.ID, nil, k)
}

// Key returns a key with its hash.
func (s *Store) Key(_ context.Context, id string) (*rounds.APIKey, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	k, ok := s.keys[id]
	if !ok {
		return nil, rounds.Errorf(rounds.ENOTFOUND, "key %s not found", id)
	}
	c := *k
	c.Teams = slices.Clone(k.Teams)
	return &c, nil
}

// Keys returns every key without hashes.
func (s *Store) Keys(context.Context) ([]rounds.APIKey, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []rounds.APIKey{}
	for _, k := range s.keys {
		c := *k
		c.Hash = ""
		c.Teams = slices.Clone(k.Teams)
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// DeleteKey revokes a key.
func (s *Store) DeleteKey(ctx context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.keys[id]
	if !ok {
		return rounds.Errorf(rounds.ENOTFOUND, "key %s not found", id)
	}
	delete(s.keys, id)
	return s.record(ctx, "", rounds.AuditDelete, "key", id, k, nil)
}

// Audit returns a page of the audit entries in scope, newest first.
func (s *Store) Audit(_ context.Context, scope rounds.AuditScope, f rounds.Filter) (*rounds.Page[rounds.AuditEntry], error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []rounds.AuditEntry
	for i := len(s.audit) - 1; i >= 0; i-- {
		if scope.All || s.audit[i].Team != "" && slices.Contains(scope.Teams, s.audit[i].Team) {
			out = append(out, s.audit[i])
		}
	}
	return page(out, f), nil
}
