package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/roundsdev/rounds"
)

// teamRow is a row of teams.
type teamRow struct {
	ID        string         `db:"id"`
	Name      string         `db:"name"`
	Skills    pq.StringArray `db:"skills"`
	CreatedAt time.Time      `db:"created_at"`
}

func toTeam(r teamRow) rounds.Team {
	t := rounds.Team{ID: r.ID, Name: r.Name, CreatedAt: r.CreatedAt.UTC()}
	for _, s := range r.Skills {
		t.Skills = append(t.Skills, rounds.Skill(s))
	}
	return t
}

func skills(t *rounds.Team) pq.StringArray {
	out := make(pq.StringArray, len(t.Skills))
	for i, s := range t.Skills {
		out[i] = string(s)
	}
	return out
}

// CreateTeam stores a new team.
func (s *Store) CreateTeam(ctx context.Context, t *rounds.Team) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &t.CreatedAt, `INSERT INTO teams (id, name, skills) VALUES ($1, $2, $3) RETURNING created_at`,
			t.ID, t.Name, skills(t))
		if err != nil {
			return translate(err, "team "+t.ID)
		}
		t.CreatedAt = t.CreatedAt.UTC()
		return audit(ctx, tx, t.ID, rounds.AuditCreate, "team", t.ID, nil, t)
	})
}

// Team returns a team.
func (s *Store) Team(ctx context.Context, id string) (*rounds.Team, error) {
	var r teamRow
	if err := s.getHot(ctx, &r, `SELECT id, name, skills, created_at FROM teams WHERE id = $1`, id); err != nil {
		return nil, translate(err, "team "+id)
	}
	t := toTeam(r)
	return &t, nil
}

// Teams returns a page of teams ordered by ID.
func (s *Store) Teams(ctx context.Context, f rounds.Filter) (*rounds.Page[rounds.Team], error) {
	var rows []teamRow
	if err := s.db.SelectContext(ctx, &rows, `SELECT * FROM teams ORDER BY id LIMIT $1 OFFSET $2`, f.PageLimit(), max(f.Offset, 0)); err != nil {
		return nil, translate(err, "list teams")
	}
	var total int
	if err := s.db.GetContext(ctx, &total, `SELECT count(*) FROM teams`); err != nil {
		return nil, translate(err, "count teams")
	}
	items := make([]rounds.Team, len(rows))
	for i, r := range rows {
		items[i] = toTeam(r)
	}
	return newPage(items, total, f), nil
}

// UpdateTeam replaces a team's name and skills.
func (s *Store) UpdateTeam(ctx context.Context, t *rounds.Team) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		var before teamRow
		if err := tx.GetContext(ctx, &before, `SELECT * FROM teams WHERE id = $1 FOR UPDATE`, t.ID); err != nil {
			return translate(err, "team "+t.ID)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE teams SET name = $2, skills = $3 WHERE id = $1`, t.ID, t.Name, skills(t)); err != nil {
			return translate(err, "team "+t.ID)
		}
		t.CreatedAt = before.CreatedAt.UTC()
		return audit(ctx, tx, t.ID, rounds.AuditUpdate, "team", t.ID, toTeam(before), t)
	})
}

// DeleteTeam removes a team and, by cascade, everything it owns. The
// cascade locks rows of many tables, so a transaction writing the team's
// records at the same time (a plan storing its roster) can deadlock with
// it; PostgreSQL then cancels one of the two, and a cancelled delete is
// tried again, up to deleteAttempts times.
func (s *Store) DeleteTeam(ctx context.Context, id string) error {
	var err error
	for range deleteAttempts {
		err = s.inTx(ctx, func(tx *sqlx.Tx) error {
			var before teamRow
			if err := tx.GetContext(ctx, &before, `DELETE FROM teams WHERE id = $1 RETURNING *`, id); err != nil {
				return err
			}
			return audit(ctx, tx, id, rounds.AuditDelete, "team", id, toTeam(before), nil)
		})
		var pe *pq.Error
		if !errors.As(err, &pe) || pe.Code != pqDeadlock {
			break
		}
	}
	return translate(err, "team "+id)
}

// deleteAttempts is how often DeleteTeam tries when it deadlocks.
const deleteAttempts = 5
