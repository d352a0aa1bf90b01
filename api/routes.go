package api

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/roundsdev/rounds"
)

// route is one endpoint: how it is served, who may call it, and what the
// OpenAPI document says of it.
type route struct {
	method  string
	path    string
	handler echo.HandlerFunc
	perm    permission
	summary string
	// body and resp are values of the request and response body types;
	// nil for none.
	body, resp any
	status     int
	query      []string
}

// routes is the API; the router and the OpenAPI document are both built
// from it.
func (s *Server) routes() []route {
	rs := []route{
		{http.MethodGet, "/healthz", s.healthz, permPublic, "Liveness", nil, Health{}, 200, nil},
		{http.MethodGet, "/readyz", s.readyz, permPublic, "Readiness: the store answers", nil, Health{}, 200, nil},
		{http.MethodGet, "/metrics", s.metrics.handler, permPublic, "Prometheus metrics", nil, nil, 200, nil},
		{http.MethodGet, "/v1/openapi.json", s.openAPI, permPublic, "This document", nil, nil, 200, nil},
		{http.MethodGet, "/v1/me", s.me, permRead, "The caller's key: its role, teams and permissions", nil, Me{}, 200, nil},
		{http.MethodGet, "/v1/teams", s.listTeams, permRead, "List the teams the key may touch", nil, rounds.Page[rounds.Team]{}, 200, []string{"offset", "limit"}},
		{http.MethodPost, "/v1/teams", s.createTeam, permManageTeams, "Create a team", rounds.Team{}, rounds.Team{}, 201, nil},
		{http.MethodGet, "/v1/teams/:team", s.getTeam, permRead, "Read a team", nil, rounds.Team{}, 200, nil},
		{http.MethodPut, "/v1/teams/:team", s.updateTeam, permEditTeam, "Replace a team's name and skills", rounds.Team{}, rounds.Team{}, 200, nil},
		{http.MethodDelete, "/v1/teams/:team", s.deleteTeam, permManageTeams, "Delete a team and everything it owns", nil, nil, 204, nil},
	}
	rs = append(rs, resourceRoutes(&resource[rounds.Worker]{s: s, name: "workers", entity: "worker",
		coll: rounds.Store.Workers, id: func(w *rounds.Worker) *string { return &w.ID }, check: s.checkWorker}, permWriteCare, []string{"role", "network", "from", "to"})...)
	rs = append(rs, resourceRoutes(&resource[rounds.Client]{s: s, name: "clients", entity: "client",
		coll: rounds.Store.Clients, id: func(c *rounds.Client) *string { return &c.ID }, check: s.checkClient, redact: redactClient, narrow: narrowClients}, permWriteCare, []string{"network"})...)
	rs = append(rs, resourceRoutes(&resource[rounds.Episode]{s: s, name: "episodes", entity: "episode",
		coll: rounds.Store.Episodes, id: func(e *rounds.Episode) *string { return &e.ID }, check: s.checkEpisode,
		narrow: narrowCare, clientOf: func(e *rounds.Episode) string { return e.ClientID }}, permWriteCare, []string{"clientId", "from", "to"})...)
	rs = append(rs, resourceRoutes(&resource[rounds.Visit]{s: s, name: "visits", entity: "visit",
		coll: rounds.Store.Visits, id: func(v *rounds.Visit) *string { return &v.ID }, check: s.checkVisit,
		narrow: narrowCare, clientOf: func(v *rounds.Visit) string { return v.ClientID }}, permWriteVisits, []string{"clientId", "episode", "priority", "from", "to"})...)
	return append(rs, []route{
		{http.MethodPost, "/v1/teams/:team/import", s.importRequest, permWriteCare, "Import a whole request (workers, clients, episodes, visits) in one transaction, all or nothing", rounds.Request{}, Imported{}, 201, nil},
		{http.MethodPost, "/v1/teams/:team/episodes/:id/visits", s.expandEpisode, permWriteVisits, "Create the visits of an episode's pattern, all or none", nil, []rounds.Visit{}, 201, nil},
		{http.MethodPost, "/v1/plans", s.submitPlan, permPlan, "Start a durable solve or simulation of a team's date range", PlanRequest{}, rounds.Job{}, 202, nil},
		{http.MethodGet, "/v1/plans/:id", s.getPlan, permRead, "Poll a plan job's state and progress", nil, rounds.Job{}, 200, nil},
		{http.MethodDelete, "/v1/plans/:id", s.cancelPlan, permPlan, "Cancel a plan job", nil, rounds.Job{}, 200, nil},
		{http.MethodPost, "/v1/simulations", s.submitSimulation, permPlan, "Start a what-if simulation of a scenario file: each replication of each scenario a durable job", SimulationRequest{}, rounds.SimulationRun{}, 202, nil},
		{http.MethodGet, "/v1/simulations", s.listSimulations, permRead, "List a team's simulations, newest first", nil, rounds.Page[rounds.SimulationRun]{}, 200, []string{"team", "offset", "limit"}},
		{http.MethodGet, "/v1/simulations/:id", s.getSimulation, permRead, "Poll a simulation's progress; once complete, its KPIs and summary", nil, SimulationStatus{}, 200, nil},
		{http.MethodDelete, "/v1/simulations/:id", s.cancelSimulation, permPlan, "Cancel a simulation's queued and running replications", nil, rounds.SimulationRun{}, 200, nil},
		{http.MethodPost, "/v1/solve", s.solve, permSolve, "Solve a small request at once", rounds.Request{}, rounds.Roster{}, 200, nil},
		{http.MethodGet, "/v1/teams/:team/rosters", s.listRosters, permRead, "List rosters, newest first", nil, rounds.Page[rounds.RosterVersion]{}, 200, []string{"from", "to", "offset", "limit"}},
		{http.MethodGet, "/v1/teams/:team/rosters/:roster", s.getRoster, permRead, "Read a roster version (the latest by default)", nil, rounds.RosterVersion{}, 200, []string{"version"}},
		{http.MethodPost, "/v1/teams/:team/rosters/:roster/publish", s.publishRoster, permPublish, "Publish a roster version", PublishRequest{}, rounds.RosterVersion{}, 200, nil},
		{http.MethodPost, "/v1/teams/:team/rosters/:roster/edits", s.editRoster, permEditRoster, "Move or pin a visit; stores the next version if it breaks no hard rule", Edit{}, rounds.RosterVersion{}, 201, nil},
		{http.MethodPost, "/v1/teams/:team/rosters/:roster/events", s.addEvents, permDispatch, "Record events of a published roster's live day, idempotent by event id; all or none", EventsRequest{}, Events{}, 201, nil},
		{http.MethodGet, "/v1/teams/:team/rosters/:roster/events", s.listEvents, permRead, "List the events of a roster's live day, oldest first", nil, Events{}, 200, nil},
		{http.MethodGet, "/v1/teams/:team/rosters/:roster/live", s.getLive, permRead, "The live state of a published roster's day at a time: done, under way, committed and free", nil, Live{}, 200, []string{"at", "date"}},
		{http.MethodPost, "/v1/teams/:team/rosters/:roster/repair", s.repairRoster, permDispatch, "Re-plan the rest of a live day after its events; stores a draft version and answers it with its diff", RepairRequest{}, Repaired{}, 201, nil},
		{http.MethodPost, "/v1/teams/:team/dispatch", s.dispatch, permDispatch, "Ranked options for fitting a referral into a published roster's live day", DispatchRequest{}, rounds.Dispatch{}, 200, nil},
		{http.MethodPost, "/v1/teams/:team/dispatch/accept", s.acceptOption, permDispatch, "Apply a dispatch option as the next version of the roster, published; 409 with fresh options if the version is stale", AcceptRequest{}, rounds.RosterVersion{}, 201, nil},
		{http.MethodPost, "/v1/teams/:team/rosters/:roster/edits/check", s.checkEdit, permEditRoster, "Check a move or pin: the version it would make, stored nowhere, or the rules it breaks", Edit{}, rounds.RosterVersion{}, 200, nil},
		{http.MethodGet, "/v1/teams/:team/rosters/:roster/diff", s.diffRoster, permRead, "Compare two versions of a roster", nil, Diff{}, 200, []string{"from", "to"}},
		{http.MethodGet, "/v1/audit", s.readAudit, permAdmin, "Read the audit log, newest first", nil, rounds.Page[rounds.AuditEntry]{}, 200, []string{"team", "offset", "limit"}},
		{http.MethodGet, "/v1/keys", s.listKeys, permAdmin, "List API keys", nil, []rounds.APIKey{}, 200, nil},
		{http.MethodPost, "/v1/keys", s.createKey, permAdmin, "Create an API key; the token is shown once", KeyRequest{}, NewKey{}, 201, nil},
		{http.MethodDelete, "/v1/keys/:id", s.deleteKey, permAdmin, "Revoke an API key", nil, nil, 204, nil},
	}...)
}

// resourceRoutes returns the five routes of a team-owned resource.
func resourceRoutes[T any](r *resource[T], write permission, query []string) []route {
	var zero T
	list := "/v1/teams/:team/" + r.name
	one := list + "/:id"
	return []route{
		{http.MethodGet, list, r.list, permRead, "List " + r.name, nil, rounds.Page[T]{}, 200, append(query, "offset", "limit")},
		{http.MethodPost, list, r.create, write, "Create a " + r.entity, zero, zero, 201, nil},
		{http.MethodGet, one, r.get, permRead, "Read a " + r.entity, nil, zero, 200, nil},
		{http.MethodPut, one, r.update, write, "Replace a " + r.entity, zero, zero, 200, nil},
		{http.MethodDelete, one, r.delete, write, "Delete a " + r.entity, nil, nil, 204, nil},
	}
}
