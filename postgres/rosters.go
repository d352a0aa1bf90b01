package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/roundsdev/rounds"
)

// versionRow is a roster version joined with its roster.
type versionRow struct {
	Team      string    `db:"team_id"`
	RosterID  string    `db:"roster_id"`
	Version   int       `db:"version"`
	Status    string    `db:"status"`
	Note      string    `db:"note"`
	CreatedBy string    `db:"created_by"`
	CreatedAt time.Time `db:"created_at"`
	From      time.Time `db:"from_date"`
	To        time.Time `db:"to_date"`
	JobID     *string   `db:"job_id"`
	Request   []byte    `db:"request"`
	Roster    []byte    `db:"roster"`
	Total     int       `db:"total"`
}

func (r *versionRow) toVersion() (*rounds.RosterVersion, error) {
	v := &rounds.RosterVersion{RosterID: r.RosterID, Team: r.Team, Version: r.Version, Status: rounds.RosterStatus(r.Status),
		From: toDate(r.From), To: toDate(r.To), Note: r.Note, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.UTC()}
	if r.JobID != nil {
		v.JobID = *r.JobID
	}
	if r.Request != nil {
		v.Request = new(rounds.Request)
		if err := json.Unmarshal(r.Request, v.Request); err != nil {
			return nil, fmt.Errorf("roster %s request: %w", r.RosterID, err)
		}
	}
	if r.Roster != nil {
		v.Roster = new(rounds.Roster)
		if err := json.Unmarshal(r.Roster, v.Roster); err != nil {
			return nil, fmt.Errorf("roster %s: %w", r.RosterID, err)
		}
	}
	return v, nil
}

func toDate(t time.Time) rounds.Date { return rounds.Date(t.Format(rounds.DateLayout)) }

// newID returns a random 128-bit hex id.
func newID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

const versionColumns = `v.team_id, v.roster_id, v.version, v.status, v.note, v.created_by, v.created_at, r.from_date, r.to_date, r.job_id`

// CreateRoster stores version 1 of a new roster.
func (s *Store) CreateRoster(ctx context.Context, v *rounds.RosterVersion) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error { return createRoster(ctx, tx, v) })
}

// createRoster is CreateRoster in tx.
func createRoster(ctx context.Context, tx *sqlx.Tx, v *rounds.RosterVersion) error {
	if err := hasTeam(ctx, tx, v.Team); err != nil {
		return err
	}
	v.RosterID, v.Version, v.Status = newID(), 1, rounds.RosterDraft
	v.CreatedBy = rounds.ActorFromContext(ctx)
	var job any
	if v.JobID != "" {
		job = v.JobID
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO rosters (team_id, id, from_date, to_date, job_id) VALUES ($1, $2, $3, $4, $5)`,
		v.Team, v.RosterID, string(v.From), string(v.To), job)
	if err != nil {
		return translate(err, "roster for job "+v.JobID)
	}
	return insertVersion(ctx, tx, v, nil)
}

func insertVersion(ctx context.Context, tx *sqlx.Tx, v *rounds.RosterVersion, before *rounds.RosterVersion) error {
	req, err := json.Marshal(v.Request)
	if err != nil {
		return err
	}
	roster, err := json.Marshal(v.Roster)
	if err != nil {
		return err
	}
	err = tx.GetContext(ctx, &v.CreatedAt, `INSERT INTO roster_versions (team_id, roster_id, version, status, note, created_by, request, roster)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING created_at`,
		v.Team, v.RosterID, v.Version, string(v.Status), v.Note, v.CreatedBy, req, roster)
	if err != nil {
		return translate(err, fmt.Sprintf("roster %s version %d", v.RosterID, v.Version))
	}
	v.CreatedAt = v.CreatedAt.UTC()
	action := rounds.AuditCreate
	if before != nil {
		action = rounds.AuditUpdate
	}
	return audit(ctx, tx, v.Team, action, "roster", v.RosterID, before, summary(v))
}

// AddRosterVersion stores the next version of a roster.
func (s *Store) AddRosterVersion(ctx context.Context, v *rounds.RosterVersion) error {
	return s.inTx(ctx, func(tx *sqlx.Tx) error { return addRosterVersion(ctx, tx, v) })
}

// addRosterVersion is AddRosterVersion in tx. The roster's row is locked
// before the latest version is read, in a statement of its own, so that
// the read sees a version stored by the caller the lock waited for. The
// lock (NO KEY UPDATE) leaves the row's key free, so that events can be
// stored meanwhile (their foreign key only shares the key).
func addRosterVersion(ctx context.Context, tx *sqlx.Tx, v *rounds.RosterVersion) error {
	var one int
	if err := tx.GetContext(ctx, &one, `SELECT 1 FROM rosters WHERE team_id = $1 AND id = $2 FOR NO KEY UPDATE`, v.Team, v.RosterID); err != nil {
		return translate(err, "roster "+v.RosterID)
	}
	var last versionRow
	err := tx.GetContext(ctx, &last, `SELECT `+versionColumns+` FROM rosters r
		JOIN roster_versions v ON v.team_id = r.team_id AND v.roster_id = r.id
		WHERE r.team_id = $1 AND r.id = $2 ORDER BY v.version DESC LIMIT 1`, v.Team, v.RosterID)
	if err != nil {
		return translate(err, "roster "+v.RosterID)
	}
	if v.Version != last.Version+1 {
		return rounds.Errorf(rounds.ECONFLICT, "roster %s is at version %d, cannot add version %d", v.RosterID, last.Version, v.Version)
	}
	before, err := last.toVersion()
	if err != nil {
		return err
	}
	publish := v.Status == rounds.RosterPublished
	v.Status, v.From, v.To, v.JobID = rounds.RosterDraft, before.From, before.To, before.JobID
	v.CreatedBy = rounds.ActorFromContext(ctx)
	if err := insertVersion(ctx, tx, v, before); err != nil {
		return err
	}
	if !publish {
		return nil
	}
	if err := publishTx(ctx, tx, summary(v)); err != nil {
		return err
	}
	v.Status = rounds.RosterPublished
	return nil
}

// LiveHead returns the latest version of a published roster and its
// number of events, in one round trip.
func (s *Store) LiveHead(ctx context.Context, team, rosterID string) (int, int, error) {
	var r struct {
		Version   int  `db:"version"`
		Events    int  `db:"events"`
		Published bool `db:"published"`
	}
	err := s.getHot(ctx, &r, `SELECT
		(SELECT max(v.version) FROM roster_versions v WHERE v.team_id = r.team_id AND v.roster_id = r.id) AS version,
		(SELECT count(*) FROM roster_events e WHERE e.team_id = r.team_id AND e.roster_id = r.id) AS events,
		EXISTS (SELECT 1 FROM roster_versions p WHERE p.team_id = r.team_id AND p.roster_id = r.id AND p.status = 'published') AS published
		FROM rosters r WHERE r.team_id = $1 AND r.id = $2`, team, rosterID)
	if err != nil {
		return 0, 0, translate(err, "roster "+rosterID)
	}
	if !r.Published {
		return 0, 0, rounds.Invalid("roster", rosterID, "no version of the roster is published: publish one before its live day")
	}
	return r.Version, r.Events, nil
}

// LiveVersion returns the latest version of a published roster.
func (s *Store) LiveVersion(ctx context.Context, team, rosterID string) (*rounds.RosterVersion, error) {
	var r struct {
		versionRow
		Published bool `db:"published"`
	}
	err := s.getHot(ctx, &r, `SELECT `+versionColumns+`, v.request, v.roster,
		EXISTS (SELECT 1 FROM roster_versions p WHERE p.team_id = r.team_id AND p.roster_id = r.id AND p.status = 'published') AS published
		FROM rosters r JOIN roster_versions v ON v.team_id = r.team_id AND v.roster_id = r.id
		WHERE r.team_id = $1 AND r.id = $2 ORDER BY v.version DESC LIMIT 1`, team, rosterID)
	if err != nil {
		return nil, translate(err, "roster "+rosterID)
	}
	if !r.Published {
		return nil, rounds.Invalid("roster", rosterID, "no version of the roster is published: publish one before its live day")
	}
	return r.toVersion()
}

// RosterVersion returns one version, or the latest.
func (s *Store) RosterVersion(ctx context.Context, team, rosterID string, version int) (*rounds.RosterVersion, error) {
	var r versionRow
	err := s.db.GetContext(ctx, &r, `SELECT `+versionColumns+`, v.request, v.roster FROM rosters r
		JOIN roster_versions v ON v.team_id = r.team_id AND v.roster_id = r.id
		WHERE r.team_id = $1 AND r.id = $2 AND ($3 = 0 OR v.version = $3) ORDER BY v.version DESC LIMIT 1`, team, rosterID, version)
	if err != nil {
		return nil, translate(err, fmt.Sprintf("roster %s version %d", rosterID, version))
	}
	return r.toVersion()
}

// Rosters returns the latest versions of the team's rosters, newest first.
func (s *Store) Rosters(ctx context.Context, team string, f rounds.Filter) (*rounds.Page[rounds.RosterVersion], error) {
	var rows []versionRow
	err := s.db.SelectContext(ctx, &rows, `SELECT `+versionColumns+`, count(*) OVER () AS total FROM rosters r
		JOIN LATERAL (SELECT * FROM roster_versions v WHERE v.team_id = r.team_id AND v.roster_id = r.id ORDER BY version DESC LIMIT 1) v ON true
		WHERE r.team_id = $1 AND ($2::date IS NULL OR r.to_date >= $2::date) AND ($3::date IS NULL OR r.from_date <= $3::date)
		ORDER BY r.created_at DESC, r.id DESC LIMIT $4 OFFSET $5`, team, dateArg(f.From), dateArg(f.To), f.PageLimit(), max(f.Offset, 0))
	if err != nil {
		return nil, translate(err, "list rosters")
	}
	items := make([]rounds.RosterVersion, len(rows))
	total := 0
	for i := range rows {
		v, err := rows[i].toVersion()
		if err != nil {
			return nil, err
		}
		items[i], total = *v, rows[i].Total
	}
	return newPage(items, total, f), nil
}

// PublishRoster publishes one version and supersedes the one before.
func (s *Store) PublishRoster(ctx context.Context, team, rosterID string, version int) (*rounds.RosterVersion, error) {
	var out *rounds.RosterVersion
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var r versionRow
		err := tx.GetContext(ctx, &r, `SELECT `+versionColumns+` FROM rosters r
			JOIN roster_versions v ON v.team_id = r.team_id AND v.roster_id = r.id
			WHERE r.team_id = $1 AND r.id = $2 AND v.version = $3 FOR NO KEY UPDATE OF r`, team, rosterID, version)
		if err != nil {
			return translate(err, fmt.Sprintf("roster %s version %d", rosterID, version))
		}
		before, err := r.toVersion()
		if err != nil {
			return err
		}
		out = summary(before)
		return publishTx(ctx, tx, out)
	})
	return out, err
}

// publishTx publishes version v (a summary, whose Status it sets) in tx,
// superseding the version published before, and audits it; the caller
// holds the roster's row.
func publishTx(ctx context.Context, tx *sqlx.Tx, v *rounds.RosterVersion) error {
	before := *v
	if _, err := tx.ExecContext(ctx, `UPDATE roster_versions SET status = 'superseded'
		WHERE team_id = $1 AND roster_id = $2 AND status = 'published'`, v.Team, v.RosterID); err != nil {
		return translate(err, "supersede roster "+v.RosterID)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE roster_versions SET status = 'published'
		WHERE team_id = $1 AND roster_id = $2 AND version = $3`, v.Team, v.RosterID, v.Version); err != nil {
		return translate(err, "publish roster "+v.RosterID)
	}
	v.Status = rounds.RosterPublished
	return audit(ctx, tx, v.Team, rounds.AuditPublish, "roster", v.RosterID, &before, v)
}

// summary returns a copy of v without its request and roster.
func summary(v *rounds.RosterVersion) *rounds.RosterVersion {
	c := *v
	c.Request, c.Roster = nil, nil
	return &c
}
