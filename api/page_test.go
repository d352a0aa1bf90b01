package api

import (
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/memory"
)

// TestPageServed checks that / and /page/* serve the page's files with
// their policy and type, without a key, and nothing else.
func TestPageServed(t *testing.T) {
	e := newEnv(t, memory.NewStore())
	cases := []struct {
		name, path string
		status     int
		typ, has   string
	}{
		{"index", "/", 200, "text/html", "<script type=\"module\""},
		{"script", "/page/app.js", 200, "text/javascript", "/v1/me"},
		{"style", "/page/page.css", 200, "text/css", "prefers-reduced-motion"},
		{"boroughs", "/page/boroughs.geojson", 200, "", "Hammersmith and Fulham"},
		{"missing", "/page/nope.js", 404, "", ""},
		{"directory", "/page/", 404, "", ""},
		{"escape", "/page/../web.go", 404, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, err := http.Get(e.url + c.path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != c.status {
				t.Fatalf("GET %s: %d, want %d", c.path, resp.StatusCode, c.status)
			}
			if c.status != 200 {
				return
			}
			if got := resp.Header.Get("Content-Security-Policy"); got != pageCSP {
				t.Errorf("Content-Security-Policy %q, want %q", got, pageCSP)
			}
			if !strings.HasPrefix(resp.Header.Get("Content-Type"), c.typ) {
				t.Errorf("Content-Type %q, want %s", resp.Header.Get("Content-Type"), c.typ)
			}
			if !strings.Contains(string(body), c.has) {
				t.Errorf("GET %s does not contain %q", c.path, c.has)
			}
		})
	}
}

// TestMe checks that GET /v1/me answers each role with its own
// permissions, and a team-scoped admin without the global ones.
func TestMe(t *testing.T) {
	e := newEnv(t, memory.NewStore())
	e.must(t, "POST", "/v1/teams", e.admin, rounds.Team{ID: "hf", Name: "H&F"}, 201, nil)
	cases := []struct {
		name    string
		token   string
		role    rounds.AccessRole
		has     []string
		hasNot  []string
		teamsIn []string
	}{
		{"global admin", e.admin, rounds.AccessAdmin, []string{"manage_teams", "admin", "publish"}, nil, []string{}},
		{"team admin", e.key(t, rounds.AccessAdmin, "hf"), rounds.AccessAdmin, []string{"admin", "publish"}, []string{"manage_teams"}, []string{"hf"}},
		{"coordinator", e.key(t, rounds.AccessCoordinator, "hf"), rounds.AccessCoordinator, []string{"plan", "edit_roster", "publish"}, []string{"admin"}, []string{"hf"}},
		{"viewer", e.key(t, rounds.AccessViewer, "hf"), rounds.AccessViewer, []string{"read"}, []string{"plan", "edit_roster", "publish"}, []string{"hf"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var m Me
			e.must(t, "GET", "/v1/me", c.token, nil, 200, &m)
			if m.Key.Role != c.role || !slices.Equal(m.Key.Teams, c.teamsIn) {
				t.Errorf("key %+v, want role %s teams %v", m.Key, c.role, c.teamsIn)
			}
			for _, p := range c.has {
				if !slices.Contains(m.Permissions, p) {
					t.Errorf("permissions %v lack %s", m.Permissions, p)
				}
			}
			for _, p := range c.hasNot {
				if slices.Contains(m.Permissions, p) {
					t.Errorf("permissions %v hold %s", m.Permissions, p)
				}
			}
		})
	}
	if status, _ := e.call(t, "GET", "/v1/me", "", nil); status != 401 {
		t.Errorf("GET /v1/me without a key: %d, want 401", status)
	}
}
