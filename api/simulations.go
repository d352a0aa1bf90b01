package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/simulation"
)

// SimulationRequest is the body of POST /v1/simulations: a scenario file
// (docs/simulation.md) to run for a team, each replication of each
// scenario a job on the queue.
type SimulationRequest struct {
	Team string          `json:"team"`
	File simulation.File `json:"file"`
	// History, if set, takes the file's staff from the team's stored
	// workers and its demand fitted (simulation.Fit) from the team's
	// stored episodes and visits of clients who consent, over a date
	// range. The file then lists no team and no demand of its own.
	History *History `json:"history,omitempty"`
}

// History is the stored record a simulation starts from.
type History struct {
	From rounds.Date `json:"from"`
	To   rounds.Date `json:"to"`
}

// SimulationStatus is a simulation run with, once every replication has
// completed, each replication's KPIs and each scenario's summary (means
// with intervals and paired differences from the baseline, as
// `rounds simulate` computes them).
type SimulationStatus struct {
	rounds.SimulationRun
	Results []ReplicationKPIs    `json:"results,omitempty"`
	Summary []simulation.Summary `json:"summary,omitempty"`
}

// ReplicationKPIs are the KPIs of one replication of one scenario.
type ReplicationKPIs struct {
	Scenario    string             `json:"scenario"`
	Replication int                `json:"replication"`
	KPIs        map[string]float64 `json:"kpis"`
}

// fromHistory fills the file's staff and demand from the team's stored
// records.
func (s *Server) fromHistory(ctx context.Context, r *SimulationRequest) error {
	h := r.History
	if r.File.Team.Size != "" || len(r.File.Team.Staff) > 0 {
		return rounds.Invalid("file.team", "{...}", "with history the team's stored workers are the staff; the file lists no team")
	}
	if r.File.Demand != nil {
		return rounds.Invalid("file.demand", "{...}", "with history the demand is fitted from the team's records; the file gives none")
	}
	if _, err := h.From.Time(); err != nil {
		return rounds.Invalid("history.from", h.From, "date must be YYYY-MM-DD")
	}
	if _, err := h.To.Time(); err != nil {
		return rounds.Invalid("history.to", h.To, "date must be YYYY-MM-DD")
	}
	if days := h.To.DaysSince(h.From) + 1; days > simulation.MaxHorizonDays {
		return rounds.Invalid("history.to", h.To, "a history covers at most %d days, this one %d", simulation.MaxHorizonDays, days)
	}
	st := s.cfg.Store
	if _, err := st.Team(ctx, r.Team); err != nil {
		return err
	}
	workers, err := all(ctx, st.Workers(), r.Team, rounds.Filter{}, MaxPlanWorkers, "workers")
	if err != nil {
		return err
	}
	consent := true
	span := rounds.Filter{From: h.From, To: h.To, Consent: &consent}
	episodes, err := all(ctx, st.Episodes(), r.Team, span, MaxPlanVisits, "episodes")
	if err != nil {
		return err
	}
	visits, err := all(ctx, st.Visits(), r.Team, span, MaxPlanVisits, "visits")
	if err != nil {
		return err
	}
	d, err := simulation.Fit(episodes, visits, h.From, h.To, len(workers))
	if err != nil {
		return rounds.Within("history.", err)
	}
	r.File.Team = simulation.Team{Staff: workers}
	r.File.Demand = &d
	return nil
}

func (s *Server) submitSimulation(c echo.Context) error {
	var r SimulationRequest
	if err := rounds.DecodeStrict(c.Request().Body, &r); err != nil {
		return err
	}
	if err := rounds.ValidID("team", r.Team); err != nil {
		return err
	}
	if err := canTouch(keyOf(c), r.Team); err != nil {
		return err
	}
	ctx := c.Request().Context()
	if r.History != nil {
		if err := s.fromHistory(ctx, &r); err != nil {
			return err
		}
	}
	if r.File.Solve.TimeLimitSeconds > s.cfg.MaxPlanSeconds {
		return rounds.Invalid("file.solve.timeLimitSeconds", r.File.Solve.TimeLimitSeconds, "must be at most %g", s.cfg.MaxPlanSeconds)
	}
	names, start, err := r.File.Check()
	if err != nil {
		return rounds.Within("file.", err)
	}
	file, err := json.Marshal(&r.File)
	if err != nil {
		return fmt.Errorf("simulation file: %w", err)
	}
	run := &rounds.SimulationRun{Team: r.Team, File: file, Scenarios: names, Replications: r.File.Replications,
		From: start, To: start.AddDays(r.File.HorizonDays - 1)}
	if err := s.cfg.Store.SubmitSimulation(ctx, run); err != nil {
		return err
	}
	c.Response().Header().Set("Location", "/v1/simulations/"+run.ID)
	return c.JSON(http.StatusAccepted, run)
}

// simulationRun returns the run of the path, ENOTFOUND if the key may not
// see it.
func (s *Server) simulationRun(c echo.Context) (*rounds.SimulationRun, error) {
	run, err := s.cfg.Store.Simulation(c.Request().Context(), "", c.Param("id"))
	if err != nil {
		return nil, err
	}
	if !keyOf(c).CanTouch(run.Team) {
		return nil, rounds.Errorf(rounds.ENOTFOUND, "simulation %s not found", c.Param("id"))
	}
	return run, nil
}

func (s *Server) getSimulation(c echo.Context) error {
	run, err := s.simulationRun(c)
	if err != nil {
		return err
	}
	out := &SimulationStatus{SimulationRun: *run}
	if run.State == rounds.JobCompleted {
		if err := s.summarise(c.Request().Context(), out); err != nil {
			return err
		}
	}
	return c.JSON(http.StatusOK, out)
}

// summarise adds a completed run's results and summary, computed by
// simulation.Summarise from the stored replications as `rounds simulate`
// computes them from its own.
func (s *Server) summarise(ctx context.Context, out *SimulationStatus) error {
	results, err := s.cfg.Store.SimulationResults(ctx, out.ID)
	if err != nil {
		return err
	}
	if len(results) != out.Total {
		return fmt.Errorf("simulation %s: %d results of %d replications", out.ID, len(results), out.Total)
	}
	res := &simulation.Result{Start: out.From, HorizonDays: out.To.DaysSince(out.From) + 1, Replications: out.Replications}
	for _, name := range out.Scenarios {
		res.Scenarios = append(res.Scenarios, simulation.ScenarioResult{Name: name, Replications: make([]simulation.Replication, out.Replications)})
	}
	for _, r := range results {
		if r.Scenario >= len(res.Scenarios) || r.Replication >= out.Replications {
			return fmt.Errorf("simulation %s: result of scenario %d replication %d out of range", out.ID, r.Scenario, r.Replication)
		}
		rep := &res.Scenarios[r.Scenario].Replications[r.Replication]
		if err := json.NewDecoder(bytes.NewReader(r.Result)).Decode(rep); err != nil {
			return fmt.Errorf("simulation %s: result of scenario %d replication %d: %w", out.ID, r.Scenario, r.Replication, err)
		}
		out.Results = append(out.Results, ReplicationKPIs{Scenario: out.Scenarios[r.Scenario], Replication: r.Replication, KPIs: rep.KPIs})
	}
	out.Summary = simulation.Summarise(res)
	return nil
}

func (s *Server) cancelSimulation(c echo.Context) error {
	run, err := s.simulationRun(c)
	if err != nil {
		return err
	}
	run, err = s.cfg.Store.CancelSimulation(c.Request().Context(), run.Team, run.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, run)
}

func (s *Server) listSimulations(c echo.Context) error {
	team := c.QueryParam("team")
	if err := rounds.ValidID("team", team); err != nil {
		return err
	}
	if err := canTouch(keyOf(c), team); err != nil {
		return err
	}
	f, err := parseFilter(c)
	if err != nil {
		return err
	}
	p, err := s.cfg.Store.Simulations(c.Request().Context(), team, f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}
