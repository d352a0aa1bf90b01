package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/roundsdev/rounds"
)

// table stores one kind of team-owned record: its wire-format body as
// jsonb, plus the columns the API filters on and the foreign keys check.
type table[T any] struct {
	s      *Store
	name   string
	entity string
	id     func(*T) string
	// columns names the extra columns and values returns them for a record.
	columns []string
	values  func(*T) []any
	// where returns the filter's conditions, appending their arguments.
	where func(f rounds.Filter, args *[]any) []string
	// sql holds the fixed statements, built once by build.
	sql struct{ get, create, update, delete string }
}

// build fills in the table's fixed statements.
func (t *table[T]) build() *table[T] {
	t.sql.get = `SELECT body FROM ` + t.name + ` WHERE team_id = $1 AND id = $2`
	t.sql.create = t.createSQL()
	t.sql.update = t.updateSQL()
	t.sql.delete = t.deleteSQL()
	return t
}

func arg(args *[]any, v any) string {
	*args = append(*args, v)
	return fmt.Sprintf("$%d", len(*args))
}

func workerTable(s *Store) *table[rounds.Worker] {
	return (&table[rounds.Worker]{s: s, name: "workers", entity: "worker",
		id:      func(w *rounds.Worker) string { return w.ID },
		columns: []string{"role", "network", "shift_dates"},
		values: func(w *rounds.Worker) []any {
			dates := make([]string, len(w.Shifts))
			for i, sh := range w.Shifts {
				dates[i] = string(sh.Date)
			}
			return []any{string(w.Role), w.Network, pq.Array(dates)}
		},
		where: func(f rounds.Filter, args *[]any) []string {
			var c []string
			if f.Role != "" {
				c = append(c, "role = "+arg(args, string(f.Role)))
			}
			if f.Network != "" {
				c = append(c, "network = "+arg(args, f.Network))
			}
			if f.From != "" || f.To != "" {
				c = append(c, fmt.Sprintf("EXISTS (SELECT 1 FROM unnest(shift_dates) d WHERE (%s::date IS NULL OR d >= %[1]s::date) AND (%s::date IS NULL OR d <= %[2]s::date))",
					arg(args, dateArg(f.From)), arg(args, dateArg(f.To))))
			}
			return c
		},
	}).build()
}

func clientTable(s *Store) *table[rounds.Client] {
	return (&table[rounds.Client]{s: s, name: "clients", entity: "client",
		id:      func(c *rounds.Client) string { return c.ID },
		columns: []string{"network", "consent"},
		values:  func(c *rounds.Client) []any { return []any{c.Network, c.Consent} },
		where: func(f rounds.Filter, args *[]any) []string {
			var c []string
			if f.Network != "" {
				c = append(c, "network = "+arg(args, f.Network))
			}
			if f.Consent != nil {
				c = append(c, "consent = "+arg(args, *f.Consent))
			}
			return c
		},
	}).build()
}

func episodeTable(s *Store) *table[rounds.Episode] {
	return (&table[rounds.Episode]{s: s, name: "episodes", entity: "episode",
		id:      func(e *rounds.Episode) string { return e.ID },
		columns: []string{"client_id", "pathway", "start_date", "end_date"},
		values: func(e *rounds.Episode) []any {
			return []any{e.ClientID, string(e.Pathway), string(e.Start), string(e.End)}
		},
		where: func(f rounds.Filter, args *[]any) []string {
			var c []string
			if f.ClientID != "" {
				c = append(c, "client_id = "+arg(args, f.ClientID))
			}
			if f.Consent != nil {
				c = append(c, clientConsent(f, args))
			}
			if f.From != "" {
				c = append(c, "end_date >= "+arg(args, string(f.From))+"::date")
			}
			if f.To != "" {
				c = append(c, "start_date <= "+arg(args, string(f.To))+"::date")
			}
			return c
		},
	}).build()
}

func visitTable(s *Store) *table[rounds.Visit] {
	return (&table[rounds.Visit]{s: s, name: "visits", entity: "visit",
		id:      func(v *rounds.Visit) string { return v.ID },
		columns: []string{"client_id", "episode_id", "date", "priority"},
		values: func(v *rounds.Visit) []any {
			var episode any
			if v.Episode != "" {
				episode = v.Episode
			}
			return []any{v.ClientID, episode, string(v.Date), string(v.Priority)}
		},
		where: func(f rounds.Filter, args *[]any) []string {
			var c []string
			if f.ClientID != "" {
				c = append(c, "client_id = "+arg(args, f.ClientID))
			}
			if f.Consent != nil {
				c = append(c, clientConsent(f, args))
			}
			if f.Episode != "" {
				c = append(c, "episode_id = "+arg(args, f.Episode))
			}
			if f.Priority != "" {
				c = append(c, "priority = "+arg(args, string(f.Priority)))
			}
			if f.From != "" {
				c = append(c, "date >= "+arg(args, string(f.From))+"::date")
			}
			if f.To != "" {
				c = append(c, "date <= "+arg(args, string(f.To))+"::date")
			}
			return c
		},
	}).build()
}

// clientConsent is the condition that keeps the visits or episodes of
// clients whose consent is *f.Consent; $1 is the team.
func clientConsent(f rounds.Filter, args *[]any) string {
	return "client_id IN (SELECT id FROM clients WHERE team_id = $1 AND consent = " + arg(args, *f.Consent) + ")"
}

// hasTeam returns ENOTFOUND if the team does not exist.
func hasTeam(ctx context.Context, q sqlx.QueryerContext, team string) error {
	var one int
	err := sqlx.GetContext(ctx, q, &one, `SELECT 1 FROM teams WHERE id = $1`, team)
	return translate(err, "team "+team)
}

// The statements of a table are built once; each change is one statement,
// so one round trip: the change and its audit entry commit together
// without BEGIN and COMMIT of their own. $1 is the team, $2 the id, $3 the
// body (or the actor for delete), $4 the actor, then the extra columns.

// createSQL inserts the record if its team exists and audits the insert.
func (t *table[T]) createSQL() string {
	marks := make([]string, len(t.columns))
	for i := range t.columns {
		marks[i] = fmt.Sprintf("$%d", i+5)
	}
	return fmt.Sprintf(`WITH ins AS (
	INSERT INTO %s (team_id, id, body, %s)
	SELECT $1, $2, $3, %s WHERE EXISTS (SELECT 1 FROM teams WHERE id = $1)
	RETURNING id)
INSERT INTO audit_log (team_id, actor, action, entity, entity_id, before, after)
SELECT $1, $4, '%s', '%s', id, NULL, $3 FROM ins`,
		t.name, strings.Join(t.columns, ", "), strings.Join(marks, ", "), rounds.AuditCreate, t.entity)
}

// updateSQL locks the row, replaces it and audits the body it had: the
// locking subquery reads the latest committed body even when another
// update got there first.
func (t *table[T]) updateSQL() string {
	sets := []string{"body = $3"}
	for i, c := range t.columns {
		sets = append(sets, fmt.Sprintf("%s = $%d", c, i+5))
	}
	return fmt.Sprintf(`WITH upd AS (
	UPDATE %[1]s r SET %[2]s
	FROM (SELECT body FROM %[1]s WHERE team_id = $1 AND id = $2 FOR UPDATE) old
	WHERE r.team_id = $1 AND r.id = $2
	RETURNING old.body AS before)
INSERT INTO audit_log (team_id, actor, action, entity, entity_id, before, after)
SELECT $1, $4, '%[3]s', '%[4]s', $2, before, $3 FROM upd`,
		t.name, strings.Join(sets, ", "), rounds.AuditUpdate, t.entity)
}

// deleteSQL removes the row and audits the body it had.
func (t *table[T]) deleteSQL() string {
	return fmt.Sprintf(`WITH del AS (
	DELETE FROM %s WHERE team_id = $1 AND id = $2 RETURNING body)
INSERT INTO audit_log (team_id, actor, action, entity, entity_id, before, after)
SELECT $1, $3, '%s', '%s', $2, body, NULL FROM del`, t.name, rounds.AuditDelete, t.entity)
}

// change runs one of the table's change statements, translating its
// errors as about what, and returns ENOTFOUND naming missing if it touched
// no row.
func (t *table[T]) change(ctx context.Context, query, what, missing string, args ...any) error {
	n, err := t.s.execHot(ctx, query, args...)
	if err != nil {
		return translate(err, what)
	}
	if n == 0 {
		return rounds.Errorf(rounds.ENOTFOUND, "%s not found", missing)
	}
	return nil
}

// Create stores a new record and audits it in one statement.
func (t *table[T]) Create(ctx context.Context, team string, v *T) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	id := t.id(v)
	args := append([]any{team, id, body, rounds.ActorFromContext(ctx)}, t.values(v)...)
	return t.change(ctx, t.sql.create, t.entity+" "+id, "team "+team, args...)
}

// CreateAll stores new records and audits them in one transaction.
func (t *table[T]) CreateAll(ctx context.Context, team string, vs []T) error {
	return t.s.inTx(ctx, func(tx *sqlx.Tx) error {
		if i, err := t.insertAll(ctx, tx, team, vs); err != nil {
			return translate(err, t.entity+" "+t.id(&vs[i]))
		}
		return nil
	})
}

// Get returns one record.
func (t *table[T]) Get(ctx context.Context, team, id string) (*T, error) {
	var body []byte
	if err := t.s.getHot(ctx, &body, t.sql.get, team, id); err != nil {
		return nil, translate(err, t.entity+" "+id)
	}
	var v T
	return &v, json.Unmarshal(body, &v)
}

// List returns a page of the team's records ordered by ID.
func (t *table[T]) List(ctx context.Context, team string, f rounds.Filter) (*rounds.Page[T], error) {
	args := []any{team}
	conds := append([]string{"team_id = $1"}, t.where(f, &args)...)
	where := strings.Join(conds, " AND ")
	q := fmt.Sprintf(`SELECT body, count(*) OVER () AS total FROM %s WHERE %s ORDER BY id LIMIT %s OFFSET %s`,
		t.name, where, arg(&args, f.PageLimit()), arg(&args, max(f.Offset, 0)))
	var rows []struct {
		Body  []byte `db:"body"`
		Total int    `db:"total"`
	}
	if err := t.s.selectHot(ctx, &rows, q, args...); err != nil {
		return nil, translate(err, "list "+t.name)
	}
	items := make([]T, len(rows))
	for i, r := range rows {
		if err := json.Unmarshal(r.Body, &items[i]); err != nil {
			return nil, err
		}
	}
	total := 0
	if len(rows) > 0 {
		total = rows[0].Total
	} else if f.Offset > 0 {
		count := args[:len(args)-2]
		if err := t.s.db.GetContext(ctx, &total, `SELECT count(*) FROM `+t.name+` WHERE `+where, count...); err != nil {
			return nil, translate(err, "count "+t.name)
		}
	}
	return newPage(items, total, f), nil
}

// Update replaces a record and audits the change in one statement.
func (t *table[T]) Update(ctx context.Context, team string, v *T) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	id := t.id(v)
	args := append([]any{team, id, body, rounds.ActorFromContext(ctx)}, t.values(v)...)
	return t.change(ctx, t.sql.update, t.entity+" "+id, t.entity+" "+id, args...)
}

// Delete removes a record and audits it in one statement; a worker in a
// transaction that first checks that no record names it.
func (t *table[T]) Delete(ctx context.Context, team, id string) error {
	if t.entity == "worker" {
		return t.s.deleteWorker(ctx, team, id)
	}
	return t.change(ctx, t.sql.delete, t.entity+" "+id, t.entity+" "+id, team, id, rounds.ActorFromContext(ctx))
}
