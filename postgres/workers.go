package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/roundsdev/rounds"
)

// maxNamed is how many referring records a refused delete names.
const maxNamed = 10

// workerNamedBySQL lists the records of team $1 that name worker $2 in
// their body, labelled as "client c1 (preferredWorkers)", in byte order;
// the first $3 of them and how many there are in all.
const workerNamedBySQL = `SELECT label, count(*) OVER () AS total FROM (
	SELECT 'client ' || id || ' (preferredWorkers)' AS label FROM clients WHERE team_id = $1 AND body->'preferredWorkers' ? $2
	UNION ALL SELECT 'client ' || id || ' (declinedWorkers)' FROM clients WHERE team_id = $1 AND body->'declinedWorkers' ? $2
	UNION ALL SELECT 'episode ' || id || ' (caseManager)' FROM episodes WHERE team_id = $1 AND body->>'caseManager' = $2
	UNION ALL SELECT 'visit ' || id || ' (pin)' FROM visits WHERE team_id = $1 AND body->'pin'->>'workerId' = $2
) named ORDER BY label COLLATE "C" LIMIT $3`

// deleteWorker removes a worker that no record names, and audits it, in
// one transaction that locks the worker's row first; ECONFLICT naming the
// records that still name it.
func (s *Store) deleteWorker(ctx context.Context, team, id string) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error {
		var one int
		if err := tx.GetContext(ctx, &one, `SELECT 1 FROM workers WHERE team_id = $1 AND id = $2 FOR UPDATE`, team, id); err != nil {
			return translate(err, "worker "+id)
		}
		var rows []struct {
			Label string `db:"label"`
			Total int    `db:"total"`
		}
		if err := tx.SelectContext(ctx, &rows, workerNamedBySQL, team, id, maxNamed); err != nil {
			return translate(err, "records naming worker "+id)
		}
		if len(rows) > 0 {
			by := make([]string, 0, maxNamed)
			for _, r := range rows {
				by = append(by, r.Label)
			}
			more := ""
			if n := rows[0].Total; n > maxNamed {
				more = fmt.Sprintf(" and %d more", n-maxNamed)
			}
			return &rounds.Error{Code: rounds.ECONFLICT, Field: "id", Value: id,
				Message: fmt.Sprintf("worker %s is still named by %s%s; change or delete them first", id, strings.Join(by, ", "), more)}
		}
		_, err := tx.ExecContext(ctx, s.workers.sql.delete, team, id, rounds.ActorFromContext(ctx))
		return translate(err, "worker "+id)
	})
}
