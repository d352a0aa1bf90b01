package postgres_test

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"testing"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/memory"
	"github.com/roundsdev/rounds/postgres/pgtest"
)

// stores are the implementations the contract runs against.
var stores = []struct {
	name string
	new  func(testing.TB) rounds.Store
}{
	{"memory", func(testing.TB) rounds.Store { return memory.NewStore() }},
	{"postgres", func(tb testing.TB) rounds.Store { s, _ := pgtest.New(tb); return s }},
}

// TestStoreContract runs the rounds.Store contract against every store.
func TestStoreContract(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			s := st.new(t)
			ctx := actorContext(t)
			t.Run("teams", func(t *testing.T) { testTeams(t, ctx, s) })
			t.Run("records", func(t *testing.T) { testRecords(t, ctx, s) })
			t.Run("consent filter", func(t *testing.T) { testConsentFilter(t, ctx, s) })
			t.Run("create all", func(t *testing.T) { testCreateAll(t, ctx, s) })
			t.Run("keys", func(t *testing.T) { testKeys(t, ctx, s) })
			t.Run("rosters", func(t *testing.T) { testRosters(t, ctx, s) })
			t.Run("live rosters", func(t *testing.T) { testLiveRosters(t, ctx, s) })
			t.Run("events", func(t *testing.T) { testEvents(t, ctx, s) })
			t.Run("jobs", func(t *testing.T) { testJobs(t, ctx, s) })
			t.Run("simulations", func(t *testing.T) { testSimulations(t, ctx, s) })
			t.Run("audit", func(t *testing.T) { testAudit(t, ctx, s) })
			t.Run("concurrent updates", func(t *testing.T) { testConcurrentUpdates(t, ctx, s) })
		})
	}
}

func actorContext(tb testing.TB) context.Context {
	tb.Helper()
	k, _, err := rounds.NewAPIKey("contract", rounds.AccessAdmin, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return rounds.NewContextWithKey(context.Background(), k)
}

func wantCode(tb testing.TB, what string, err error, code string) {
	tb.Helper()
	if got := rounds.ErrorCode(err); got != code {
		tb.Fatalf("%s: error code %q (%v), want %q", what, got, err, code)
	}
}

func mustTeam(tb testing.TB, ctx context.Context, s rounds.Store, id string) {
	tb.Helper()
	wantCode(tb, "create team "+id, s.CreateTeam(ctx, &rounds.Team{ID: id, Name: "Team " + id}), "")
}

func testTeams(t *testing.T, ctx context.Context, s rounds.Store) {
	tm := &rounds.Team{ID: "hf", Name: "Hammersmith", Skills: []rounds.Skill{"hoist"}}
	wantCode(t, "create", s.CreateTeam(ctx, tm), "")
	if tm.CreatedAt.IsZero() {
		t.Error("CreateTeam did not set CreatedAt")
	}
	wantCode(t, "duplicate", s.CreateTeam(ctx, &rounds.Team{ID: "hf", Name: "x"}), rounds.ECONFLICT)
	got, err := s.Team(ctx, "hf")
	wantCode(t, "get", err, "")
	if got.Name != "Hammersmith" || len(got.Skills) != 1 || got.Skills[0] != "hoist" {
		t.Errorf("Team = %+v", got)
	}
	_, err = s.Team(ctx, "nope")
	wantCode(t, "get missing", err, rounds.ENOTFOUND)
	tm.Name = "H&F"
	wantCode(t, "update", s.UpdateTeam(ctx, tm), "")
	wantCode(t, "update missing", s.UpdateTeam(ctx, &rounds.Team{ID: "nope", Name: "x"}), rounds.ENOTFOUND)
	mustTeam(t, ctx, s, "kc")
	mustTeam(t, ctx, s, "zz")
	p, err := s.Teams(ctx, rounds.Filter{Offset: 1, Limit: 1})
	wantCode(t, "list", err, "")
	if p.Total != 3 || len(p.Items) != 1 || p.Items[0].ID != "kc" {
		t.Errorf("Teams page = %+v, want kc of 3", p)
	}
	wantCode(t, "delete", s.DeleteTeam(ctx, "zz"), "")
	wantCode(t, "delete again", s.DeleteTeam(ctx, "zz"), rounds.ENOTFOUND)
}

func testRecords(t *testing.T, ctx context.Context, s rounds.Store) {
	mustTeam(t, ctx, s, "rec")
	mustTeam(t, ctx, s, "other")
	loc := rounds.Location{Lat: 51.49, Lon: -0.22}
	workers := []rounds.Worker{
		{ID: "w1", Role: rounds.Nurse, Network: "north", Start: loc, TravelMode: "drive", Shifts: []rounds.Shift{{Date: "2025-03-03", Start: rounds.At(8, 0), End: rounds.At(16, 0)}}},
		{ID: "w2", Role: rounds.CareWorker, Network: "south", Start: loc, TravelMode: "walk", Shifts: []rounds.Shift{{Date: "2025-03-04", Start: rounds.At(8, 0), End: rounds.At(16, 0)}}},
	}
	for i := range workers {
		wantCode(t, "create worker", s.Workers().Create(ctx, "rec", &workers[i]), "")
	}
	wantCode(t, "duplicate worker", s.Workers().Create(ctx, "rec", &workers[0]), rounds.ECONFLICT)
	wantCode(t, "worker in missing team", s.Workers().Create(ctx, "nope", &workers[0]), rounds.ENOTFOUND)
	wantCode(t, "same id, other team", s.Workers().Create(ctx, "other", &workers[0]), "")

	c := rounds.Client{ID: "c1", Name: "A. Person", Location: loc, Consent: true, PreferredWorkers: []string{"w1"}}
	wantCode(t, "create client", s.Clients().Create(ctx, "rec", &c), "")
	ep := rounds.Episode{ID: "e1", ClientID: "c1", Pathway: rounds.Reablement, Start: "2025-03-01", End: "2025-03-20"}
	wantCode(t, "create episode", s.Episodes().Create(ctx, "rec", &ep), "")
	bad := rounds.Episode{ID: "e2", ClientID: "ghost", Pathway: rounds.Reablement, Start: "2025-03-01", End: "2025-03-02"}
	wantCode(t, "episode of missing client", s.Episodes().Create(ctx, "rec", &bad), rounds.ECONFLICT)
	visits := []rounds.Visit{
		{ID: "v1", ClientID: "c1", Date: "2025-03-03", DurationMinutes: 30, Priority: rounds.Reablement, Episode: "e1"},
		{ID: "v2", ClientID: "c1", Date: "2025-03-04", DurationMinutes: 45, Priority: rounds.Routine},
		{ID: "v3", ClientID: "c1", Date: "2025-03-05", DurationMinutes: 20, Priority: rounds.Routine},
	}
	for i := range visits {
		wantCode(t, "create visit", s.Visits().Create(ctx, "rec", &visits[i]), "")
	}
	ghost := rounds.Visit{ID: "v9", ClientID: "ghost", Date: "2025-03-03", DurationMinutes: 30, Priority: rounds.Routine}
	wantCode(t, "visit of missing client", s.Visits().Create(ctx, "rec", &ghost), rounds.ECONFLICT)
	noEp := rounds.Visit{ID: "v9", ClientID: "c1", Date: "2025-03-03", DurationMinutes: 30, Priority: rounds.Routine, Episode: "ghost"}
	wantCode(t, "visit of missing episode", s.Visits().Create(ctx, "rec", &noEp), rounds.ECONFLICT)

	got, err := s.Clients().Get(ctx, "rec", "c1")
	wantCode(t, "get client", err, "")
	if got.Name != c.Name || !got.Consent || len(got.PreferredWorkers) != 1 {
		t.Errorf("client = %+v, want %+v", got, c)
	}
	_, err = s.Clients().Get(ctx, "other", "c1")
	wantCode(t, "client of another team", err, rounds.ENOTFOUND)

	lists := []struct {
		name string
		list func() (int, []string, error)
		want []string
		tot  int
	}{
		{"workers by role", listIDs(ctx, s.Workers(), "rec", rounds.Filter{Role: rounds.CareWorker}, func(w rounds.Worker) string { return w.ID }), []string{"w2"}, 1},
		{"workers on a date", listIDs(ctx, s.Workers(), "rec", rounds.Filter{From: "2025-03-03", To: "2025-03-03"}, func(w rounds.Worker) string { return w.ID }), []string{"w1"}, 1},
		{"workers by network", listIDs(ctx, s.Workers(), "rec", rounds.Filter{Network: "south"}, func(w rounds.Worker) string { return w.ID }), []string{"w2"}, 1},
		{"visits in range", listIDs(ctx, s.Visits(), "rec", rounds.Filter{From: "2025-03-04", To: "2025-03-05"}, func(v rounds.Visit) string { return v.ID }), []string{"v2", "v3"}, 2},
		{"visits page 2", listIDs(ctx, s.Visits(), "rec", rounds.Filter{Offset: 1, Limit: 1}, func(v rounds.Visit) string { return v.ID }), []string{"v2"}, 3},
		{"visits by priority", listIDs(ctx, s.Visits(), "rec", rounds.Filter{Priority: rounds.Reablement}, func(v rounds.Visit) string { return v.ID }), []string{"v1"}, 1},
		{"visits by episode", listIDs(ctx, s.Visits(), "rec", rounds.Filter{Episode: "e1"}, func(v rounds.Visit) string { return v.ID }), []string{"v1"}, 1},
		{"episodes overlapping", listIDs(ctx, s.Episodes(), "rec", rounds.Filter{From: "2025-03-19", To: "2025-04-01"}, func(e rounds.Episode) string { return e.ID }), []string{"e1"}, 1},
		{"episodes after", listIDs(ctx, s.Episodes(), "rec", rounds.Filter{From: "2025-03-21"}, func(e rounds.Episode) string { return e.ID }), []string{}, 0},
		{"other team's visits", listIDs(ctx, s.Visits(), "other", rounds.Filter{}, func(v rounds.Visit) string { return v.ID }), []string{}, 0},
	}
	for _, tc := range lists {
		t.Run(tc.name, func(t *testing.T) {
			total, ids, err := tc.list()
			wantCode(t, "list", err, "")
			if total != tc.tot || !equal(ids, tc.want) {
				t.Errorf("got %v of %d, want %v of %d", ids, total, tc.want, tc.tot)
			}
		})
	}

	visits[1].DurationMinutes = 60
	visits[1].Date = "2025-03-06"
	wantCode(t, "update visit", s.Visits().Update(ctx, "rec", &visits[1]), "")
	v2, err := s.Visits().Get(ctx, "rec", "v2")
	wantCode(t, "get visit", err, "")
	if v2.DurationMinutes != 60 || v2.Date != "2025-03-06" {
		t.Errorf("updated visit = %+v", v2)
	}
	total, _, _ := listIDs(ctx, s.Visits(), "rec", rounds.Filter{From: "2025-03-06"}, func(v rounds.Visit) string { return v.ID })()
	if total != 1 {
		t.Errorf("visits from 2025-03-06 = %d after update, want 1 (filter columns follow updates)", total)
	}
	wantCode(t, "update missing", s.Visits().Update(ctx, "rec", &ghost), rounds.ENOTFOUND)
	wantCode(t, "delete referenced client", s.Clients().Delete(ctx, "rec", "c1"), rounds.ECONFLICT)
	wantCode(t, "delete referenced episode", s.Episodes().Delete(ctx, "rec", "e1"), rounds.ECONFLICT)
	wantCode(t, "delete visit", s.Visits().Delete(ctx, "rec", "v1"), "")
	wantCode(t, "delete visit again", s.Visits().Delete(ctx, "rec", "v1"), rounds.ENOTFOUND)
	wantCode(t, "delete episode", s.Episodes().Delete(ctx, "rec", "e1"), "")
	wantCode(t, "delete team", s.DeleteTeam(ctx, "other"), "")
	_, err = s.Workers().Get(ctx, "other", "w1")
	wantCode(t, "worker of deleted team", err, rounds.ENOTFOUND)
}

// testConsentFilter lists clients by their consent and visits and
// episodes by their client's, before and after a client's consent changes.
func testConsentFilter(t *testing.T, ctx context.Context, s rounds.Store) {
	mustTeam(t, ctx, s, "consent")
	mustTeam(t, ctx, s, "consent2")
	loc := rounds.Location{Lat: 51.49, Lon: -0.22}
	clients := []rounds.Client{{ID: "c1", Location: loc, Network: "north", Consent: true}, {ID: "c2", Location: loc, Network: "north"}}
	for i := range clients {
		wantCode(t, "create client", s.Clients().Create(ctx, "consent", &clients[i]), "")
	}
	// The same client ID consents in another team.
	wantCode(t, "create client", s.Clients().Create(ctx, "consent2", &clients[0]), "")
	otherC2 := rounds.Client{ID: "c2", Location: loc, Consent: true}
	wantCode(t, "create client", s.Clients().Create(ctx, "consent2", &otherC2), "")
	for _, c := range clients {
		ep := rounds.Episode{ID: "e-" + c.ID, ClientID: c.ID, Pathway: rounds.Reablement, Start: "2025-03-01", End: "2025-03-20"}
		wantCode(t, "create episode", s.Episodes().Create(ctx, "consent", &ep), "")
		v := rounds.Visit{ID: "v-" + c.ID, ClientID: c.ID, Date: "2025-03-03", DurationMinutes: 30, Priority: rounds.Routine}
		wantCode(t, "create visit", s.Visits().Create(ctx, "consent", &v), "")
	}
	yes, no := true, false
	clientID := func(c rounds.Client) string { return c.ID }
	visitID := func(v rounds.Visit) string { return v.ID }
	episodeID := func(e rounds.Episode) string { return e.ID }
	lists := []struct {
		name string
		list func() (int, []string, error)
		want []string
	}{
		{"clients without consent", listIDs(ctx, s.Clients(), "consent", rounds.Filter{Consent: &no}, clientID), []string{"c2"}},
		{"clients of a network with consent", listIDs(ctx, s.Clients(), "consent", rounds.Filter{Network: "north", Consent: &yes}, clientID), []string{"c1"}},
		{"visits with consent", listIDs(ctx, s.Visits(), "consent", rounds.Filter{Consent: &yes}, visitID), []string{"v-c1"}},
		{"visits without consent", listIDs(ctx, s.Visits(), "consent", rounds.Filter{Consent: &no}, visitID), []string{"v-c2"}},
		{"visits of a client with consent", listIDs(ctx, s.Visits(), "consent", rounds.Filter{ClientID: "c2", Consent: &yes}, visitID), []string{}},
		{"episodes with consent", listIDs(ctx, s.Episodes(), "consent", rounds.Filter{Consent: &yes}, episodeID), []string{"e-c1"}},
		{"episodes without consent", listIDs(ctx, s.Episodes(), "consent", rounds.Filter{Consent: &no}, episodeID), []string{"e-c2"}},
	}
	for _, tc := range lists {
		t.Run(tc.name, func(t *testing.T) {
			total, ids, err := tc.list()
			wantCode(t, "list", err, "")
			if total != len(tc.want) || !equal(ids, tc.want) {
				t.Errorf("got %v of %d, want %v", ids, total, tc.want)
			}
		})
	}
	clients[0].Consent = false
	wantCode(t, "withdraw consent", s.Clients().Update(ctx, "consent", &clients[0]), "")
	total, ids, err := listIDs(ctx, s.Visits(), "consent", rounds.Filter{Consent: &yes}, visitID)()
	wantCode(t, "list", err, "")
	if total != 0 {
		t.Errorf("visits with consent after c1 withdrew it: %v of %d, want none", ids, total)
	}
}

func listIDs[T any](ctx context.Context, c rounds.Collection[T], team string, f rounds.Filter, id func(T) string) func() (int, []string, error) {
	return func() (int, []string, error) {
		p, err := c.List(ctx, team, f)
		if err != nil {
			return 0, nil, err
		}
		ids := []string{}
		for _, v := range p.Items {
			ids = append(ids, id(v))
		}
		return p.Total, ids, nil
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func testKeys(t *testing.T, ctx context.Context, s rounds.Store) {
	k, token, err := rounds.NewAPIKey("dispatch desk", rounds.AccessDispatcher, []string{"hf"})
	wantCode(t, "new key", err, "")
	wantCode(t, "create key", s.CreateKey(ctx, k), "")
	wantCode(t, "duplicate key", s.CreateKey(ctx, k), rounds.ECONFLICT)
	id, secret, ok := rounds.ParseToken(token)
	if !ok || id != k.ID {
		t.Fatalf("ParseToken(%q) = %q, ok %v", token, id, ok)
	}
	got, err := s.Key(ctx, id)
	wantCode(t, "get key", err, "")
	if !got.Verify(secret) || got.Verify(secret+"x") || got.Role != rounds.AccessDispatcher || !got.CanTouch("hf") || got.CanTouch("kc") {
		t.Errorf("stored key %+v does not verify its secret or checks teams wrongly", got)
	}
	all, err := s.Keys(ctx)
	wantCode(t, "list keys", err, "")
	if len(all) != 1 || all[0].Hash != "" {
		t.Errorf("Keys = %+v, want one key without its hash", all)
	}
	wantCode(t, "delete key", s.DeleteKey(ctx, id), "")
	_, err = s.Key(ctx, id)
	wantCode(t, "deleted key", err, rounds.ENOTFOUND)

	global, _, err := rounds.NewAPIKey("root", rounds.AccessAdmin, nil)
	wantCode(t, "new global key", err, "")
	wantCode(t, "create global key", s.CreateKey(ctx, global), "")
	got, err = s.Key(ctx, global.ID)
	wantCode(t, "get global key", err, "")
	if got.Teams == nil || !got.Global() || !got.Covers(k) || !got.CanTouch("kc") {
		t.Errorf("stored global key %+v: want an empty, not null, team list and every team", got)
	}
	wantCode(t, "delete global key", s.DeleteKey(ctx, global.ID), "")
}

func testRosters(t *testing.T, ctx context.Context, s rounds.Store) {
	mustTeam(t, ctx, s, "ros")
	req := &rounds.Request{Team: "ros", Workers: []rounds.Worker{{ID: "w1"}}}
	v1 := &rounds.RosterVersion{Team: "ros", From: "2025-03-03", To: "2025-03-03", JobID: "job-a", Note: "planned", Request: req,
		Roster: &rounds.Roster{Routes: []rounds.Route{{WorkerID: "w1", Date: "2025-03-03"}}}}
	wantCode(t, "create", s.CreateRoster(ctx, v1), "")
	if v1.RosterID == "" || v1.Version != 1 || v1.Status != rounds.RosterDraft {
		t.Fatalf("created roster %+v", v1)
	}
	again := &rounds.RosterVersion{Team: "ros", From: "2025-03-03", To: "2025-03-03", JobID: "job-a", Request: req, Roster: &rounds.Roster{}}
	wantCode(t, "second roster for a job", s.CreateRoster(ctx, again), rounds.ECONFLICT)
	v2 := &rounds.RosterVersion{Team: "ros", RosterID: v1.RosterID, Version: 2, Note: "move", Request: req, Roster: &rounds.Roster{}}
	wantCode(t, "add version", s.AddRosterVersion(ctx, v2), "")
	stale := &rounds.RosterVersion{Team: "ros", RosterID: v1.RosterID, Version: 2, Request: req, Roster: &rounds.Roster{}}
	wantCode(t, "stale version", s.AddRosterVersion(ctx, stale), rounds.ECONFLICT)
	missing := &rounds.RosterVersion{Team: "ros", RosterID: "nope", Version: 2, Request: req, Roster: &rounds.Roster{}}
	wantCode(t, "missing roster", s.AddRosterVersion(ctx, missing), rounds.ENOTFOUND)

	latest, err := s.RosterVersion(ctx, "ros", v1.RosterID, 0)
	wantCode(t, "latest", err, "")
	if latest.Version != 2 || latest.From != "2025-03-03" || latest.Note != "move" || latest.Request == nil || latest.JobID != "job-a" {
		t.Errorf("latest = %+v", latest)
	}
	first, err := s.RosterVersion(ctx, "ros", v1.RosterID, 1)
	wantCode(t, "version 1", err, "")
	if len(first.Roster.Routes) != 1 || first.Roster.Routes[0].WorkerID != "w1" {
		t.Errorf("version 1 roster = %+v", first.Roster)
	}
	_, err = s.RosterVersion(ctx, "ros", v1.RosterID, 3)
	wantCode(t, "version 3", err, rounds.ENOTFOUND)

	pub, err := s.PublishRoster(ctx, "ros", v1.RosterID, 1)
	wantCode(t, "publish 1", err, "")
	if pub.Status != rounds.RosterPublished {
		t.Errorf("published = %+v", pub)
	}
	_, err = s.PublishRoster(ctx, "ros", v1.RosterID, 2)
	wantCode(t, "publish 2", err, "")
	for v, want := range map[int]rounds.RosterStatus{1: rounds.RosterSuperseded, 2: rounds.RosterPublished} {
		got, err := s.RosterVersion(ctx, "ros", v1.RosterID, v)
		wantCode(t, "get", err, "")
		if got.Status != want {
			t.Errorf("version %d status %s, want %s", v, got.Status, want)
		}
	}
	_, err = s.PublishRoster(ctx, "ros", v1.RosterID, 9)
	wantCode(t, "publish missing", err, rounds.ENOTFOUND)
	list, err := s.Rosters(ctx, "ros", rounds.Filter{From: "2025-03-01", To: "2025-03-05"})
	wantCode(t, "list", err, "")
	if list.Total != 1 || list.Items[0].Version != 2 || list.Items[0].Roster != nil {
		t.Errorf("Rosters = %+v, want the latest version without its body", list)
	}
	none, _ := s.Rosters(ctx, "ros", rounds.Filter{From: "2025-04-01"})
	if none.Total != 0 {
		t.Errorf("Rosters after April = %d, want 0", none.Total)
	}
}

// testLiveRosters: a roster is live once a version is published, and its
// live version is its latest; a version added as published supersedes
// the one published before.
func testLiveRosters(t *testing.T, ctx context.Context, s rounds.Store) {
	mustTeam(t, ctx, s, "live")
	req := &rounds.Request{Team: "live"}
	v1 := &rounds.RosterVersion{Team: "live", From: "2025-03-03", To: "2025-03-03", Request: req, Roster: &rounds.Roster{}}
	wantCode(t, "create", s.CreateRoster(ctx, v1), "")
	_, err := s.LiveVersion(ctx, "live", v1.RosterID)
	if rounds.ErrorCode(err) != rounds.EINVALID || err.(*rounds.Error).Field != "roster" {
		t.Errorf("live version of a draft roster: %v, want EINVALID naming roster", err)
	}
	_, err = s.LiveVersion(ctx, "live", "nope")
	wantCode(t, "live version of no roster", err, rounds.ENOTFOUND)
	_, _, err = s.LiveHead(ctx, "live", v1.RosterID)
	if rounds.ErrorCode(err) != rounds.EINVALID || err.(*rounds.Error).Field != "roster" {
		t.Errorf("live head of a draft roster: %v, want EINVALID naming roster", err)
	}
	_, _, err = s.LiveHead(ctx, "live", "nope")
	wantCode(t, "live head of no roster", err, rounds.ENOTFOUND)
	_, err = s.PublishRoster(ctx, "live", v1.RosterID, 1)
	wantCode(t, "publish", err, "")
	v2 := &rounds.RosterVersion{Team: "live", RosterID: v1.RosterID, Version: 2, Note: "edit", Request: req, Roster: &rounds.Roster{}}
	wantCode(t, "draft 2", s.AddRosterVersion(ctx, v2), "")
	got, err := s.LiveVersion(ctx, "live", v1.RosterID)
	wantCode(t, "live version", err, "")
	if got.Version != 2 || got.Status != rounds.RosterDraft || got.Roster == nil || got.Request == nil {
		t.Errorf("live version = %+v, want the latest, version 2, a draft with its body", got)
	}
	wantCode(t, "an event", s.AddEvents(ctx, "live", v1.RosterID, 0, []rounds.Event{{ID: "e1", Kind: rounds.EventWorkerUnavailable, At: rounds.At(9, 0), WorkerID: "w1"}}), "")
	if version, events, err := s.LiveHead(ctx, "live", v1.RosterID); err != nil || version != 2 || events != 1 {
		t.Errorf("live head = version %d, %d events (%v), want 2 and 1", version, events, err)
	}
	v3 := &rounds.RosterVersion{Team: "live", RosterID: v1.RosterID, Version: 3, Note: "accept", Status: rounds.RosterPublished, Request: req, Roster: &rounds.Roster{}}
	wantCode(t, "published 3", s.AddRosterVersion(ctx, v3), "")
	if v3.Status != rounds.RosterPublished {
		t.Errorf("version added as published has status %s", v3.Status)
	}
	for v, want := range map[int]rounds.RosterStatus{1: rounds.RosterSuperseded, 2: rounds.RosterDraft, 3: rounds.RosterPublished} {
		got, err := s.RosterVersion(ctx, "live", v1.RosterID, v)
		wantCode(t, "get", err, "")
		if got.Status != want {
			t.Errorf("version %d status %s, want %s", v, got.Status, want)
		}
	}
	stale := &rounds.RosterVersion{Team: "live", RosterID: v1.RosterID, Version: 3, Status: rounds.RosterPublished, Request: req, Roster: &rounds.Roster{}}
	wantCode(t, "stale published version", s.AddRosterVersion(ctx, stale), rounds.ECONFLICT)
	if got, _ := s.RosterVersion(ctx, "live", v1.RosterID, 3); got.Status != rounds.RosterPublished {
		t.Errorf("a refused version changed the published one: version 3 is %s", got.Status)
	}
}

// testEvents: events are stored in order, audited, extended only by a
// caller who read the whole history, and all or none.
func testEvents(t *testing.T, ctx context.Context, s rounds.Store) {
	mustTeam(t, ctx, s, "ev")
	v := &rounds.RosterVersion{Team: "ev", From: "2025-03-03", To: "2025-03-03", Request: &rounds.Request{Team: "ev"}, Roster: &rounds.Roster{}}
	wantCode(t, "create", s.CreateRoster(ctx, v), "")
	got, err := s.Events(ctx, "ev", v.RosterID)
	wantCode(t, "no events", err, "")
	if len(got) != 0 {
		t.Errorf("events of a new roster: %+v", got)
	}
	_, err = s.Events(ctx, "ev", "nope")
	wantCode(t, "events of no roster", err, rounds.ENOTFOUND)
	loc := rounds.Location{Lat: 51.5, Lon: -0.2}
	first := []rounds.Event{
		{ID: "e1", Kind: rounds.EventVisitStarted, Date: "2025-03-03", At: rounds.At(9, 0), VisitID: "v1", WorkerID: "w1"},
		{ID: "e2", Kind: rounds.EventWorkerPosition, Date: "2025-03-03", At: rounds.At(9, 5), WorkerID: "w2", Location: &loc, Note: "by the shops"},
	}
	wantCode(t, "add", s.AddEvents(ctx, "ev", v.RosterID, 0, first), "")
	wantCode(t, "add after a stale read", s.AddEvents(ctx, "ev", v.RosterID, 0,
		[]rounds.Event{{ID: "e3", Kind: rounds.EventVisitFinished, Date: "2025-03-03", At: rounds.At(9, 30), VisitID: "v1"}}), rounds.ECONFLICT)
	wantCode(t, "a stored id", s.AddEvents(ctx, "ev", v.RosterID, 2,
		[]rounds.Event{{ID: "e4", Kind: rounds.EventVisitFinished, Date: "2025-03-03", At: rounds.At(9, 30), VisitID: "v1"},
			{ID: "e1", Kind: rounds.EventVisitFinished, Date: "2025-03-03", At: rounds.At(9, 30), VisitID: "v1"}}), rounds.ECONFLICT)
	wantCode(t, "no roster", s.AddEvents(ctx, "ev", "nope", 0, first), rounds.ENOTFOUND)
	got, err = s.Events(ctx, "ev", v.RosterID)
	wantCode(t, "events", err, "")
	if len(got) != 2 || got[0].ID != "e1" || got[1].ID != "e2" || got[1].Location == nil || *got[1].Location != loc || got[1].Note != "by the shops" {
		t.Fatalf("events = %+v, want e1 and e2 as stored (and not e4)", got)
	}
	wantCode(t, "add more", s.AddEvents(ctx, "ev", v.RosterID, 2,
		[]rounds.Event{{ID: "e4", Kind: rounds.EventVisitFinished, Date: "2025-03-03", At: rounds.At(9, 30), VisitID: "v1"}}), "")
	if got, _ = s.Events(ctx, "ev", v.RosterID); len(got) != 3 || got[2].ID != "e4" {
		t.Errorf("events = %+v, want e1, e2, e4", got)
	}
	p, err := s.Audit(ctx, rounds.AuditScope{Teams: []string{"ev"}}, rounds.Filter{})
	wantCode(t, "audit", err, "")
	var audited []string
	for _, e := range p.Items {
		if e.Entity == "event" {
			audited = append(audited, e.EntityID)
		}
	}
	if want := []string{v.RosterID + "/e4", v.RosterID + "/e2", v.RosterID + "/e1"}; !equal(audited, want) {
		t.Errorf("audited events %v, want %v (newest first)", audited, want)
	}
}

func testJobs(t *testing.T, ctx context.Context, s rounds.Store) {
	mustTeam(t, ctx, s, "job")
	j := &rounds.Job{Team: "job", Kind: rounds.JobSolve, From: "2025-03-03", To: "2025-03-03", Request: &rounds.Request{Team: "job"}}
	wantCode(t, "submit", s.SubmitJob(ctx, j), "")
	if j.ID == "" || j.State != rounds.JobQueued {
		t.Fatalf("submitted %+v", j)
	}
	wantCode(t, "submit to missing team", s.SubmitJob(ctx, &rounds.Job{Team: "nope", Kind: rounds.JobSolve, From: "2025-03-03", To: "2025-03-03", Request: &rounds.Request{}}), rounds.ENOTFOUND)
	got, err := s.Job(ctx, "job", j.ID)
	wantCode(t, "get", err, "")
	if got.Request != nil || got.State != rounds.JobQueued || got.From != "2025-03-03" {
		t.Errorf("Job = %+v, want queued without request", got)
	}
	_, err = s.Job(ctx, "ros", j.ID)
	wantCode(t, "job of another team", err, rounds.ENOTFOUND)
	if n, err := s.QueueDepth(ctx); err != nil || n != 1 {
		t.Errorf("QueueDepth = %d, %v; want 1", n, err)
	}
	c, err := s.CancelJob(ctx, "job", j.ID)
	wantCode(t, "cancel", err, "")
	if c.State != rounds.JobCancelled {
		t.Errorf("cancelled job state %s", c.State)
	}
	_, err = s.CancelJob(ctx, "job", j.ID)
	wantCode(t, "cancel twice", err, rounds.ECONFLICT)
	if n, _ := s.QueueDepth(ctx); n != 0 {
		t.Errorf("QueueDepth after cancel = %d", n)
	}
}

func testSimulations(t *testing.T, ctx context.Context, s rounds.Store) {
	mustTeam(t, ctx, s, "sim")
	newRun := func(team string) *rounds.SimulationRun {
		return &rounds.SimulationRun{Team: team, File: json.RawMessage(`{"horizonDays":1}`), Scenarios: []string{"baseline", "winter"},
			Replications: 2, From: "2025-12-01", To: "2025-12-01"}
	}
	wantCode(t, "submit to missing team", s.SubmitSimulation(ctx, newRun("nope")), rounds.ENOTFOUND)
	before, _ := s.QueueDepth(ctx)
	a, b := newRun("sim"), newRun("sim")
	wantCode(t, "submit", s.SubmitSimulation(ctx, a), "")
	wantCode(t, "submit another", s.SubmitSimulation(ctx, b), "")
	if a.ID == "" || a.State != rounds.JobQueued || a.Total != 4 || a.Done != 0 || a.CreatedBy == "" {
		t.Fatalf("submitted %+v", a)
	}
	if n, _ := s.QueueDepth(ctx); n != before+8 {
		t.Errorf("QueueDepth = %d, want %d: a job per replication of each scenario", n, before+8)
	}
	got, err := s.Simulation(ctx, "", a.ID)
	wantCode(t, "get in any team", err, "")
	if got.Team != "sim" || got.State != rounds.JobQueued || got.Total != 4 || string(got.File) != `{"horizonDays": 1}` && string(got.File) != `{"horizonDays":1}` ||
		!slices.Equal(got.Scenarios, a.Scenarios) || got.From != "2025-12-01" {
		t.Errorf("Simulation = %+v", got)
	}
	_, err = s.Simulation(ctx, "job", a.ID)
	wantCode(t, "simulation of another team", err, rounds.ENOTFOUND)
	p, err := s.Simulations(ctx, "sim", rounds.Filter{Limit: 1})
	wantCode(t, "list", err, "")
	if p.Total != 2 || len(p.Items) != 1 || p.Items[0].ID != b.ID {
		t.Errorf("Simulations = %d, %+v; want 2, newest (%s) first", p.Total, p.Items, b.ID)
	}
	if rs, err := s.SimulationResults(ctx, a.ID); err != nil || len(rs) != 0 {
		t.Errorf("results of a queued run: %v, %v", rs, err)
	}
	c, err := s.CancelSimulation(ctx, "sim", a.ID)
	wantCode(t, "cancel", err, "")
	if c.State != rounds.JobCancelled || c.Done != 0 {
		t.Errorf("cancelled run %s, %d done", c.State, c.Done)
	}
	_, err = s.CancelSimulation(ctx, "sim", a.ID)
	wantCode(t, "cancel twice", err, rounds.ECONFLICT)
	_, err = s.CancelSimulation(ctx, "job", b.ID)
	wantCode(t, "cancel in another team", err, rounds.ENOTFOUND)
	if n, _ := s.QueueDepth(ctx); n != before+4 {
		t.Errorf("QueueDepth after cancel = %d, want %d", n, before+4)
	}
	wantCode(t, "delete team", s.DeleteTeam(ctx, "sim"), "")
	_, err = s.Simulation(ctx, "", b.ID)
	wantCode(t, "simulation of a deleted team", err, rounds.ENOTFOUND)
}

func testAudit(t *testing.T, ctx context.Context, s rounds.Store) {
	p, err := s.Audit(ctx, rounds.AuditScope{Teams: []string{"rec"}}, rounds.Filter{Limit: 1000})
	wantCode(t, "audit", err, "")
	actor := rounds.ActorFromContext(ctx)
	var sawUpdate bool
	for i, e := range p.Items {
		if e.Team != "rec" || e.Actor != actor || e.At.IsZero() {
			t.Fatalf("entry %+v: want team rec, actor %s", e, actor)
		}
		if i > 0 && e.ID >= p.Items[i-1].ID {
			t.Fatalf("entries not newest first: %d after %d", e.ID, p.Items[i-1].ID)
		}
		if e.Entity == "visit" && e.EntityID == "v2" && e.Action == rounds.AuditUpdate {
			sawUpdate = true
			var before, after rounds.Visit
			if json.Unmarshal(e.Before, &before) != nil || json.Unmarshal(e.After, &after) != nil || before.DurationMinutes != 45 || after.DurationMinutes != 60 {
				t.Errorf("update entry before %s after %s", e.Before, e.After)
			}
		}
	}
	if !sawUpdate {
		t.Error("no audit entry for the update of visit v2")
	}
	// The team, 2 workers, a client, an episode, 3 visits, an update, 2 deletes.
	if p.Total != 11 {
		t.Errorf("team rec has %d audit entries, want 11", p.Total)
	}
	all, err := s.Audit(ctx, rounds.AuditScope{All: true}, rounds.Filter{Limit: rounds.MaxPageSize})
	wantCode(t, "audit all", err, "")
	if all.Total <= p.Total {
		t.Errorf("audit of every team has %d entries, team rec alone %d", all.Total, p.Total)
	}
	perTeam := map[string]int{}
	for _, e := range all.Items {
		perTeam[e.Team]++
	}
	if perTeam[""] == 0 || perTeam["hf"] == 0 || all.Total > len(all.Items) {
		t.Fatalf("audit of everything: %d of %d entries, per team %v; want them all, keys' (no team) and hf's among them", len(all.Items), all.Total, perTeam)
	}
	two, err := s.Audit(ctx, rounds.AuditScope{Teams: []string{"rec", "hf", "nosuchteam"}}, rounds.Filter{Limit: rounds.MaxPageSize})
	wantCode(t, "audit of two teams", err, "")
	if two.Total != perTeam["rec"]+perTeam["hf"] {
		t.Errorf("audit of teams rec and hf has %d entries, want %d", two.Total, perTeam["rec"]+perTeam["hf"])
	}
	for _, e := range two.Items {
		if e.Team != "rec" && e.Team != "hf" {
			t.Errorf("audit of teams rec and hf returns entry %d of team %q", e.ID, e.Team)
		}
	}
	none, err := s.Audit(ctx, rounds.AuditScope{}, rounds.Filter{})
	wantCode(t, "audit of no scope", err, "")
	if none.Total != 0 || len(none.Items) != 0 {
		t.Errorf("the zero scope reads %d entries, want none", none.Total)
	}
}

// testConcurrentUpdates updates one visit from several goroutines at once:
// every update is audited with the body it replaced, so the entries chain
// from the created visit to the stored one.
func testConcurrentUpdates(t *testing.T, ctx context.Context, s rounds.Store) {
	mustTeam(t, ctx, s, "conc")
	c := rounds.Client{ID: "c1", Location: rounds.Location{Lat: 51.49, Lon: -0.22}, Consent: true}
	wantCode(t, "create client", s.Clients().Create(ctx, "conc", &c), "")
	v := rounds.Visit{ID: "v1", ClientID: "c1", Date: "2025-03-03", DurationMinutes: 10, Priority: rounds.Routine}
	wantCode(t, "create visit", s.Visits().Create(ctx, "conc", &v), "")
	const goroutines, each = 6, 5
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*each)
	for g := range goroutines {
		wg.Go(func() {
			for i := range each {
				u := v
				u.DurationMinutes = 100 + g*each + i
				errs <- s.Visits().Update(ctx, "conc", &u)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		wantCode(t, "update", err, "")
	}
	p, err := s.Audit(ctx, rounds.AuditScope{Teams: []string{"conc"}}, rounds.Filter{Limit: 1000})
	wantCode(t, "audit", err, "")
	var updates []rounds.AuditEntry
	for _, e := range p.Items {
		if e.Entity == "visit" && e.Action == rounds.AuditUpdate {
			updates = append(updates, e)
		}
	}
	slices.Reverse(updates)
	if len(updates) != goroutines*each {
		t.Fatalf("%d update entries, want %d", len(updates), goroutines*each)
	}
	last := v.DurationMinutes
	for i, e := range updates {
		var before, after rounds.Visit
		if json.Unmarshal(e.Before, &before) != nil || json.Unmarshal(e.After, &after) != nil {
			t.Fatalf("entry %d: before %s after %s", i, e.Before, e.After)
		}
		if before.DurationMinutes != last {
			t.Fatalf("entry %d replaced duration %d, but the one before set %d", i, before.DurationMinutes, last)
		}
		last = after.DurationMinutes
	}
	got, err := s.Visits().Get(ctx, "conc", "v1")
	wantCode(t, "get", err, "")
	if got.DurationMinutes != last {
		t.Errorf("stored duration %d, the last audited update set %d", got.DurationMinutes, last)
	}
}

// testCreateAll checks that CreateAll stores a batch whole or not at all,
// and that an episode's pattern survives the store.
func testCreateAll(t *testing.T, ctx context.Context, s rounds.Store) {
	mustTeam(t, ctx, s, "batch")
	wantCode(t, "create client", s.Clients().Create(ctx, "batch", &rounds.Client{ID: "c1", Location: rounds.Location{Lat: 51.5, Lon: -0.2}}), "")
	ep := rounds.Episode{ID: "e1", ClientID: "c1", Pathway: rounds.Reablement, Start: "2025-03-01", End: "2025-03-10", Pattern: rounds.ReablementTaper(10)}
	wantCode(t, "create episode", s.Episodes().Create(ctx, "batch", &ep), "")
	got, err := s.Episodes().Get(ctx, "batch", "e1")
	wantCode(t, "get episode", err, "")
	gotJSON, _ := json.Marshal(got)
	wantJSON, _ := json.Marshal(ep)
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("stored episode %s, want %s", gotJSON, wantJSON)
	}
	visits, err := ep.Visits()
	wantCode(t, "expand", err, "")
	ghost := rounds.Visit{ID: "zz", ClientID: "c1", Date: "2025-03-01", DurationMinutes: 30, Priority: rounds.Reablement, Episode: "ghost"}
	audit := func() int {
		p, err := s.Audit(ctx, rounds.AuditScope{Teams: []string{"batch"}}, rounds.Filter{Limit: 1})
		wantCode(t, "audit", err, "")
		return p.Total
	}
	before := audit()
	tests := []struct {
		name  string
		team  string
		batch []rounds.Visit
		code  string
	}{
		{"refers to a missing episode", "batch", append(slices.Clone(visits), ghost), rounds.ECONFLICT},
		{"same id twice", "batch", append(slices.Clone(visits), visits[0]), rounds.ECONFLICT},
		{"missing team", "nobody", visits, rounds.ENOTFOUND},
		{"empty", "batch", nil, ""},
	}
	for _, tt := range tests {
		wantCode(t, tt.name, s.Visits().CreateAll(ctx, tt.team, tt.batch), tt.code)
		if n, _, err := listIDs(ctx, s.Visits(), "batch", rounds.Filter{}, func(v rounds.Visit) string { return v.ID })(); err != nil || n != 0 {
			t.Fatalf("%s: %d visits stored (%v), want none", tt.name, n, err)
		}
	}
	if got := audit(); got != before {
		t.Errorf("failed batches wrote %d audit entries", got-before)
	}
	wantCode(t, "create all", s.Visits().CreateAll(ctx, "batch", visits), "")
	n, _, err := listIDs(ctx, s.Visits(), "batch", rounds.Filter{Episode: "e1"}, func(v rounds.Visit) string { return v.ID })()
	if err != nil || n != len(visits) {
		t.Errorf("%d visits stored (%v), want %d", n, err, len(visits))
	}
	if got := audit(); got != before+len(visits) {
		t.Errorf("%d audit entries for %d visits", got-before, len(visits))
	}
	wantCode(t, "create all again", s.Visits().CreateAll(ctx, "batch", visits[len(visits)-1:]), rounds.ECONFLICT)
}
