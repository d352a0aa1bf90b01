package rounds

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// AuditEntry is one change in the append-only audit log: who made it, when,
// to what, and the record before and after (null when it did not exist).
type AuditEntry struct {
	ID int64 `json:"id"`
	// Team is the team the change belongs to; empty for API keys.
	Team string `json:"team,omitempty"`
	// Actor is the ID of the API key, or "system" for jobs.
	Actor    string          `json:"actor"`
	Action   string          `json:"action"`
	Entity   string          `json:"entity"`
	EntityID string          `json:"entityId"`
	Before   json.RawMessage `json:"before"`
	After    json.RawMessage `json:"after"`
	At       time.Time       `json:"at"`
}

// The audit actions.
const (
	AuditCreate  = "create"
	AuditUpdate  = "update"
	AuditDelete  = "delete"
	AuditPublish = "publish"
	AuditSubmit  = "submit"
	AuditCancel  = "cancel"
)

// NewAuditEntry returns an entry for a change by the key in ctx, with the
// before and after records encoded as JSON (nil encodes as null).
func NewAuditEntry(ctx context.Context, team, action, entity, entityID string, before, after any) (*AuditEntry, error) {
	b, err := json.Marshal(before)
	if err != nil {
		return nil, fmt.Errorf("audit %s %s: %w", entity, entityID, err)
	}
	a, err := json.Marshal(after)
	if err != nil {
		return nil, fmt.Errorf("audit %s %s: %w", entity, entityID, err)
	}
	return &AuditEntry{Team: team, Actor: ActorFromContext(ctx), Action: action, Entity: entity, EntityID: entityID, Before: b, After: a}, nil
}

// AuditScope says whose audit entries a read returns. The zero scope
// returns none.
type AuditScope struct {
	// All returns every entry, those of no team (API keys) included, and
	// ignores Teams.
	All bool
	// Teams are the teams whose entries are returned.
	Teams []string
}

// AuditScopeOf returns the scope of the audit entries key k may read: all
// for a global key, else its own teams' entries.
func AuditScopeOf(k *APIKey) AuditScope {
	if k.Global() {
		return AuditScope{All: true}
	}
	return AuditScope{Teams: slices.Clone(k.Teams)}
}
