// Package api is the HTTP interface of rounds: versioned JSON resources
// under /v1 for teams, workers, clients, episodes and visits; durable plan
// jobs, a synchronous solve, rosters with versions, manual edits and diffs;
// API keys and the audit log; an OpenAPI 3 document, health, readiness and
// Prometheus metrics. It is built on labstack/echo v4 and sees the store
// and planner through the root interfaces.
package api

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/geo"
)

// Config holds what a Server needs. Store and Planner are required.
type Config struct {
	Store   rounds.Store
	Planner rounds.Planner
	// Source gives the travel times that manual roster edits are timed and
	// validated with; it should be the planner's. Default geo.Haversine{}.
	Source geo.Source
	// Logger receives one line per request (never names or addresses) and
	// internal errors; default slog.Default().
	Logger *slog.Logger
	// Registry receives the metrics; default a new registry, served at
	// /metrics either way.
	Registry *prometheus.Registry
	// MaxBodyBytes caps request bodies; default 8 MiB.
	MaxBodyBytes int64
	// MaxSolveSeconds caps the time limit of POST /v1/solve; default 30.
	MaxSolveSeconds float64
	// MaxPlanSeconds caps the time limit of a plan job; default 600.
	MaxPlanSeconds float64
	// Now is the service's clock: its date and time of day in its own
	// location are a live day's default date and time ("at"). Default
	// time.Now, in the process's local time zone (TZ).
	Now func() time.Time
}

// Size limits of what the service plans.
const (
	MaxSolveVisits  = 2000
	MaxSolveWorkers = 300
	MaxPlanVisits   = 10000
	MaxPlanWorkers  = 1000
	MaxPlanDays     = rounds.MaxReablementDays
)

// Server serves the API.
type Server struct {
	cfg     Config
	echo    *echo.Echo
	log     *slog.Logger
	metrics *metrics
	keys    cache[*rounds.APIKey]
	teams   cache[*rounds.Team]
	lives   liveCache
	// versions holds the live versions read, for the live-day routes.
	versions versionCache
	// recording is held per roster while events are checked and stored:
	// this server's callers take turns, and only another server's
	// events can make one check them again.
	recording rosterLocks
}

// New returns a server for cfg; serve it with Handler, or Start and Shutdown.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil || cfg.Planner == nil {
		return nil, errors.New("api: Config needs a Store and a Planner")
	}
	if cfg.Source == nil {
		cfg.Source = geo.Haversine{}
	}
	cfg.Logger = cmp.Or(cfg.Logger, slog.Default())
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	cfg.MaxBodyBytes = cmp.Or(cfg.MaxBodyBytes, 8<<20)
	cfg.MaxSolveSeconds = cmp.Or(cfg.MaxSolveSeconds, 30)
	cfg.MaxPlanSeconds = cmp.Or(cfg.MaxPlanSeconds, 600)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{cfg: cfg, log: cfg.Logger}
	m, err := newMetrics(cfg.Registry, cfg.Store)
	if err != nil {
		return nil, err
	}
	s.metrics = m
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	e.Use(s.requestID, s.logRequests, s.limitBody)
	for _, r := range s.routes() {
		e.Add(r.method, r.path, r.handler, checkParams, s.authorize(r))
	}
	s.pageRoutes(e)
	s.echo = e
	return s, nil
}

// Handler returns the server's http.Handler.
func (s *Server) Handler() http.Handler { return s.echo }

// Start listens on addr (HOST:PORT) and serves until Shutdown; it returns
// http.ErrServerClosed after a graceful shutdown.
func (s *Server) Start(addr string) error {
	s.echo.Server.ReadHeaderTimeout = 10 * time.Second
	s.echo.Server.IdleTimeout = 2 * time.Minute
	return s.echo.Start(addr)
}

// Shutdown stops accepting connections and waits for requests in flight
// until ctx ends. Plan jobs are not the server's: stop the job runner too.
func (s *Server) Shutdown(ctx context.Context) error { return s.echo.Shutdown(ctx) }

// InstrumentPlanner returns p timed into the solve latency histogram; give
// the job runner the planner it returns.
func (s *Server) InstrumentPlanner(p rounds.Planner) rounds.Planner {
	return timedPlanner{p: p, m: s.metrics}
}

// team returns a team from the cache, or from the store. The team is
// shared: do not modify it.
func (s *Server) team(ctx context.Context, id string) (*rounds.Team, error) {
	if t, ok := s.teams.get(id); ok {
		return t, nil
	}
	t, err := s.cfg.Store.Team(ctx, id)
	if err != nil {
		return nil, err
	}
	s.teams.put(id, t)
	return t, nil
}

// EnsureAdminKey stores the admin key of token if no key with its ID
// exists, so a fresh deployment can be reached; token is a string made by
// rounds.NewAPIKey.
func EnsureAdminKey(ctx context.Context, st rounds.Store, name, token string) error {
	id, secret, ok := rounds.ParseToken(token)
	if !ok {
		return rounds.Invalid("token", "(hidden)", "not an API token (rk_<id>_<secret>)")
	}
	if _, err := st.Key(ctx, id); err == nil {
		return nil
	} else if rounds.ErrorCode(err) != rounds.ENOTFOUND {
		return err
	}
	k := &rounds.APIKey{ID: id, Name: name, Role: rounds.AccessAdmin, Teams: []string{}, Hash: rounds.HashSecret(secret)}
	return st.CreateKey(ctx, k)
}
