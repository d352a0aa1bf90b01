package api

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/solver"
)

// TestExpandEpisode creates an episode with the reablement taper, expands
// it into visits, lists them, and checks that a second expansion, a
// clashing visit and a bad pattern are refused, against each store.
func TestExpandEpisode(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, st.new(t, &solver.Planner{Source: geo.Haversine{}}))
			expandEpisode(t, e)
		})
	}
}

func expandEpisode(t *testing.T, e *env) {
	ctx := context.Background()
	e.must(t, "POST", "/v1/teams", e.admin, rounds.Team{ID: "hf", Name: "H&F", Skills: []rounds.Skill{"hoist"}}, 201, nil)
	coord := e.key(t, rounds.AccessCoordinator, "hf")
	dispatch := e.key(t, rounds.AccessDispatcher, "hf")
	planner := e.key(t, rounds.AccessPlanner, "hf")
	e.must(t, "POST", "/v1/teams/hf/clients", coord, rounds.Client{ID: "c1", Location: rounds.Location{Lat: 51.49, Lon: -0.22}, Consent: true}, 201, nil)
	ep := rounds.Episode{ID: "e1", ClientID: "c1", Pathway: rounds.Reablement, Start: "2025-03-27", End: "2025-04-09", Pattern: rounds.ReablementTaper(14)}
	e.must(t, "POST", "/v1/teams/hf/episodes", coord, ep, 201, nil)

	before, err := e.store.Audit(ctx, rounds.AuditScope{Teams: []string{"hf"}}, rounds.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	e.must(t, "POST", "/v1/teams/hf/episodes/e1/visits", planner, nil, 403, nil)
	var created []rounds.Visit
	e.must(t, "POST", "/v1/teams/hf/episodes/e1/visits", dispatch, nil, 201, &created)
	if want := 7*4 + 7*3; len(created) != want {
		t.Fatalf("created %d visits, want %d", len(created), want)
	}
	after, err := e.store.Audit(ctx, rounds.AuditScope{Teams: []string{"hf"}}, rounds.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if after.Total-before.Total != len(created) {
		t.Errorf("audit grew by %d entries, want one per visit (%d)", after.Total-before.Total, len(created))
	}

	var page rounds.Page[rounds.Visit]
	e.must(t, "GET", "/v1/teams/hf/visits?episode=e1&from=2025-03-31&to=2025-04-03", e.admin, nil, 200, &page)
	want := []string{
		"e1-d05-evening", "e1-d05-lunch", "e1-d05-morning", "e1-d05-tea",
		"e1-d06-evening", "e1-d06-lunch", "e1-d06-morning", "e1-d06-tea",
		"e1-d07-evening", "e1-d07-lunch", "e1-d07-morning", "e1-d07-tea",
		"e1-d08-evening", "e1-d08-lunch", "e1-d08-morning",
	}
	if got := visitIDs(page.Items); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("visits of 31 March to 3 April:\n got %v\nwant %v", got, want)
	}
	var lunch rounds.Visit
	e.must(t, "GET", "/v1/teams/hf/visits/e1-d08-lunch", e.admin, nil, 200, &lunch)
	if lunch.Date != "2025-04-03" || lunch.Episode != "e1" || len(lunch.Links) != 1 || lunch.Links[0].VisitID != "e1-d08-morning" {
		t.Errorf("stored lunch visit %+v, want 3 April, episode e1, linked to e1-d08-morning", lunch)
	}

	// A second expansion clashes and adds nothing.
	status, body := e.call(t, "POST", "/v1/teams/hf/episodes/e1/visits", dispatch, nil)
	if status != 409 {
		t.Errorf("second expansion: %d %s, want 409", status, body)
	}
	e.must(t, "GET", "/v1/teams/hf/visits?episode=e1&limit=1", e.admin, nil, 200, &page)
	if page.Total != len(created) {
		t.Errorf("%d visits after the second expansion, want %d", page.Total, len(created))
	}

	// All or nothing: one visit already there stops the others.
	e.must(t, "POST", "/v1/teams/hf/episodes", coord, rounds.Episode{ID: "e2", ClientID: "c1", Pathway: rounds.Reablement,
		Start: "2025-03-27", End: "2025-04-02", Pattern: rounds.ReablementTaper(7)}, 201, nil)
	e.must(t, "POST", "/v1/teams/hf/visits", dispatch, rounds.Visit{ID: "e2-d07-evening", ClientID: "c1", Date: "2025-04-02",
		DurationMinutes: 30, Priority: rounds.Reablement, Episode: "e2"}, 201, nil)
	e.must(t, "POST", "/v1/teams/hf/episodes/e2/visits", dispatch, nil, 409, nil)
	e.must(t, "GET", "/v1/teams/hf/visits?episode=e2", e.admin, nil, 200, &page)
	if page.Total != 1 {
		t.Errorf("%d visits of e2 after a clashing expansion, want 1", page.Total)
	}

	tests := []struct {
		name, method, path string
		body               any
		status             int
		field              string
	}{
		{"window outside service hours", "POST", "/v1/teams/hf/episodes",
			`{"id":"e3","clientId":"c1","pathway":"reablement","start":"2025-03-27","end":"2025-04-02","pattern":[{"fromDay":1,"toDay":7,"calls":[{"name":"morning","durationMinutes":30,"windows":[{"start":"07:30","end":"09:00"}]}]}]}`,
			422, "pattern[0].calls[0].windows[0]"},
		{"skill not in the catalogue", "POST", "/v1/teams/hf/episodes",
			`{"id":"e3","clientId":"c1","pathway":"reablement","start":"2025-03-27","end":"2025-04-02","pattern":[{"fromDay":1,"toDay":3,"calls":[{"name":"morning","durationMinutes":30,"skills":["hoist","sling"]}]}]}`,
			422, "pattern[0].calls[0].skills[1]"},
		{"unknown pattern field", "POST", "/v1/teams/hf/episodes",
			`{"id":"e3","clientId":"c1","pathway":"reablement","start":"2025-03-27","end":"2025-04-02","pattern":[{"fromDay":1,"toDay":3,"visits":[]}]}`,
			422, "visits"},
		{"shortened below its pattern", "PUT", "/v1/teams/hf/episodes/e1",
			rounds.Episode{ID: "e1", ClientID: "c1", Pathway: rounds.Reablement, Start: "2025-03-27", End: "2025-04-02", Pattern: rounds.ReablementTaper(14)},
			422, "pattern[1].fromDay"},
		{"no pattern", "POST", "/v1/teams/hf/episodes/e0/visits", nil, 422, "pattern"},
		{"no episode", "POST", "/v1/teams/hf/episodes/ghost/visits", nil, 404, ""},
	}
	e.must(t, "POST", "/v1/teams/hf/episodes", coord, rounds.Episode{ID: "e0", ClientID: "c1", Pathway: rounds.Reablement, Start: "2025-03-27", End: "2025-04-02"}, 201, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := e.call(t, tt.method, tt.path, coord, tt.body)
			var eb ErrorBody
			if err := json.Unmarshal(body, &eb); err != nil {
				t.Fatalf("decode %s: %v", body, err)
			}
			if status != tt.status || (tt.field != "" && eb.Error.Field != tt.field) {
				t.Errorf("%d %s, want %d naming %q", status, body, tt.status, tt.field)
			}
		})
	}
}

func visitIDs(vs []rounds.Visit) []string {
	ids := make([]string, len(vs))
	for i, v := range vs {
		ids[i] = v.ID
	}
	return ids
}
