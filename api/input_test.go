package api

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/solver"
)

// TestBadInputIs4xx sends input that once reached the store and answered
// 500 (a NUL that PostgreSQL refuses) or was stored silently changed
// (bytes that are not UTF-8), and input whose error named the wrong field
// or had the wrong status, to each store. Every answer must be the 4xx
// that names the field.
func TestBadInputIs4xx(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, st.new(t, &solver.Planner{Source: geo.Haversine{}}))
			e.must(t, "POST", "/v1/teams", e.admin, rounds.Team{ID: "hf", Name: "Hammersmith & Fulham"}, 201, nil)
			e.must(t, "POST", "/v1/teams/hf/clients", e.admin, rounds.Client{ID: "c1", Location: rounds.Location{Lat: 51.49, Lon: -0.22}, Consent: true}, 201, nil)
			tests := []struct {
				name, method, path, body string
				status                   int
				field, value             string // value: what the error's value must hold
			}{
				{"NUL in a client's name", "POST", "/v1/teams/hf/clients", `{"id":"c2","name":"Jo\u0000e","location":{"lat":51.5,"lon":-0.2}}`, 422, "name", `\x00`},
				{"NUL in a client's network", "PUT", "/v1/teams/hf/clients/c1", `{"network":"n\u0000","location":{"lat":51.5,"lon":-0.2}}`, 422, "network", `\x00`},
				{"NUL in a worker's skill", "POST", "/v1/teams/hf/workers", `{"id":"w1","skills":["a","b\u0000"]}`, 422, "skills[1]", `\x00`},
				{"NUL in a team's name", "POST", "/v1/teams", `{"id":"t2","name":"T\u0000"}`, 422, "name", `\x00`},
				{"NUL in a key's name", "POST", "/v1/keys", `{"name":"k\u0000","role":"viewer","teams":["hf"]}`, 422, "name", `\x00`},
				{"NUL in a key's team", "POST", "/v1/keys", `{"name":"k","role":"viewer","teams":["h\u0000f"]}`, 422, "teams[0]", `\x00`},
				{"NUL in an episode's goal", "POST", "/v1/teams/hf/episodes", `{"id":"e1","clientId":"c1","goals":["walk\u0000"]}`, 422, "goals[0]", `\x00`},
				{"NUL in a visit's skill", "POST", "/v1/teams/hf/visits", `{"id":"v1","clientId":"c1","skills":["\u0000"]}`, 422, "skills[0]", `\x00`},
				{"NUL in a solve request", "POST", "/v1/solve", `{"clients":[{"id":"c1","name":"Jo\u0000e"}]}`, 422, "clients[0].name", `\x00`},
				{"byte not UTF-8 in a name", "POST", "/v1/teams/hf/clients", "{\"id\":\"c3\",\"name\":\"Jo\xffe\"}", 422, "name", "offset 21"},
				{"lone surrogate in a name", "POST", "/v1/teams/hf/clients", `{"id":"c3","name":"\ud800"}`, 422, "name", `\ud800`},
				{"hour out of range", "POST", "/v1/teams/hf/visits", `{"id":"v2","clientId":"c1","windows":[{"start":"25:00","end":"26:00"}]}`, 422, "windows[0].start", "25:00"},
				{"minute out of range", "POST", "/v1/teams/hf/workers", `{"id":"w2","shifts":[{"date":"2026-11-25","start":"08:00","end":"08:60"}]}`, 422, "shifts[0].end", "08:60"},
				{"NUL in a path id", "GET", "/v1/teams/hf/clients/c%001", "", 422, "id", "\x00"},
				{"NUL in a path id to delete", "DELETE", "/v1/teams/hf/clients/c%001", "", 422, "id", "\x00"},
				{"NUL in a team path", "GET", "/v1/teams/h%00f", "", 422, "team", "\x00"},
				{"byte not UTF-8 in a path id", "GET", "/v1/teams/hf/clients/c%FF", "", 422, "id", ""},
				{"NUL in a query", "GET", "/v1/teams/hf/clients?network=n%00", "", 422, "network", `\x00`},
				{"byte not UTF-8 in a query", "GET", "/v1/teams/hf/clients?network=n%FF", "", 422, "network", ""},
				{"id .", "POST", "/v1/teams/hf/clients", `{"id":".","location":{"lat":51.5,"lon":-0.2}}`, 422, "id", "."},
				{"id ..", "POST", "/v1/teams", `{"id":"..","name":"Dots"}`, 422, "id", ".."},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					status, body := e.call(t, tt.method, tt.path, e.admin, tt.body)
					var got ErrorBody
					json.Unmarshal(body, &got)
					if status != tt.status || got.Error.Field != tt.field || !strings.Contains(got.Error.Value, tt.value) {
						t.Errorf("status %d, field %q, value %q; want %d, %q and a value holding %q: %s",
							status, got.Error.Field, got.Error.Value, tt.status, tt.field, tt.value, body)
					}
				})
			}
			var c rounds.Client
			e.must(t, "GET", "/v1/teams/hf/clients/c1", e.admin, nil, 200, &c)
			if c.Network != "" {
				t.Errorf("a refused update was stored: network %q", c.Network)
			}
		})
	}
}

// TestEveryBodyIsChecked sends, to every route that takes a JSON body, a
// body whose name (or first string field) holds a NUL: each must be
// refused naming that field, whatever the store, so a new body type cannot
// skip the check.
func TestEveryBodyIsChecked(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, st.new(t, &solver.Planner{Source: geo.Haversine{}}))
			e.must(t, "POST", "/v1/teams", e.admin, rounds.Team{ID: "hf", Name: "Hammersmith & Fulham"}, 201, nil)
			for _, r := range e.srv.routes() {
				if r.body == nil {
					continue
				}
				field := stringField(reflect.TypeOf(r.body))
				body := `{"` + field + `":"Jo\u0000e"}`
				if field == "" {
					field, body = "body", `{"x\u0000":1}`
				}
				status, b := e.call(t, r.method, path(r.path), e.admin, body)
				if status != 422 || fieldOf(b) != field {
					t.Errorf("%s %s with %s: status %d, field %q; want 422 naming %s: %s", r.method, r.path, body, status, fieldOf(b), field, b)
				}
			}
		})
	}
}

// stringField returns the JSON name of t's field "name", else of its first
// string field, else "".
func stringField(t reflect.Type) string {
	first := ""
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Type.Kind() != reflect.String || name == "" || name == "-" {
			continue
		}
		if name == "name" {
			return name
		}
		if first == "" {
			first = name
		}
	}
	return first
}

// TestChunkedBodyOverLimit sends a body without a length that runs past
// the limit: the answer is 413, as for a body whose declared length is
// over it, not a 422 about malformed JSON.
func TestChunkedBodyOverLimit(t *testing.T) {
	e := newEnv(t, stores[0].new(t, &solver.Planner{Source: geo.Haversine{}}))
	huge := `{"id":"t","name":"` + strings.Repeat("a", int(e.srv.cfg.MaxBodyBytes)) + `"}`
	// A reader of unknown length makes the client send the body chunked.
	req, err := http.NewRequest("POST", e.url+"/v1/teams", io.MultiReader(strings.NewReader(huge)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+e.admin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || fieldOf(b) != "body" || req.ContentLength != 0 {
		t.Errorf("status %d, length %d: %s; want 413 naming body, sent chunked", resp.StatusCode, req.ContentLength, b)
	}
}

// TestStaleEditConflicts edits a roster at version 2 as if it were still
// at version 1: someone else edited first, a 409 conflict, not a 422.
func TestStaleEditConflicts(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, st.new(t, &solver.Planner{Source: geo.Haversine{}}))
			e.must(t, "POST", "/v1/teams", e.admin, rounds.Team{ID: "hf", Name: "Hammersmith & Fulham"}, 201, nil)
			ctx := context.Background()
			v := &rounds.RosterVersion{Team: "hf", From: "2026-11-25", To: "2026-11-25", Note: "planned",
				Request: &rounds.Request{Team: "hf"}, Roster: &rounds.Roster{}}
			if err := e.store.CreateRoster(ctx, v); err != nil {
				t.Fatal(err)
			}
			v.Version, v.Note = 2, "edited"
			if err := e.store.AddRosterVersion(ctx, v); err != nil {
				t.Fatal(err)
			}
			base := "/v1/teams/hf/rosters/" + v.RosterID + "/edits"
			for _, tt := range []struct {
				version, status int
				code            string
			}{{1, 409, rounds.ECONFLICT}, {0, 422, rounds.EINVALID}, {3, 422, rounds.EINVALID}} {
				status, b := e.call(t, "POST", base, e.admin, Edit{Version: tt.version, Op: "move", VisitID: "v1", WorkerID: "w1"})
				var got ErrorBody
				json.Unmarshal(b, &got)
				if status != tt.status || got.Error.Code != tt.code || got.Error.Field != "version" {
					t.Errorf("version %d: status %d: %s; want %d %s naming version", tt.version, status, b, tt.status, tt.code)
				}
			}
		})
	}
}

// TestMalformedTokenIs401 sends bearer tokens whose key id no store keeps
// as sent: each is refused as unauthenticated, not a 500 from the store.
func TestMalformedTokenIs401(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, st.new(t, &solver.Planner{Source: geo.Haversine{}}))
			for _, token := range []string{"rk_a\xffb_secret", "rk_.._secret", "rk_" + strings.Repeat("a", 65) + "_secret"} {
				if status, body := e.call(t, "GET", "/v1/teams", token, nil); status != 401 {
					t.Errorf("token %q: %d %s, want 401", token, status, body)
				}
			}
		})
	}
}
