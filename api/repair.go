package api

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/solver"
)

// DefaultRepairSeconds is a repair's default time budget.
const DefaultRepairSeconds = 2

// RepairRequest is the body of POST .../rosters/{roster}/repair, and the
// repair of a plan of kind repair: re-plan the rest of a live day.
type RepairRequest struct {
	// RosterID names the roster in a plan; the path names it otherwise
	// (and RosterID, if given, must be the same).
	RosterID string `json:"rosterId,omitempty"`
	// Version is the version repaired; it must be the latest, which 0
	// means.
	Version int `json:"version,omitempty"`
	// Date and At are the live day and time; by default the roster's only
	// date (or today) and now.
	Date rounds.Date   `json:"date,omitempty"`
	At   *rounds.Clock `json:"at,omitempty"`
	// TimeLimitSeconds is the search budget: DefaultRepairSeconds if 0.
	// Iterations, if not 0, also bounds the search (reproducibly, with
	// Seed).
	TimeLimitSeconds float64 `json:"timeLimitSeconds,omitempty"`
	Iterations       int     `json:"iterations,omitempty"`
	Seed             int64   `json:"seed,omitempty"`
}

// Repaired is the answer to POST .../repair: the repaired day stored as
// the roster's next version, a draft, its changes from the version
// repaired, and what the repair changed against the published roster.
type Repaired struct {
	Version *rounds.RosterVersion `json:"version"`
	Diff    Diff                  `json:"diff"`
	Report  *rounds.RepairReport  `json:"report"`
}

// repairJob checks a repair request against the live version v of the
// roster, with its events, and returns the repair it asks for. Its
// errors name the field with prefix ("repair." in a plan).
func (s *Server) repairJob(r *RepairRequest, v *rounds.RosterVersion, events []rounds.Event, maxSeconds float64, prefix string) (*rounds.RepairJob, error) {
	if r.Version != 0 {
		if err := latest(prefix+"version", r.Version, v.Version, "repair"); err != nil {
			return nil, err
		}
	}
	date, err := s.liveDate(v, prefix+"date", r.Date)
	if err != nil {
		return nil, err
	}
	limit := r.TimeLimitSeconds
	switch {
	case limit == 0:
		limit = min(DefaultRepairSeconds, maxSeconds)
	case limit < 0 || limit > maxSeconds:
		return nil, rounds.Invalid(prefix+"timeLimitSeconds", limit, "must be between 0 and %g", maxSeconds)
	}
	if r.Iterations < 0 {
		return nil, rounds.Invalid(prefix+"iterations", r.Iterations, "must not be negative")
	}
	return &rounds.RepairJob{RosterID: v.RosterID, Version: v.Version, Date: date, At: s.liveAt(r.At), TimeLimitSeconds: limit,
		Iterations: r.Iterations, Seed: r.Seed, Roster: v.Roster, Events: events}, nil
}

func (s *Server) repairRoster(c echo.Context) error {
	var r RepairRequest
	if err := rounds.DecodeStrict(c.Request().Body, &r); err != nil {
		return err
	}
	if r.RosterID != "" && r.RosterID != c.Param("roster") {
		return rounds.Invalid("rosterId", r.RosterID, "the path names roster %s", c.Param("roster"))
	}
	ctx := c.Request().Context()
	cur, events, err := s.liveRoster(ctx, c.Param("team"), c.Param("roster"))
	if err != nil {
		return err
	}
	rj, err := s.repairJob(&r, cur, events, s.cfg.MaxSolveSeconds, "")
	if err != nil {
		return err
	}
	roster, rep, err := (repairer{src: s.cfg.Source}).Repair(ctx, cur.Request, rj)
	if err != nil {
		return err
	}
	next := rj.Next(cur.Team, cur.Request, roster)
	if err := s.cfg.Store.AddRosterVersion(ctx, next); err != nil {
		return err
	}
	d := Diff{RosterID: cur.RosterID, From: cur.Version, To: next.Version, Changes: diff(cur.Roster, next.Roster)}
	if err := s.showRoster(ctx, keyOf(c), next); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, Repaired{Version: next, Diff: d, Report: rep})
}

// repairer re-plans live days with the solver (solver.Repair): the
// repaired day with the roster's other dates as they were, costed and
// checked by the independent validator.
type repairer struct{ src geo.Source }

// Repair re-plans the live day of rj.
func (r repairer) Repair(ctx context.Context, req *rounds.Request, rj *rounds.RepairJob) (*rounds.Roster, *rounds.RepairReport, error) {
	state, err := rounds.LiveDay(req, rj.Roster, rj.Date, rj.Events, rj.At)
	if err != nil {
		return nil, nil, err
	}
	budget := time.Duration(rj.TimeLimitSeconds * float64(time.Second))
	day, rep, err := solver.Repair(ctx, req, rj.Roster, state, r.src, budget,
		solver.Options{Iterations: rj.Iterations, Seed: rj.Seed, Threads: req.Options.Threads})
	if err != nil {
		return nil, nil, err
	}
	whole, err := liveWhole(ctx, req, rj.Roster, rj.Date, day, rj.Events, rj.At, r.src, "at", rj.At)
	if err != nil {
		return nil, nil, err
	}
	return whole, rep, nil
}

// jobPlanner is a planner that also repairs live days, for job runners.
type jobPlanner struct {
	rounds.Planner
	repairer
}

// JobPlanner returns p able to run repair jobs too (rounds.Repairer),
// with travel times from src: give job runners the planner it returns.
func JobPlanner(p rounds.Planner, src geo.Source) rounds.Planner {
	return jobPlanner{Planner: p, repairer: repairer{src: src}}
}

// PlanProgress plans with progress if the planner reports it.
func (j jobPlanner) PlanProgress(ctx context.Context, req *rounds.Request, progress func(rounds.Progress)) (*rounds.Roster, error) {
	if pp, ok := j.Planner.(rounds.ProgressPlanner); ok {
		return pp.PlanProgress(ctx, req, progress)
	}
	r, err := j.Plan(ctx, req)
	if err == nil {
		progress(rounds.Progress{BestCost: r.Totals.Cost, Assigned: r.Totals.Assigned, Unassigned: r.Totals.Unassigned})
	}
	return r, err
}
