package api

import (
	"slices"
	"sync"
	"time"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/solver"
)

// CacheTTL is how long the server trusts a verified API key, or a team's
// skill catalogue, without asking the store again. A key revoked or a team
// changed through this server takes effect at once; through another server
// process sharing the store, within CacheTTL.
const CacheTTL = 5 * time.Second

// maxCached caps a cache: past it the cache starts afresh.
const maxCached = 10000

// cache remembers values by ID for CacheTTL. Values are shared: callers
// must not modify them. The zero cache is ready to use.
type cache[V any] struct {
	mu      sync.Mutex
	entries map[string]cacheEntry[V]
}

type cacheEntry[V any] struct {
	value   V
	expires time.Time
}

// get returns the value of id and true, or false if it is missing or
// expired.
func (c *cache[V]) get(id string) (V, bool) {
	c.mu.Lock()
	e, ok := c.entries[id]
	c.mu.Unlock()
	if !ok || time.Now().After(e.expires) {
		var zero V
		return zero, false
	}
	return e.value, true
}

// put remembers v as the value of id.
func (c *cache[V]) put(id string, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= maxCached {
		c.entries = make(map[string]cacheEntry[V])
	}
	c.entries[id] = cacheEntry[V]{value: v, expires: time.Now().Add(CacheTTL)}
}

// drop forgets id.
func (c *cache[V]) drop(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, id)
}

// liveDay is a roster's live day made ready for referrals, and its state.
// Neither is modified once built.
type liveDay struct {
	live  *solver.Live
	state *rounds.LiveState
}

// liveKey says which live day of a roster a liveDay is: a roster's
// events are only ever appended, so their number names the history.
type liveKey struct {
	version int
	events  int
	date    rounds.Date
	at      rounds.Clock
}

// maxLiveRosters caps the rosters whose live day and live version the
// server keeps (liveCache, versionCache): past it a cache starts afresh.
// A borough day's version and live day take a few megabytes.
const maxLiveRosters = 32

// liveCache keeps the newest live day built for each roster, so that
// dispatchers asking at the same minute of the same version share one
// build (solver.NewLive), even when they ask at once. The zero cache is
// ready to use.
type liveCache struct {
	mu     sync.Mutex
	newest map[string]*liveEntry
}

// liveEntry is one live day, built once; ready is closed when it is.
type liveEntry struct {
	key   liveKey
	once  sync.Once
	ready chan struct{}
	day   *liveDay
	err   error
}

// newestKey returns the key of the newest live day built for roster.
func (c *liveCache) newestKey(roster string) (liveKey, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.newest[roster]
	if !ok {
		return liveKey{}, false
	}
	return e.key, true
}

// get returns the live day key of roster, building it with build unless
// the cache holds it; callers asking for the same key at once wait for
// one build. build is given the roster's previous live day, if it was
// built for the same version, date and time, to reuse what it can. A
// failed build is not kept.
func (c *liveCache) get(roster string, key liveKey, build func(prev *liveDay) (*liveDay, error)) (*liveDay, error) {
	c.mu.Lock()
	e := c.newest[roster]
	var prev *liveDay
	if e == nil || e.key != key {
		if e != nil && e.key.version == key.version && e.key.date == key.date && e.key.at == key.at {
			select {
			case <-e.ready:
				prev = e.day
			default: // still building: build afresh
			}
		}
		if c.newest == nil || len(c.newest) >= maxLiveRosters {
			c.newest = make(map[string]*liveEntry)
		}
		e = &liveEntry{key: key, ready: make(chan struct{})}
		c.newest[roster] = e
	}
	c.mu.Unlock()
	e.once.Do(func() {
		e.day, e.err = build(prev)
		close(e.ready)
	})
	if e.err != nil {
		c.mu.Lock()
		if c.newest[roster] == e {
			delete(c.newest, roster)
		}
		c.mu.Unlock()
	}
	return e.day, e.err
}

// versionCache keeps the newest live version read of each roster, with
// its events, so that a request on a live day that has not changed reads
// neither again. The zero cache is ready to use.
type versionCache struct {
	mu     sync.Mutex
	newest map[string]versionEntry
	// loading holds a lock per roster, taken while its latest version is
	// read from the store: requests that find the cache behind wait for
	// one read, rather than each decoding the version again.
	loading rosterLocks
}

// versionEntry is a roster version and the roster's events.
type versionEntry struct {
	v      *rounds.RosterVersion
	events []rounds.Event
}

// get returns version of roster and the events read with it if the
// cache holds that version.
func (c *versionCache) get(roster string, version int) (*rounds.RosterVersion, []rounds.Event, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.newest[roster]
	if !ok || e.v.Version != version {
		return nil, nil, false
	}
	return e.v, e.events, true
}

// put remembers v and events as the newest of roster, unless it holds a
// newer version or more events of it.
func (c *versionCache) put(roster string, v *rounds.RosterVersion, events []rounds.Event) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.newest[roster]; ok && (e.v.Version > v.Version || e.v.Version == v.Version && len(e.events) > len(events)) {
		return
	}
	if c.newest == nil || len(c.newest) >= maxLiveRosters {
		c.newest = make(map[string]versionEntry)
	}
	c.newest[roster] = versionEntry{v: v, events: slices.Clip(events)}
}

// load returns the roster's version if the cache holds it, else reads the
// latest version with read, one caller at a time per roster, and keeps it
// (with no events yet: the caller reads them).
func (c *versionCache) load(roster string, version int, read func() (*rounds.RosterVersion, error)) (*rounds.RosterVersion, error) {
	defer c.loading.lock(roster)()
	if v, _, ok := c.get(roster, version); ok {
		return v, nil // read by the caller this one waited for
	}
	v, err := read()
	if err != nil {
		return nil, err
	}
	c.put(roster, v, nil)
	return v, nil
}

// rosterLocks holds a mutex per roster. The zero value is ready to use.
type rosterLocks struct {
	mu    sync.Mutex
	locks map[string]*sync.Mutex
}

// lock locks roster's mutex and returns its unlock.
func (l *rosterLocks) lock(roster string) func() {
	l.mu.Lock()
	if l.locks == nil || len(l.locks) >= maxLiveRosters {
		l.locks = make(map[string]*sync.Mutex)
	}
	m := l.locks[roster]
	if m == nil {
		m = new(sync.Mutex)
		l.locks[roster] = m
	}
	l.mu.Unlock()
	m.Lock()
	return m.Unlock
}
