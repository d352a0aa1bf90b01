package postgres

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/roundsdev/rounds"
)

// keyRow is a row of api_keys.
type keyRow struct {
	ID        string         `db:"id"`
	Name      string         `db:"name"`
	Role      string         `db:"role"`
	Teams     pq.StringArray `db:"teams"`
	Hash      string         `db:"hash"`
	CreatedAt time.Time      `db:"created_at"`
}

func toKey(r keyRow) rounds.APIKey {
	teams := []string(r.Teams)
	if teams == nil {
		teams = []string{}
	}
	return rounds.APIKey{ID: r.ID, Name: r.Name, Role: rounds.AccessRole(r.Role), Teams: teams, Hash: r.Hash, CreatedAt: r.CreatedAt.UTC()}
}

// CreateKey stores a key.
func (s *Store) CreateKey(ctx context.Context, k *rounds.APIKey) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &k.CreatedAt, `INSERT INTO api_keys (id, name, role, teams, hash) VALUES ($1, $2, $3, $4, $5) RETURNING created_at`,
			k.ID, k.Name, string(k.Role), pq.StringArray(k.Teams), k.Hash)
		if err != nil {
			return translate(err, "key "+k.ID)
		}
		k.CreatedAt = k.CreatedAt.UTC()
		return audit(ctx, tx, "", rounds.AuditCreate, "key", k.ID, nil, k)
	})
}

// Key returns a key with its hash.
func (s *Store) Key(ctx context.Context, id string) (*rounds.APIKey, error) {
	var r keyRow
	if err := s.getHot(ctx, &r, `SELECT id, name, role, teams, hash, created_at FROM api_keys WHERE id = $1`, id); err != nil {
		return nil, translate(err, "key "+id)
	}
	k := toKey(r)
	return &k, nil
}

// Keys returns every key without hashes.
func (s *Store) Keys(ctx context.Context) ([]rounds.APIKey, error) {
	var rows []keyRow
	if err := s.db.SelectContext(ctx, &rows, `SELECT * FROM api_keys ORDER BY id`); err != nil {
		return nil, translate(err, "list keys")
	}
	out := make([]rounds.APIKey, len(rows))
	for i, r := range rows {
		out[i] = toKey(r)
		out[i].Hash = ""
	}
	return out, nil
}

// DeleteKey revokes a key.
func (s *Store) DeleteKey(ctx context.Context, id string) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		var r keyRow
		if err := tx.GetContext(ctx, &r, `DELETE FROM api_keys WHERE id = $1 RETURNING *`, id); err != nil {
			return translate(err, "key "+id)
		}
		k := toKey(r)
		return audit(ctx, tx, "", rounds.AuditDelete, "key", id, k, nil)
	})
}

// auditRow is a row of audit_log.
type auditRow struct {
	ID       int64     `db:"id"`
	Team     *string   `db:"team_id"`
	Actor    string    `db:"actor"`
	Action   string    `db:"action"`
	Entity   string    `db:"entity"`
	EntityID string    `db:"entity_id"`
	Before   []byte    `db:"before"`
	After    []byte    `db:"after"`
	At       time.Time `db:"at"`
	Total    int       `db:"total"`
}

// Audit returns a page of the audit entries in scope, newest first.
func (s *Store) Audit(ctx context.Context, scope rounds.AuditScope, f rounds.Filter) (*rounds.Page[rounds.AuditEntry], error) {
	var rows []auditRow
	teams := pq.StringArray(scope.Teams)
	if teams == nil {
		teams = pq.StringArray{}
	}
	err := s.db.SelectContext(ctx, &rows, `SELECT *, count(*) OVER () AS total FROM audit_log
		WHERE $1 OR team_id = ANY($2) ORDER BY id DESC LIMIT $3 OFFSET $4`, scope.All, teams, f.PageLimit(), max(f.Offset, 0))
	if err != nil {
		return nil, translate(err, "read audit log")
	}
	items := make([]rounds.AuditEntry, len(rows))
	total := 0
	for i, r := range rows {
		items[i] = rounds.AuditEntry{ID: r.ID, Actor: r.Actor, Action: r.Action, Entity: r.Entity, EntityID: r.EntityID,
			Before: r.Before, After: r.After, At: r.At.UTC()}
		if r.Team != nil {
			items[i].Team = *r.Team
		}
		total = r.Total
	}
	return newPage(items, total, f), nil
}
