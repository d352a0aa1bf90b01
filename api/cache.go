package api

import (
	"sync"
	"time"
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
