package api

import (
	"encoding/json"

	"slices"
	"strings"
	"testing"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/memory"
)

// TestAccessEveryEndpoint calls every authenticated route with no key, a
// bad key, each role, and a key for another team, and checks that only the
// roles the table allows get past the checks.
func TestAccessEveryEndpoint(t *testing.T) {
	e := newEnv(t, memory.NewStore())
	e.must(t, "POST", "/v1/teams", e.admin, rounds.Team{ID: "hf", Name: "H&F"}, 201, nil)
	e.must(t, "POST", "/v1/teams", e.admin, rounds.Team{ID: "kc", Name: "K&C"}, 201, nil)
	tokens := map[rounds.AccessRole]string{rounds.AccessAdmin: e.admin}
	for _, role := range rounds.AccessRoles[1:] {
		tokens[role] = e.key(t, role, "hf")
	}
	outsider := e.key(t, rounds.AccessCoordinator, "kc")
	for _, r := range e.srv.routes() {
		if r.perm == permPublic {
			continue
		}
		p := path(r.path)
		t.Run(r.method+" "+r.path, func(t *testing.T) {
			if status, _ := e.call(t, r.method, p, "", "{}"); status != 401 {
				t.Errorf("no key: status %d, want 401", status)
			}
			if status, _ := e.call(t, r.method, p, "rk_nope_nope", "{}"); status != 401 {
				t.Errorf("unknown key: status %d, want 401", status)
			}
			for _, role := range rounds.AccessRoles {
				status, body := e.call(t, r.method, p, tokens[role], "{}")
				denied := status == 403 && fieldOf(body) == "role"
				if want := !slices.Contains(allowed[r.perm], role); denied != want {
					t.Errorf("%s: status %d (%s), denied %v, want %v", role, status, body, denied, want)
				}
			}
			if strings.Contains(r.path, ":team") {
				status, body := e.call(t, r.method, p, outsider, "{}")
				if status != 403 || fieldOf(body) != "team" && fieldOf(body) != "role" {
					t.Errorf("key of another team: status %d (%s), want 403", status, body)
				}
			}
		})
	}
	t.Run("team in the body", func(t *testing.T) {
		for _, c := range []struct{ method, path, body string }{
			{"POST", "/v1/plans", `{"team":"hf","from":"2025-03-03","to":"2025-03-03"}`},
			{"POST", "/v1/solve", `{"team":"hf","workers":[],"clients":[],"visits":[]}`},
		} {
			status, body := e.call(t, c.method, c.path, outsider, c.body)
			if status != 403 || fieldOf(body) != "team" {
				t.Errorf("%s %s by another team's key: %d %s, want 403 naming team", c.method, c.path, status, body)
			}
		}
	})
}

// TestBadInput checks that bad requests get a 4xx naming the field and
// value, and leave nothing behind.
func TestBadInput(t *testing.T) {
	e := newEnv(t, memory.NewStore())
	e.must(t, "POST", "/v1/teams", e.admin, rounds.Team{ID: "hf", Name: "H&F", Skills: []rounds.Skill{"hoist"}}, 201, nil)
	worker := `{"id":"w1","role":"nurse","start":{"lat":51.5,"lon":-0.2},"travelMode":"drive","shifts":[{"date":"2025-03-03","start":"08:00","end":"16:00"}]}`
	e.must(t, "POST", "/v1/teams/hf/workers", e.admin, worker, 201, nil)
	e.must(t, "POST", "/v1/teams/hf/clients", e.admin, `{"id":"c1","location":{"lat":51.5,"lon":-0.21},"consent":true}`, 201, nil)
	cases := []struct {
		name, method, path, body string
		status                   int
		field, value             string
	}{
		{"unknown field", "POST", "/v1/teams/hf/workers", `{"id":"w2","colour":"red"}`, 422, "colour", "colour"},
		{"wrong type", "POST", "/v1/teams/hf/workers", `{"id":"w2","role":7}`, 422, "role", "7"},
		{"impossible time", "POST", "/v1/teams/hf/workers", strings.Replace(worker, `"16:00"`, `"25:00"`, 1), 422, "shifts[0].end", `"25:00"`},
		{"shift ends first", "POST", "/v1/teams/hf/workers", strings.NewReplacer(`"w1"`, `"w2"`, `"16:00"`, `"07:00"`).Replace(worker), 422, "shifts[0]", "08:00-07:00"},
		{"unknown skill", "POST", "/v1/teams/hf/workers", strings.NewReplacer(`"w1"`, `"w2"`, `"role":"nurse"`, `"role":"nurse","skills":["juggling"]`).Replace(worker), 422, "skills[0]", "juggling"},
		{"unknown role", "POST", "/v1/teams/hf/workers", strings.NewReplacer(`"w1"`, `"w2"`, `"nurse"`, `"wizard"`).Replace(worker), 422, "role", "wizard"},
		{"unknown client", "POST", "/v1/teams/hf/visits", `{"id":"v1","clientId":"ghost","date":"2025-03-03","durationMinutes":30,"priority":"routine"}`, 422, "clientId", "ghost"},
		{"unknown pin worker", "POST", "/v1/teams/hf/visits", `{"id":"v1","clientId":"c1","date":"2025-03-03","durationMinutes":30,"priority":"routine","pin":{"workerId":"ghost"}}`, 422, "pin.workerId", "ghost"},
		{"window outside hours", "POST", "/v1/teams/hf/visits", `{"id":"v1","clientId":"c1","date":"2025-03-03","durationMinutes":30,"priority":"routine","windows":[{"start":"06:00","end":"07:00"}]}`, 422, "windows[0]", "06:00-07:00"},
		{"bad id", "POST", "/v1/teams/hf/clients", `{"id":"a b","location":{"lat":51.5,"lon":-0.2}}`, 422, "id", "a b"},
		{"id differs from path", "PUT", "/v1/teams/hf/workers/w1", strings.Replace(worker, `"w1"`, `"w9"`, 1), 422, "id", "w9"},
		{"trailing data", "POST", "/v1/teams/hf/clients", `{"id":"c2","location":{"lat":51.5,"lon":-0.2}} {}`, 422, "body", "trailing data"},
		{"bad limit", "GET", "/v1/teams/hf/visits?limit=-1", "", 422, "limit", "-1"},
		{"unknown query", "GET", "/v1/teams/hf/visits?colour=red", "", 422, "colour", "red"},
		{"bad date filter", "GET", "/v1/teams/hf/visits?from=tomorrow", "", 422, "from", "tomorrow"},
		{"plan ends first", "POST", "/v1/plans", `{"team":"hf","from":"2025-03-03","to":"2025-03-01"}`, 422, "to", "2025-03-01"},
		{"plan too long", "POST", "/v1/plans", `{"team":"hf","from":"2025-03-01","to":"2025-06-01"}`, 422, "to", "2025-06-01"},
		{"plan time limit", "POST", "/v1/plans", `{"team":"hf","from":"2025-03-03","to":"2025-03-03","options":{"timeLimitSeconds":9999}}`, 422, "options.timeLimitSeconds", "9999"},
		{"solve time limit", "POST", "/v1/solve", `{"team":"hf","workers":[],"clients":[],"visits":[],"options":{"timeLimitSeconds":31}}`, 422, "options.timeLimitSeconds", "31"},
		{"missing team", "POST", "/v1/plans", `{"team":"zz","from":"2025-03-03","to":"2025-03-03"}`, 404, "", ""},
		{"body too large", "POST", "/v1/teams/hf/clients", `{"id":"c3","name":"` + strings.Repeat("x", 9<<20) + `"}`, 413, "body", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body := e.call(t, c.method, c.path, e.admin, c.body)
			var eb ErrorBody
			if status != c.status {
				t.Fatalf("status %d, want %d: %s", status, c.status, body)
			}
			if err := json.Unmarshal(body, &eb); err != nil || eb.Error.Code == "" {
				t.Fatalf("body %s is not an error body", body)
			}
			if eb.Error.Field != c.field || c.value != "" && eb.Error.Value != c.value {
				t.Errorf("error names %s = %q, want %s = %q (%s)", eb.Error.Field, eb.Error.Value, c.field, c.value, eb.Error.Message)
			}
		})
	}
	var visits rounds.Page[rounds.Visit]
	e.must(t, "GET", "/v1/teams/hf/visits", e.admin, nil, 200, &visits)
	var workers rounds.Page[rounds.Worker]
	e.must(t, "GET", "/v1/teams/hf/workers", e.admin, nil, 200, &workers)
	if visits.Total != 0 || workers.Total != 1 || workers.Items[0].ID != "w1" {
		t.Errorf("after the bad requests: %d visits, workers %v; want none and w1 unchanged", visits.Total, workers.Items)
	}

}

// TestCachedChangesTakeEffect checks that a key revoked, or a team's
// catalogue or the team itself changed, through this server takes effect at
// once although keys and teams are cached.
func TestCachedChangesTakeEffect(t *testing.T) {
	e := newEnv(t, memory.NewStore())
	e.must(t, "POST", "/v1/teams", e.admin, rounds.Team{ID: "hf", Name: "H&F", Skills: []rounds.Skill{"hoist", "insulin"}}, 201, nil)
	coordinator := e.key(t, rounds.AccessCoordinator, "hf")
	worker := func(id string) string {
		return `{"id":"` + id + `","role":"nurse","skills":["hoist"],"start":{"lat":51.5,"lon":-0.2},"travelMode":"drive"}`
	}
	e.must(t, "POST", "/v1/teams/hf/workers", coordinator, worker("w1"), 201, nil)
	steps := []struct {
		name, method, path, token, body string
		status                          int
	}{
		{"drop hoist from the catalogue", "PUT", "/v1/teams/hf", e.admin, `{"name":"H&F","skills":["insulin"]}`, 200},
		{"hoist is now unknown", "POST", "/v1/teams/hf/workers", coordinator, worker("w2"), 422},
		{"revoke the coordinator", "DELETE", "/v1/keys/" + strings.Split(coordinator, "_")[1], e.admin, "", 204},
		{"the revoked key is refused", "GET", "/v1/teams/hf/workers", coordinator, "", 401},
		{"delete the team", "DELETE", "/v1/teams/hf", e.admin, "", 204},
		{"the team is gone", "POST", "/v1/teams/hf/workers", e.admin, worker("w3"), 404},
	}
	for _, s := range steps {
		if status, body := e.call(t, s.method, s.path, s.token, s.body); status != s.status {
			t.Fatalf("%s: status %d, want %d: %s", s.name, status, s.status, body)
		}
	}
}

// keyIDOf returns the key ID of a token.
func keyIDOf(token string) string {
	id, _, _ := rounds.ParseToken(token)
	return id
}

// TestScopedAdmin checks that an admin key confined to one team can never
// grant, see or revoke more than it holds, nor make or delete teams, and
// reads only its own teams' audit entries.
func TestScopedAdmin(t *testing.T) {
	e := newEnv(t, memory.NewStore())
	e.must(t, "POST", "/v1/teams", e.admin, rounds.Team{ID: "teama", Name: "A"}, 201, nil)
	e.must(t, "POST", "/v1/teams", e.admin, rounds.Team{ID: "teamb", Name: "B"}, 201, nil)
	e.must(t, "POST", "/v1/teams/teamb/clients", e.admin, `{"id":"c1","name":"Bea Secret","location":{"lat":51.5,"lon":-0.2},"consent":true}`, 201, nil)
	scoped := e.key(t, rounds.AccessAdmin, "teama")
	bKey := e.key(t, rounds.AccessViewer, "teamb")
	abKey := e.key(t, rounds.AccessViewer, "teama", "teamb")
	aKey := e.key(t, rounds.AccessViewer, "teama")

	refused := []struct {
		name, method, path, body string
		status                   int
		field                    string
	}{
		{"a global admin key", "POST", "/v1/keys", `{"name":"x","role":"admin","teams":[]}`, 403, "teams"},
		{"a global key, teams left out", "POST", "/v1/keys", `{"name":"x","role":"admin"}`, 403, "teams"},
		{"a key of another team", "POST", "/v1/keys", `{"name":"x","role":"viewer","teams":["teamb"]}`, 403, "teams[0]"},
		{"a key of its team and another", "POST", "/v1/keys", `{"name":"x","role":"viewer","teams":["teama","teamb"]}`, 403, "teams[1]"},
		{"revoke another team's key", "DELETE", "/v1/keys/" + keyIDOf(bKey), "", 404, ""},
		{"revoke a key holding more teams", "DELETE", "/v1/keys/" + keyIDOf(abKey), "", 404, ""},
		{"revoke the global key", "DELETE", "/v1/keys/" + keyIDOf(e.admin), "", 404, ""},
		{"create a team", "POST", "/v1/teams", `{"id":"teamc","name":"C"}`, 403, "teams"},
		{"delete its own team", "DELETE", "/v1/teams/teama", "", 403, "teams"},
		{"delete another team", "DELETE", "/v1/teams/teamb", "", 403, ""},
		{"read another team's audit", "GET", "/v1/audit?team=teamb", "", 403, "team"},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			status, body := e.call(t, c.method, c.path, scoped, c.body)
			if status != c.status || c.field != "" && fieldOf(body) != c.field {
				t.Errorf("status %d (%s), want %d naming %q", status, body, c.status, c.field)
			}
		})
	}
	// Nothing the refused requests aimed at changed.
	for _, token := range []string{bKey, abKey, e.admin} {
		e.must(t, "GET", "/v1/teams/teamb", token, nil, 200, nil)
	}
	e.must(t, "GET", "/v1/teams/teama", e.admin, nil, 200, nil)
	e.must(t, "GET", "/v1/teams/teamc", e.admin, nil, 404, nil)

	// Within its teams it may make and revoke keys, admin keys included.
	var made NewKey
	e.must(t, "POST", "/v1/keys", scoped, KeyRequest{Name: "deputy", Role: rounds.AccessAdmin, Teams: []string{"teama"}}, 201, &made)
	e.must(t, "GET", "/v1/teams/teama", made.Token, nil, 200, nil)
	e.must(t, "GET", "/v1/teams/teamb", made.Token, nil, 403, nil)
	e.must(t, "DELETE", "/v1/keys/"+keyIDOf(aKey), scoped, nil, 204, nil)
	e.must(t, "GET", "/v1/teams/teama", aKey, nil, 401, nil)

	t.Run("list keys", func(t *testing.T) {
		var keys []rounds.APIKey
		e.must(t, "GET", "/v1/keys", scoped, nil, 200, &keys)
		var ids []string
		for _, k := range keys {
			ids = append(ids, k.ID)
		}
		slices.Sort(ids)
		want := []string{keyIDOf(scoped), made.ID}
		slices.Sort(want)
		if !slices.Equal(ids, want) {
			t.Errorf("scoped admin lists keys %v, want only those within its teams %v", ids, want)
		}
		e.must(t, "GET", "/v1/keys", e.admin, nil, 200, &keys)
		if len(keys) != 5 {
			t.Errorf("global admin lists %d keys, want 5", len(keys))
		}
	})

	t.Run("audit", func(t *testing.T) {
		for _, query := range []string{"", "?team=teama", "?limit=500"} {
			var p rounds.Page[rounds.AuditEntry]
			e.must(t, "GET", "/v1/audit"+query, scoped, nil, 200, &p)
			if p.Total == 0 || p.Total != len(p.Items) {
				t.Errorf("%s: %d of %d entries, want all of some", query, len(p.Items), p.Total)
			}
			for _, en := range p.Items {
				if en.Team != "teama" {
					t.Errorf("%s: scoped admin reads entry %d of team %q (%s %s)", query, en.ID, en.Team, en.Action, en.Entity)
				}
			}
		}
		var p rounds.Page[rounds.AuditEntry]
		e.must(t, "GET", "/v1/audit", e.admin, nil, 200, &p)
		teams := map[string]int{}
		for _, en := range p.Items {
			teams[en.Team]++
		}
		if teams["teama"] == 0 || teams["teamb"] == 0 || teams[""] == 0 {
			t.Errorf("global admin reads entries of teams %v, want teama, teamb and keys", teams)
		}
	})
}

// TestScopedPlans checks that a job of another team can be neither read
// nor cancelled, and that the answer does not tell it exists.
func TestScopedPlans(t *testing.T) {
	e := newEnv(t, memory.NewStore())
	e.must(t, "POST", "/v1/teams", e.admin, rounds.Team{ID: "teama", Name: "A"}, 201, nil)
	e.must(t, "POST", "/v1/teams", e.admin, rounds.Team{ID: "teamb", Name: "B"}, 201, nil)
	var job rounds.Job
	e.must(t, "POST", "/v1/plans", e.admin, PlanRequest{Team: "teamb", From: "2025-03-03", To: "2025-03-03"}, 202, &job)
	for _, role := range []rounds.AccessRole{rounds.AccessAdmin, rounds.AccessCoordinator, rounds.AccessViewer} {
		token := e.key(t, role, "teama")
		for _, method := range []string{"GET", "DELETE"} {
			status, body := e.call(t, method, "/v1/plans/"+job.ID, token, nil)
			_, ghost := e.call(t, method, "/v1/plans/nosuchjob", token, nil)
			if method == "DELETE" && role == rounds.AccessViewer {
				if status != 403 || fieldOf(body) != "role" {
					t.Errorf("%s %s: %d %s, want 403 naming role", role, method, status, body)
				}
				continue
			}
			if status != 404 || strings.Replace(string(body), job.ID, "nosuchjob", 1) != string(ghost) {
				t.Errorf("%s %s another team's job: %d %s, want the 404 of a missing job %s", role, method, status, body, ghost)
			}
		}
	}
	var got rounds.Job
	e.must(t, "GET", "/v1/plans/"+job.ID, e.admin, nil, 200, &got)
	if got.State != rounds.JobQueued {
		t.Errorf("job state %s after the refused cancels, want queued", got.State)
	}
}

// TestGrants checks the order of roles a key may grant: only roles whose
// every permission the maker holds.
func TestGrants(t *testing.T) {
	for _, c := range []struct {
		maker, role rounds.AccessRole
		want        bool
	}{
		{admin, admin, true},
		{admin, viewer, true},
		{coordinator, admin, false},
		{coordinator, coordinator, true},
		{coordinator, dispatcher, true},
		{coordinator, planner, true},
		{dispatcher, planner, false},
		{planner, dispatcher, false},
		{dispatcher, viewer, true},
		{viewer, planner, false},
		{viewer, viewer, true},
	} {
		if got := grants(c.maker, c.role); got != c.want {
			t.Errorf("grants(%s, %s) = %v, want %v", c.maker, c.role, got, c.want)
		}
	}
}
