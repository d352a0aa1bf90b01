package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/memory"
	"github.com/roundsdev/rounds/postgres"
	"github.com/roundsdev/rounds/postgres/pgtest"
	"github.com/roundsdev/rounds/simulation"
	"github.com/roundsdev/rounds/solver"
)

// env is a running API over a store with a job runner, and an admin token.
type env struct {
	url   string
	admin string
	store rounds.Store
	srv   *Server
}

// stores builds each store the API tests run against, with its runner.
var stores = []struct {
	name string
	new  func(tb testing.TB, p rounds.Planner) rounds.Store
}{
	{"memory", func(tb testing.TB, p rounds.Planner) rounds.Store {
		s := memory.NewStore()
		r := memory.NewRunner(s, p, simulation.Replicator{}, 2, slog.New(slog.DiscardHandler))
		r.Start(context.Background())
		tb.Cleanup(func() { r.Stop(context.Background()) })
		return s
	}},
	{"postgres", func(tb testing.TB, p rounds.Planner) rounds.Store {
		s, _ := pgtest.New(tb)
		r, err := postgres.NewRunner(s, postgres.RunnerConfig{Planner: p, Replicator: simulation.Replicator{}, Workers: 2, PollInterval: 100 * time.Millisecond})
		if err != nil {
			tb.Fatal(err)
		}
		if err := r.Start(context.Background()); err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			r.Stop(ctx)
		})
		return s
	}},
}

func newEnv(tb testing.TB, st rounds.Store) *env {
	tb.Helper()
	return newEnvConfig(tb, Config{Store: st})
}

// newEnvConfig serves cfg, with the solver's planner and a silent logger
// where cfg has none, and makes the admin token.
func newEnvConfig(tb testing.TB, cfg Config) *env {
	tb.Helper()
	st := cfg.Store
	if cfg.Planner == nil {
		cfg.Planner = &solver.Planner{Source: geo.Haversine{}}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	srv, err := New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	tb.Cleanup(ts.Close)
	_, token, err := rounds.NewAPIKey("root", rounds.AccessAdmin, nil)
	if err != nil {
		tb.Fatal(err)
	}
	if err := EnsureAdminKey(context.Background(), st, "root", token); err != nil {
		tb.Fatal(err)
	}
	return &env{url: ts.URL, admin: token, store: st, srv: srv}
}

// call sends a request with a JSON body (a string is sent as is) and
// returns the status and body.
func (e *env) call(tb testing.TB, method, path, token string, body any) (int, []byte) {
	tb.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		js, err := json.Marshal(b)
		if err != nil {
			tb.Fatal(err)
		}
		rd = bytes.NewReader(js)
	}
	req, err := http.NewRequest(method, e.url+path, rd)
	if err != nil {
		tb.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp.StatusCode, out
}

// must sends a request, fails unless the status is want, and decodes the
// body into out (if not nil).
func (e *env) must(tb testing.TB, method, path, token string, body any, want int, out any) {
	tb.Helper()
	status, b := e.call(tb, method, path, token, body)
	if status != want {
		tb.Fatalf("%s %s: status %d, want %d: %s", method, path, status, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			tb.Fatalf("%s %s: decode %s: %v", method, path, b, err)
		}
	}
}

// key makes a key through the API and returns its token.
func (e *env) key(tb testing.TB, role rounds.AccessRole, teams ...string) string {
	tb.Helper()
	var k NewKey
	e.must(tb, "POST", "/v1/keys", e.admin, KeyRequest{Name: string(role), Role: role, Teams: teams}, 201, &k)
	return k.Token
}
