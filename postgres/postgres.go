// Package postgres is the PostgreSQL Store of rounds (jmoiron/sqlx over
// lib/pq), its embedded schema migrations (pressly/goose) and its durable
// job queue (riverqueue/river on database/sql): several processes on
// several machines share one database and its jobs.
package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/roundsdev/rounds"
)

// Store is a rounds.Store in PostgreSQL. It is safe for concurrent use.
type Store struct {
	db *sqlx.DB
	// queue inserts jobs in the same transaction as their rows; it works
	// none (see Runner).
	queue    *river.Client[*sql.Tx]
	workers  *table[rounds.Worker]
	clients  *table[rounds.Client]
	episodes *table[rounds.Episode]
	visits   *table[rounds.Visit]
	// stmts holds the prepared statements of the hot queries by their text
	// (see stmt).
	stmts sync.Map
	// gate admits MaxConns hot calls at a time in arrival order: a full
	// channel queues its senders first come, first served, where
	// database/sql hands a freed connection to a random waiter, which gives
	// calls that wait more than once (a write) long tails.
	gate chan struct{}
}

var _ rounds.Store = (*Store)(nil)

// MaxConns is how many hot calls (see Store.stmt) run on the database at
// once; Open allows ReservedConns more connections for the job queue and
// the calls that take a transaction. Each hot call is one round trip, so a
// few connections per database core keep the server busy; beyond that
// requests are better queued in Go than in a contended PostgreSQL. On a
// 2-core machine serving 50 clients, 8 did better than 4 and no worse than
// 12 or 20.
const (
	MaxConns      = 8
	ReservedConns = 4
)

// Open connects to the database at url (a lib/pq URL or key=value string)
// and checks that it answers. It does not migrate; see Migrate.
func Open(ctx context.Context, url string) (*Store, error) {
	db, err := sqlx.Open("postgres", url)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	db.SetMaxOpenConns(MaxConns + ReservedConns)
	db.SetMaxIdleConns(MaxConns + ReservedConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	s, err := New(db)
	if err != nil {
		db.Close()
	}
	return s, err
}

// New returns a Store over an open database.
func New(db *sqlx.DB) (*Store, error) {
	queue, err := river.NewClient(riverdatabasesql.New(db.DB), &river.Config{})
	if err != nil {
		return nil, fmt.Errorf("job queue: %w", err)
	}
	s := &Store{db: db, queue: queue, gate: make(chan struct{}, MaxConns)}
	s.workers = workerTable(s)
	s.clients = clientTable(s)
	s.episodes = episodeTable(s)
	s.visits = visitTable(s)
	return s, nil
}

// DB returns the database handle, for Migrate and health checks.
func (s *Store) DB() *sql.DB { return s.db.DB }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Ping returns an error if the database does not answer.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Workers returns the team-owned workers.
func (s *Store) Workers() rounds.Collection[rounds.Worker] { return s.workers }

// Clients returns the team-owned clients.
func (s *Store) Clients() rounds.Collection[rounds.Client] { return s.clients }

// Episodes returns the team-owned episodes.
func (s *Store) Episodes() rounds.Collection[rounds.Episode] { return s.episodes }

// Visits returns the team-owned visits.
func (s *Store) Visits() rounds.Collection[rounds.Visit] { return s.visits }

// stmt returns the prepared statement of query, preparing it on first
// use. database/sql prepares it again on each pooled connection the first
// time that connection runs it; after that a run is one round trip, where
// lib/pq spends two on a query with arguments (parse, then bind and
// execute). Queries must come from a bounded set of texts: values go in
// arguments, never in the text.
func (s *Store) stmt(ctx context.Context, query string) (*sqlx.Stmt, error) {
	if st, ok := s.stmts.Load(query); ok {
		return st.(*sqlx.Stmt), nil
	}
	st, err := s.db.PreparexContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	if prev, loaded := s.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return prev.(*sqlx.Stmt), nil
	}
	return st, nil
}

// hot runs fn with the prepared statement of query once the gate admits
// the call.
func (s *Store) hot(ctx context.Context, query string, fn func(st *sqlx.Stmt) error) error {
	select {
	case s.gate <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.gate }()
	st, err := s.stmt(ctx, query)
	if err != nil {
		return err
	}
	return fn(st)
}

// getHot runs a hot query for one row into dest.
func (s *Store) getHot(ctx context.Context, dest any, query string, args ...any) error {
	return s.hot(ctx, query, func(st *sqlx.Stmt) error { return st.GetContext(ctx, dest, args...) })
}

// selectHot runs a hot query for rows into dest, a pointer to a slice.
func (s *Store) selectHot(ctx context.Context, dest any, query string, args ...any) error {
	return s.hot(ctx, query, func(st *sqlx.Stmt) error { return st.SelectContext(ctx, dest, args...) })
}

// execHot runs a hot statement and returns how many rows it changed.
func (s *Store) execHot(ctx context.Context, query string, args ...any) (int64, error) {
	var n int64
	err := s.hot(ctx, query, func(st *sqlx.Stmt) error {
		res, err := st.ExecContext(ctx, args...)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

// inTx runs fn in a transaction, committing if it returns nil and rolling
// back otherwise, so a failed change leaves nothing half-written.
func (s *Store) inTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// audit appends an entry to the audit log in tx.
func audit(ctx context.Context, tx *sqlx.Tx, team, action, entity, id string, before, after any) error {
	e, err := rounds.NewAuditEntry(ctx, team, action, entity, id, before, after)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_log (team_id, actor, action, entity, entity_id, before, after)
		VALUES (NULLIF($1, ''), $2, $3, $4, $5, $6, $7)`, e.Team, e.Actor, e.Action, e.Entity, e.EntityID, []byte(e.Before), []byte(e.After))
	if err != nil {
		return fmt.Errorf("audit %s %s: %w", entity, id, err)
	}
	return nil
}

// PostgreSQL error codes the store translates.
const (
	pqForeignKey = "23503"
	pqUnique     = "23505"
	pqCheck      = "23514"
	pqDeadlock   = "40P01"
)

// translate turns driver errors into domain errors: no rows is ENOTFOUND,
// a unique violation is ECONFLICT, a foreign key violation is ECONFLICT
// (a missing or still-used record), a check violation is EINVALID. Others
// are wrapped with what was being done.
func translate(err error, what string) error {
	if err == nil {
		return nil
	}
	var re *rounds.Error
	if errors.As(err, &re) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return rounds.Errorf(rounds.ENOTFOUND, "%s not found", what)
	}
	var pe *pq.Error
	if errors.As(err, &pe) {
		switch string(pe.Code) {
		case pqUnique:
			return rounds.Errorf(rounds.ECONFLICT, "%s already exists", what)
		case pqForeignKey:
			return rounds.Errorf(rounds.ECONFLICT, "%s: a record it refers to is missing, or other records still refer to it", what)
		case pqCheck:
			return rounds.Errorf(rounds.EINVALID, "%s: breaks the rule %s", what, pe.Constraint)
		}
	}
	return fmt.Errorf("%s: %w", what, err)
}

// jsonb encodes v for a jsonb column; nil encodes as SQL NULL.
func jsonb(v any) ([]byte, error) {
	if v == nil {
		return nil, nil
	}
	return json.Marshal(v)
}

// dateArg returns d as a date argument, or NULL if empty.
func dateArg(d rounds.Date) any {
	if d == "" {
		return nil
	}
	return string(d)
}

// page returns a page of items with the filter's offset and limit.
func newPage[T any](items []T, total int, f rounds.Filter) *rounds.Page[T] {
	if items == nil {
		items = []T{}
	}
	return &rounds.Page[T]{Items: items, Total: total, Offset: max(f.Offset, 0), Limit: f.PageLimit()}
}
