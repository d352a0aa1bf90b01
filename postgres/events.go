package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/roundsdev/rounds"
)

// Events returns a roster's events, oldest first.
func (s *Store) Events(ctx context.Context, team, rosterID string) ([]rounds.Event, error) {
	var rows []struct {
		Body   []byte `db:"body"`
		Roster *bool  `db:"roster"`
	}
	// one row with a NULL body for a roster without events; none for no roster
	err := s.selectHot(ctx, &rows, `SELECT e.body, true AS roster FROM rosters r
		LEFT JOIN roster_events e ON e.team_id = r.team_id AND e.roster_id = r.id
		WHERE r.team_id = $1 AND r.id = $2 ORDER BY e.seq`, team, rosterID)
	if err != nil {
		return nil, translate(err, "events of roster "+rosterID)
	}
	if len(rows) == 0 {
		return nil, rounds.Errorf(rounds.ENOTFOUND, "roster %s not found", rosterID)
	}
	out := make([]rounds.Event, 0, len(rows))
	for _, r := range rows {
		if r.Body == nil {
			continue
		}
		var e rounds.Event
		if err := json.Unmarshal(r.Body, &e); err != nil {
			return nil, fmt.Errorf("event of roster %s: %w", rosterID, err)
		}
		out = append(out, e)
	}
	return out, nil
}

// AddEvents appends events to a roster's history if it still holds seen
// events. It takes a transaction lock on the roster's events (an advisory
// lock, so that storing events waits for no roster version being stored)
// before it counts them, in a statement of its own: a count in the
// locking statement would see the history as it was when that statement
// began, before the events of the caller it waited for. So two callers
// who read the same history cannot both extend it.
func (s *Store) AddEvents(ctx context.Context, team, rosterID string, seen int, events []rounds.Event) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('rounds events ' || $1 || '/' || $2, 0))`, team, rosterID); err != nil {
			return fmt.Errorf("lock the events of roster %s: %w", rosterID, err)
		}
		var one int
		err := tx.GetContext(ctx, &one, `SELECT 1 FROM rosters WHERE team_id = $1 AND id = $2`, team, rosterID)
		if err != nil {
			return translate(err, "roster "+rosterID)
		}
		var n int
		err = tx.GetContext(ctx, &n, `SELECT count(*) FROM roster_events WHERE team_id = $1 AND roster_id = $2`, team, rosterID)
		if err != nil {
			return translate(err, "events of roster "+rosterID)
		}
		if n != seen {
			return rounds.Errorf(rounds.ECONFLICT, "roster %s holds %d events, not %d: read them again", rosterID, n, seen)
		}
		actor := rounds.ActorFromContext(ctx)
		for i := range events {
			e := &events[i]
			body, err := json.Marshal(e)
			if err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO roster_events (team_id, roster_id, id, seq, body, created_by) VALUES ($1, $2, $3, $4, $5, $6)`,
				team, rosterID, e.ID, n+i+1, body, actor)
			if err != nil {
				return translate(err, fmt.Sprintf("roster %s event %s", rosterID, e.ID))
			}
			if err := audit(ctx, tx, team, rounds.AuditCreate, "event", rosterID+"/"+e.ID, nil, e); err != nil {
				return err
			}
		}
		return nil
	})
}
