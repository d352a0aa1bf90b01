package postgres_test

import (
	"context"
	"testing"

	"github.com/roundsdev/rounds"
)

// TestImportContract runs the Store.Import contract against every store.
func TestImportContract(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			testImport(t, actorContext(t), st.new(t))
		})
	}
}

// importRequest returns a small request holding a record of each kind
// and each kind of reference between them, every ID prefixed by p.
func importRequest(p string) *rounds.Request {
	loc := rounds.Location{Lat: 51.49, Lon: -0.22}
	shift := []rounds.Shift{{Date: "2025-03-03", Start: rounds.At(8, 0), End: rounds.At(16, 0)}}
	return &rounds.Request{
		Workers: []rounds.Worker{
			{ID: p + "w1", Role: rounds.Nurse, Start: loc, TravelMode: "drive", Shifts: shift},
			{ID: p + "w2", Role: rounds.CareWorker, Start: loc, TravelMode: "walk", Shifts: shift},
		},
		Clients: []rounds.Client{
			{ID: p + "c1", Location: loc, Consent: true, PreferredWorkers: []string{p + "w1"}},
			{ID: p + "c2", Location: loc, Consent: true},
		},
		Episodes: []rounds.Episode{{ID: p + "e1", ClientID: p + "c1", Pathway: rounds.Reablement, Start: "2025-03-01", End: "2025-03-20"}},
		Visits: []rounds.Visit{
			{ID: p + "v1", ClientID: p + "c1", Date: "2025-03-03", DurationMinutes: 30, Priority: rounds.Reablement, Episode: p + "e1"},
			{ID: p + "v2", ClientID: p + "c2", Date: "2025-03-03", DurationMinutes: 45, Priority: rounds.Routine, Pin: &rounds.Pin{WorkerID: p + "w2"}},
			{ID: p + "v3", ClientID: p + "c1", Date: "2025-03-03", DurationMinutes: 20, Priority: rounds.Reablement,
				Links: []rounds.Link{{VisitID: p + "v1", MinGapMinutes: 240, MaxGapMinutes: 360}}},
		},
	}
}

// counts returns how many workers, clients, episodes, visits and audit
// entries the team holds.
func counts(tb testing.TB, ctx context.Context, s rounds.Store, team string) [5]int {
	tb.Helper()
	f := rounds.Filter{Limit: 1}
	var n [5]int
	var errs [5]error
	n[0], errs[0] = total(s.Workers().List(ctx, team, f))
	n[1], errs[1] = total(s.Clients().List(ctx, team, f))
	n[2], errs[2] = total(s.Episodes().List(ctx, team, f))
	n[3], errs[3] = total(s.Visits().List(ctx, team, f))
	n[4], errs[4] = total(s.Audit(ctx, rounds.AuditScope{Teams: []string{team}}, f))
	for _, err := range errs {
		if err != nil {
			tb.Fatal(err)
		}
	}
	return n
}

// total returns the size of the list a page is of.
func total[T any](p *rounds.Page[T], err error) (int, error) {
	if err != nil {
		return 0, err
	}
	return p.Total, nil
}

// testImport checks that Import stores a whole request or nothing, names
// the record that clashes or refers to nothing, and audits each record.
func testImport(t *testing.T, ctx context.Context, s rounds.Store) {
	req := importRequest("")
	wantCode(t, "import into a missing team", s.Import(ctx, "nobody", req), rounds.ENOTFOUND)
	mustTeam(t, ctx, s, "imp")
	empty := counts(t, ctx, s, "imp")

	ghost := importRequest("g-")
	ghost.Visits[2].Episode = "ghost"
	err := s.Import(ctx, "imp", ghost)
	wantCode(t, "visit of a missing episode", err, rounds.ECONFLICT)
	if e := err.(*rounds.Error); e.Field != "visits[2].episode" {
		t.Errorf("missing episode: field %q (%v), want visits[2].episode", e.Field, err)
	}
	if got := counts(t, ctx, s, "imp"); got != empty {
		t.Fatalf("a failed import left %v (workers, clients, episodes, visits, audit), want %v", got, empty)
	}

	wantCode(t, "import", s.Import(ctx, "imp", req), "")
	want := [5]int{2, 2, 1, 3, empty[4] + 8}
	if got := counts(t, ctx, s, "imp"); got != want {
		t.Fatalf("after import %v (workers, clients, episodes, visits, audit), want %v", got, want)
	}
	v, err := s.Visits().Get(ctx, "imp", "v3")
	wantCode(t, "get imported visit", err, "")
	if len(v.Links) != 1 || v.Links[0].VisitID != "v1" || v.Links[0].MinGapMinutes != 240 {
		t.Errorf("imported visit v3 = %+v, want its link to v1", v)
	}

	// Clashing IDs: the first clash is named, and the records before it
	// (a new worker, client and episode) are not kept.
	err = s.Import(ctx, "imp", req)
	wantCode(t, "import again", err, rounds.ECONFLICT)
	if e := err.(*rounds.Error); e.Field != "workers[0].id" || e.Value != "w1" {
		t.Errorf("import again: field %q value %q, want workers[0].id w1", e.Field, e.Value)
	}
	late := importRequest("b-")
	late.Visits[2].ID = "v1"
	late.Visits[2].Links = nil
	err = s.Import(ctx, "imp", late)
	wantCode(t, "a clash at the last visit", err, rounds.ECONFLICT)
	if e := err.(*rounds.Error); e.Field != "visits[2].id" || e.Value != "v1" {
		t.Errorf("a clash at the last visit: field %q value %q, want visits[2].id v1", e.Field, e.Value)
	}
	if got := counts(t, ctx, s, "imp"); got != want {
		t.Fatalf("after failed imports %v, want %v", got, want)
	}

	// A visit may name a client the team already holds.
	more := &rounds.Request{Visits: []rounds.Visit{{ID: "v9", ClientID: "c1", Date: "2025-03-04", DurationMinutes: 30, Priority: rounds.Reablement, Episode: "e1"}}}
	wantCode(t, "import a visit of a stored client", s.Import(ctx, "imp", more), "")
}
