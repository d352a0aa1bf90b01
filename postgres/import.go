package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/roundsdev/rounds"
)

// Import stores a request's workers, clients, episodes and visits in one
// transaction: the first record that fails rolls back all of them.
func (s *Store) Import(ctx context.Context, team string, req *rounds.Request) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := hasTeam(ctx, tx, team); err != nil {
			return err
		}
		if err := importAll(ctx, tx, s.workers, team, "workers", req.Workers); err != nil {
			return err
		}
		if err := importAll(ctx, tx, s.clients, team, "clients", req.Clients); err != nil {
			return err
		}
		if err := importAll(ctx, tx, s.episodes, team, "episodes", req.Episodes); err != nil {
			return err
		}
		return importAll(ctx, tx, s.visits, team, "visits", req.Visits)
	})
}

// importAll inserts vs into t in tx, naming the record that fails as
// field[i].
func importAll[T any](ctx context.Context, tx *sqlx.Tx, t *table[T], team, field string, vs []T) error {
	i, err := t.insertAll(ctx, tx, team, vs)
	if err == nil {
		return nil
	}
	id := t.id(&vs[i])
	f := fmt.Sprintf("%s[%d]", field, i)
	var pe *pq.Error
	if errors.As(err, &pe) {
		switch string(pe.Code) {
		case pqUnique:
			return &rounds.Error{Code: rounds.ECONFLICT, Field: f + ".id", Value: id,
				Message: fmt.Sprintf("team %s already has %s %s", team, t.entity, id)}
		case pqForeignKey:
			ref, what := "clientId", "a client"
			if strings.Contains(pe.Constraint, "episode") {
				ref, what = "episode", "an episode"
			}
			return &rounds.Error{Code: rounds.ECONFLICT, Field: f + "." + ref,
				Message: fmt.Sprintf("%s %s refers to %s that neither the request nor the team holds", t.entity, id, what)}
		}
	}
	return translate(err, t.entity+" "+id)
}

// insertAll inserts and audits vs in tx with one prepared statement. On
// failure it returns the index of the record that failed and the driver's
// error, untranslated; ENOTFOUND if the team does not exist.
func (t *table[T]) insertAll(ctx context.Context, tx *sqlx.Tx, team string, vs []T) (int, error) {
	if len(vs) == 0 {
		return 0, nil
	}
	st, err := tx.PreparexContext(ctx, t.sql.create)
	if err != nil {
		return 0, fmt.Errorf("prepare %s insert: %w", t.name, err)
	}
	defer st.Close()
	actor := rounds.ActorFromContext(ctx)
	for i := range vs {
		body, err := json.Marshal(&vs[i])
		if err != nil {
			return i, err
		}
		args := append([]any{team, t.id(&vs[i]), body, actor}, t.values(&vs[i])...)
		res, err := st.ExecContext(ctx, args...)
		if err != nil {
			return i, err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return i, err
		}
		if n == 0 {
			return i, rounds.Errorf(rounds.ENOTFOUND, "team %s not found", team)
		}
	}
	return 0, nil
}
