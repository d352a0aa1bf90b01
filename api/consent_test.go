package api

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/solver"
)

// TestConsentWithdrawn plans a day with a client who consented, withdraws
// the consent, and reads everything that mentions the client as a viewer,
// a dispatcher and an admin, against each store: only the admin sees where
// the client lives, their care and their network.
func TestConsentWithdrawn(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, st.new(t, &solver.Planner{Source: geo.Haversine{}}))
			consentWithdrawn(t, e)
		})
	}
}

// The withdrawn client's details: every one of them is distinctive enough
// to be searched for in a response body.
const (
	privateName    = "Withdrawn Person"
	privateLat     = "51.48713"
	privateLon     = "-0.22139"
	privateNetwork = "riverside"
	privateSkill   = "insulin"
	privateGoal    = "walk to the pharmacy"
	// privateNeed is a skill no worker has: its visit stays unassigned,
	// and the reason names it.
	privateNeed = "catheter_care"
)

func consentWithdrawn(t *testing.T, e *env) {
	e.must(t, "POST", "/v1/teams", e.admin, rounds.Team{ID: "hf", Name: "H&F"}, 201, nil)
	coord := e.key(t, rounds.AccessCoordinator, "hf")
	dispatch := e.key(t, rounds.AccessDispatcher, "hf")
	viewer := e.key(t, rounds.AccessViewer, "hf")
	const day = "2025-03-03"
	base := rounds.Location{Lat: 51.50, Lon: -0.20}
	for _, id := range []string{"w1", "w2"} {
		e.must(t, "POST", "/v1/teams/hf/workers", coord, rounds.Worker{ID: id, Role: rounds.Nurse, Skills: []rounds.Skill{privateSkill},
			Start: base, TravelMode: geo.Drive, Shifts: []rounds.Shift{{Date: day, Start: rounds.At(8, 0), End: rounds.At(16, 0)}}}, 201, nil)
	}
	private := rounds.Client{ID: "c2", Name: privateName, Location: rounds.Location{Lat: 51.48713, Lon: -0.22139}, Network: privateNetwork, Consent: true}
	e.must(t, "POST", "/v1/teams/hf/clients", coord, rounds.Client{ID: "c1", Location: rounds.Location{Lat: 51.51, Lon: -0.19}, Consent: true}, 201, nil)
	e.must(t, "POST", "/v1/teams/hf/clients", coord, private, 201, nil)
	e.must(t, "POST", "/v1/teams/hf/episodes", coord, rounds.Episode{ID: "e2", ClientID: "c2", Pathway: rounds.Reablement,
		Start: day, End: day, Goals: []string{privateGoal}}, 201, nil)
	for _, v := range []rounds.Visit{
		{ID: "v1", ClientID: "c1", Date: day, DurationMinutes: 30, Priority: rounds.Routine},
		{ID: "v2", ClientID: "c2", Date: day, DurationMinutes: 30, Priority: rounds.Reablement, Episode: "e2", Skills: []rounds.Skill{privateSkill}},
		{ID: "v3", ClientID: "c2", Date: day, DurationMinutes: 20, Priority: rounds.Reablement, Episode: "e2"},
		{ID: "v4", ClientID: "c2", Date: day, DurationMinutes: 20, Priority: rounds.Routine, Skills: []rounds.Skill{privateNeed}},
	} {
		e.must(t, "POST", "/v1/teams/hf/visits", coord, v, 201, nil)
	}

	// Plan while the client consents: the roster stops at their home.
	var job rounds.Job
	e.must(t, "POST", "/v1/plans", coord, PlanRequest{Team: "hf", From: day, To: day, Options: rounds.Options{Iterations: 200, Seed: 1, Threads: 1}}, 202, &job)
	job = waitJob(t, e, coord, job.ID)
	if job.State != rounds.JobCompleted {
		t.Fatalf("job ended %s: %s", job.State, job.Error)
	}
	roster := "/v1/teams/hf/rosters/" + job.RosterID
	var v1 rounds.RosterVersion
	e.must(t, "GET", roster, e.admin, nil, 200, &v1)
	if ownerOf(v1.Roster, "v2") == "" || ownerOf(v1.Roster, "v3") == "" {
		t.Fatalf("the plan left the private client's visits out: %+v", v1.Roster.Unassigned)
	}
	if len(v1.Roster.Unassigned) != 1 || !strings.Contains(v1.Roster.Unassigned[0].Detail, privateNeed) {
		t.Fatalf("unassigned %+v, want v4 for want of %s", v1.Roster.Unassigned, privateNeed)
	}

	// The client withdraws consent.
	private.Consent = false
	e.must(t, "PUT", "/v1/teams/hf/clients/c2", coord, private, 200, nil)
	// A dispatcher's later edit stores version 2 from version 1.
	move := validMove(t, e, &v1)
	_, edited := e.call(t, "POST", roster+"/edits", dispatch, move)

	// A dispatcher who names the hidden episode in a new visit learns no
	// more than a read would: no client, no dates.
	for _, v := range []rounds.Visit{
		{ID: "v8", ClientID: "c1", Date: day, DurationMinutes: 30, Priority: rounds.Routine, Episode: "e2"},
		{ID: "v9", ClientID: "c2", Date: "2025-03-09", DurationMinutes: 30, Priority: rounds.Routine, Episode: "e2"},
	} {
		status, body := e.call(t, "POST", "/v1/teams/hf/visits", dispatch, v)
		if status != 422 || fieldOf(body) != "episode" || strings.Contains(string(body), "c2") || strings.Contains(string(body), day) {
			t.Errorf("visit %s naming the hidden episode: %d %s, want 422 naming episode, no client or date", v.ID, status, body)
		}
	}

	hidden := []struct {
		name, method, path, token string
		body                      any
	}{
		{"edit answer", "", "", "", nil}, // filled from edited below
		{"latest roster", "GET", roster, viewer, nil},
		{"roster version 1", "GET", roster + "?version=1", viewer, nil},
		{"roster version 2", "GET", roster + "?version=2", dispatch, nil},
		{"roster list", "GET", "/v1/teams/hf/rosters", viewer, nil},
		{"diff", "GET", roster + "/diff?from=1&to=2", viewer, nil},
		{"job", "GET", "/v1/plans/" + job.ID, viewer, nil},
		{"client", "GET", "/v1/teams/hf/clients/c2", viewer, nil},
		{"clients", "GET", "/v1/teams/hf/clients", viewer, nil},
		{"clients by network", "GET", "/v1/teams/hf/clients?network=" + privateNetwork, viewer, nil},
		{"visit", "GET", "/v1/teams/hf/visits/v2", viewer, nil},
		{"visits", "GET", "/v1/teams/hf/visits", viewer, nil},
		{"visits of the client", "GET", "/v1/teams/hf/visits?clientId=c2", dispatch, nil},
		{"visits of the episode", "GET", "/v1/teams/hf/visits?episode=e2", dispatch, nil},
		{"episode", "GET", "/v1/teams/hf/episodes/e2", coord, nil},
		{"episodes", "GET", "/v1/teams/hf/episodes", viewer, nil},
		{"publish answer", "POST", roster + "/publish", coord, PublishRequest{Version: 2}},
	}
	for i, tc := range hidden {
		t.Run(tc.name, func(t *testing.T) {
			body := edited
			if i > 0 {
				_, body = e.call(t, tc.method, tc.path, tc.token, tc.body)
			}
			for _, secret := range []string{privateName, privateLat, privateLon, privateNetwork, privateSkill, privateGoal, privateNeed} {
				if bytes.Contains(body, []byte(secret)) {
					t.Errorf("%q shows in %s", secret, body)
				}
			}
		})
	}

	// The reads above show no more than the client's ID, and say nothing
	// that is not so.
	var c rounds.Client
	_, body := e.call(t, "GET", "/v1/teams/hf/clients/c2", viewer, nil)
	if bytes.Contains(body, []byte(`"location"`)) {
		t.Errorf("a redacted client shows a location: %s", body)
	}
	var clients rounds.Page[rounds.Client]
	e.must(t, "GET", "/v1/teams/hf/clients?network="+privateNetwork, viewer, nil, 200, &clients)
	if clients.Total != 0 {
		t.Errorf("a viewer's list of network %s counts %d clients, want 0", privateNetwork, clients.Total)
	}
	e.must(t, "GET", "/v1/teams/hf/visits/v2", viewer, nil, 404, nil)
	e.must(t, "GET", "/v1/teams/hf/episodes/e2", dispatch, nil, 404, nil)
	e.must(t, "POST", "/v1/teams/hf/episodes/e2/visits", dispatch, nil, 404, nil)
	var visits rounds.Page[rounds.Visit]
	e.must(t, "GET", "/v1/teams/hf/visits", viewer, nil, 200, &visits)
	if visits.Total != 1 || len(visits.Items) != 1 || visits.Items[0].ID != "v1" {
		t.Errorf("a viewer lists visits %+v, want v1 alone", visits)
	}
	var latest rounds.RosterVersion
	e.must(t, "GET", roster, viewer, nil, 200, &latest)
	if latest.Version != 2 {
		t.Fatalf("latest version %d, want the edit's 2", latest.Version)
	}
	for _, rt := range latest.Roster.Routes {
		for _, s := range rt.Stops {
			if s.ClientID == "c2" && s.Location != (rounds.Location{}) || s.ClientID == "c1" && s.Location == (rounds.Location{}) {
				t.Errorf("viewer's stop %+v", s)
			}
		}
	}

	// The admin still sees it all.
	e.must(t, "GET", "/v1/teams/hf/clients/c2", e.admin, nil, 200, &c)
	if c.Name != privateName || c.Location != private.Location {
		t.Errorf("admin reads client %+v", c)
	}
	e.must(t, "GET", "/v1/teams/hf/clients?network="+privateNetwork, e.admin, nil, 200, &clients)
	if clients.Total != 1 {
		t.Errorf("admin's list of network %s counts %d clients, want 1", privateNetwork, clients.Total)
	}
	e.must(t, "GET", "/v1/teams/hf/visits/v2", e.admin, nil, 200, nil)
	e.must(t, "GET", "/v1/teams/hf/episodes/e2", e.admin, nil, 200, nil)
	for _, version := range []string{"1", "2"} {
		var v rounds.RosterVersion
		e.must(t, "GET", roster+"?version="+version, e.admin, nil, 200, &v)
		for _, rt := range v.Roster.Routes {
			for _, s := range rt.Stops {
				if s.ClientID == "c2" && s.Location != private.Location {
					t.Errorf("admin's version %s stop %+v, want the client's location", version, s)
				}
			}
		}
	}
	var raw map[string]any
	if err := json.Unmarshal(edited, &raw); err != nil || raw["version"] != 2.0 {
		t.Errorf("edit answer %s, want version 2", edited)
	}
}
