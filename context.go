package rounds

import "context"

type keyContextKey struct{}

// NewContextWithKey returns a context carrying the API key acting in it.
// Stores name it in the audit log.
func NewContextWithKey(ctx context.Context, k *APIKey) context.Context {
	return context.WithValue(ctx, keyContextKey{}, k)
}

// KeyFromContext returns the API key acting in ctx, or nil.
func KeyFromContext(ctx context.Context) *APIKey {
	k, _ := ctx.Value(keyContextKey{}).(*APIKey)
	return k
}

// ActorFromContext returns the ID of the key acting in ctx, or "system".
func ActorFromContext(ctx context.Context) string {
	if k := KeyFromContext(ctx); k != nil {
		return k.ID
	}
	return "system"
}
