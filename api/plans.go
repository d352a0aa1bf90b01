package api

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/roundsdev/rounds"
)

// PlanRequest is the body of POST /v1/plans: plan (or simulate) a team's
// stored workers, clients and visits over a date range.
type PlanRequest struct {
	Team string      `json:"team"`
	From rounds.Date `json:"from"`
	To   rounds.Date `json:"to"`
	// Kind is "solve" (the default), "simulate" or "repair".
	Kind       rounds.JobKind     `json:"kind,omitempty"`
	Options    rounds.Options     `json:"options,omitempty"`
	Simulation *rounds.Simulation `json:"simulation,omitempty"`
	// Repair says which live day a repair re-plans (its rosterId is
	// required); From and To are then left out (they are its date).
	Repair *RepairRequest `json:"repair,omitempty"`
}

// check validates the plan request's own fields.
func (p *PlanRequest) check(maxSeconds float64) error {
	if err := rounds.ValidID("team", p.Team); err != nil {
		return err
	}
	if p.Kind == rounds.JobRepair || p.Repair != nil {
		return p.checkRepair()
	}
	from, err := p.From.Time()
	if err != nil {
		return rounds.Invalid("from", p.From, "date must be YYYY-MM-DD")
	}
	to, err := p.To.Time()
	if err != nil {
		return rounds.Invalid("to", p.To, "date must be YYYY-MM-DD")
	}
	if to.Before(from) {
		return rounds.Invalid("to", p.To, "the range ends before it starts (%s)", p.From)
	}
	if days := p.To.DaysSince(p.From) + 1; days > MaxPlanDays {
		return rounds.Invalid("to", p.To, "a plan covers at most %d days, this one %d", MaxPlanDays, days)
	}
	if p.Kind == "" {
		p.Kind = rounds.JobSolve
	}
	if p.Kind != rounds.JobSolve && p.Kind != rounds.JobSimulate {
		return rounds.Invalid("kind", p.Kind, "want solve, simulate or repair")
	}
	if p.Simulation != nil && p.Kind != rounds.JobSimulate {
		return rounds.Invalid("simulation", "{...}", "only a simulate plan takes simulation changes")
	}
	return checkTimeLimit(&p.Options, maxSeconds)
}

// checkRepair validates the fields of a repair plan's request.
func (p *PlanRequest) checkRepair() error {
	switch {
	case p.Kind != rounds.JobRepair:
		return rounds.Invalid("repair", "{...}", "only a repair plan takes a repair")
	case p.Repair == nil:
		return rounds.Invalid("repair", "null", "a repair plan says which roster's live day it re-plans")
	case p.From != "" || p.To != "":
		return rounds.Invalid("from", p.From, "a repair's date is repair.date")
	case p.Simulation != nil:
		return rounds.Invalid("simulation", "{...}", "only a simulate plan takes simulation changes")
	case p.Options.TimeLimitSeconds != 0 || p.Options.Iterations != 0:
		return rounds.Invalid("options", "{...}", "a repair takes the options of the roster it repairs, and its budget as repair.timeLimitSeconds")
	}
	return rounds.ValidID("repair.rosterId", p.Repair.RosterID)
}

// checkTimeLimit rejects a time limit above max and fills in a zero one.
func checkTimeLimit(o *rounds.Options, max float64) error {
	if o.TimeLimitSeconds > max {
		return rounds.Invalid("options.timeLimitSeconds", o.TimeLimitSeconds, "must be at most %g", max)
	}
	if o.TimeLimitSeconds == 0 {
		o.TimeLimitSeconds = min(10, max)
	}
	return nil
}

// all reads every record of a collection that passes f.
func all[T any](ctx context.Context, coll rounds.Collection[T], team string, f rounds.Filter, max int, field string) ([]T, error) {
	var out []T
	f.Limit = rounds.MaxPageSize
	for f.Offset = 0; ; f.Offset += f.Limit {
		p, err := coll.List(ctx, team, f)
		if err != nil {
			return nil, err
		}
		out = append(out, p.Items...)
		if len(out) > max {
			return nil, rounds.Invalid(field, p.Total, "a plan may hold at most %d %s", max, field)
		}
		if len(p.Items) < f.Limit {
			return out, nil
		}
	}
}

// loadRequest builds the request of a plan from the store.
func (s *Server) loadRequest(ctx context.Context, p *PlanRequest) (*rounds.Request, int, error) {
	st := s.cfg.Store
	if _, err := st.Team(ctx, p.Team); err != nil {
		return nil, 0, err
	}
	workers, err := all(ctx, st.Workers(), p.Team, rounds.Filter{}, MaxPlanWorkers, "workers")
	if err != nil {
		return nil, 0, err
	}
	clients, err := all(ctx, st.Clients(), p.Team, rounds.Filter{}, MaxPlanVisits, "clients")
	if err != nil {
		return nil, 0, err
	}
	visits, err := all(ctx, st.Visits(), p.Team, rounds.Filter{From: p.From, To: p.To}, MaxPlanVisits, "visits")
	if err != nil {
		return nil, 0, err
	}
	req, skipped := rounds.BuildRequest(p.Team, p.From, p.To, workers, clients, visits, p.Options)
	if err := req.Validate(); err != nil {
		return nil, 0, err
	}
	if p.Simulation != nil {
		if err := p.Simulation.Validate(req); err != nil {
			return nil, 0, err
		}
	}
	return req, skipped, nil
}

func (s *Server) submitPlan(c echo.Context) error {
	var p PlanRequest
	if err := rounds.DecodeStrict(c.Request().Body, &p); err != nil {
		return err
	}
	if err := p.check(s.cfg.MaxPlanSeconds); err != nil {
		return err
	}
	if err := canTouch(keyOf(c), p.Team); err != nil {
		return err
	}
	ctx := c.Request().Context()
	var j *rounds.Job
	if p.Kind == rounds.JobRepair {
		cur, events, err := s.liveRoster(ctx, p.Team, p.Repair.RosterID)
		if err != nil {
			return err
		}
		rj, err := s.repairJob(p.Repair, cur, events, s.cfg.MaxPlanSeconds, "repair.")
		if err != nil {
			return err
		}
		j = &rounds.Job{Team: p.Team, Kind: p.Kind, From: rj.Date, To: rj.Date, Request: cur.Request, Repair: rj}
	} else {
		req, skipped, err := s.loadRequest(ctx, &p)
		if err != nil {
			return err
		}
		j = &rounds.Job{Team: p.Team, Kind: p.Kind, From: p.From, To: p.To, Request: req, Simulation: p.Simulation, Skipped: skipped}
	}
	if err := s.cfg.Store.SubmitJob(ctx, j); err != nil {
		return err
	}
	j.Request = nil
	c.Response().Header().Set("Location", "/v1/plans/"+j.ID)
	return c.JSON(http.StatusAccepted, j)
}

// job returns the job of the path, ENOTFOUND if the key may not see it.
func (s *Server) job(c echo.Context) (*rounds.Job, error) {
	j, err := s.cfg.Store.Job(c.Request().Context(), "", c.Param("id"))
	if err != nil {
		return nil, err
	}
	if !keyOf(c).CanTouch(j.Team) {
		return nil, rounds.Errorf(rounds.ENOTFOUND, "job %s not found", c.Param("id"))
	}
	return j, nil
}

func (s *Server) getPlan(c echo.Context) error {
	j, err := s.job(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, j)
}

func (s *Server) cancelPlan(c echo.Context) error {
	j, err := s.job(c)
	if err != nil {
		return err
	}
	j, err = s.cfg.Store.CancelJob(c.Request().Context(), j.Team, j.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, j)
}

// solve plans the request in the body at once, for small requests.
func (s *Server) solve(c echo.Context) error {
	var req rounds.Request
	if err := rounds.DecodeStrict(c.Request().Body, &req); err != nil {
		return err
	}
	if err := rounds.ValidID("team", req.Team); err != nil {
		return err
	}
	if err := canTouch(keyOf(c), req.Team); err != nil {
		return err
	}
	if len(req.Visits) > MaxSolveVisits {
		return rounds.Invalid("visits", len(req.Visits), "POST /v1/solve takes at most %d visits; use POST /v1/plans", MaxSolveVisits)
	}
	if len(req.Workers) > MaxSolveWorkers {
		return rounds.Invalid("workers", len(req.Workers), "POST /v1/solve takes at most %d workers; use POST /v1/plans", MaxSolveWorkers)
	}
	if err := req.Validate(); err != nil {
		return err
	}
	if err := checkTimeLimit(&req.Options, s.cfg.MaxSolveSeconds); err != nil {
		return err
	}
	limit := time.Duration(req.Options.TimeLimitSeconds*float64(time.Second)) + 5*time.Second
	ctx, cancel := context.WithTimeout(c.Request().Context(), limit)
	defer cancel()
	start := time.Now()
	roster, err := s.cfg.Planner.Plan(ctx, &req)
	s.metrics.solves.WithLabelValues("sync").Observe(time.Since(start).Seconds())
	if err != nil {
		return fmt.Errorf("solve: %w", err)
	}
	return c.JSON(http.StatusOK, roster)
}
