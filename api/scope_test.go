package api

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/memory"
	"github.com/roundsdev/rounds/postgres/pgtest"
	"github.com/roundsdev/rounds/solver"
)

// scopeFixture is one team's records for the scope matrix: records to read
// and replace (the "1"s) and records nothing refers to, to delete (the
// "9"s), a roster, a queued plan job, a queued simulation and a viewer
// key of the team.
type scopeFixture struct {
	team, roster, job, key, simulation string
}

// scopeCase says how the matrix calls an operation of the OpenAPI
// document for a target team, and what an allowed call in scope answers.
type scopeCase struct {
	// ok is the status of an allowed call on a team the key may touch.
	ok int
	// scoped is true if the call names a team (in its path, query or
	// body); the matrix then also calls it on a team the key may not touch.
	scoped bool
	// query and body build the request for the target team's fixture;
	// nil for none.
	query func(f *scopeFixture) string
	body  func(f *scopeFixture) string
}

const (
	workerBody  = `{"id":"%s","role":"nurse","start":{"lat":51.5,"lon":-0.2},"travelMode":"drive","shifts":[{"date":"2025-03-03","start":"08:00","end":"16:00"}]}`
	clientBody  = `{"id":"%s","name":"Client of %s","location":{"lat":51.5,"lon":-0.21},"consent":true}`
	episodeBody = `{"id":"%s","clientId":"c1","pathway":"reablement","start":"2025-03-10","end":"2025-03-12","pattern":[{"fromDay":1,"toDay":3,"calls":[{"name":"am","durationMinutes":30}]}]}`
	visitBody   = `{"id":"%s","clientId":"c1","date":"2025-03-03","durationMinutes":30,"priority":"routine"}`
)

// referralBody is a referral at 10:00 of a new client, which w1 can take.
const referralBody = `{"visitId":"rr-s","client":{"id":"cn","location":{"lat":51.5,"lon":-0.21},"consent":true},"durationMinutes":30,"at":"10:00"}`

// scopeSimulationFile is a scenario file of one day, one replication.
const scopeSimulationFile = `{"team":{"size":"small","seed":1},"horizonDays":1,"replications":1,"seed":1,"solve":{"iterations":100}}`

// fixed returns a body builder that always answers s.
func fixed(s string) func(*scopeFixture) string { return func(*scopeFixture) string { return s } }

// scopeCases holds an expectation for every operation of the API, keyed
// "METHOD /openapi/path". TestScopeMatrix fails on an operation of the
// document that is missing here, so a new endpoint cannot skip the check.
var scopeCases = map[string]scopeCase{
	"GET /healthz":            {ok: 200},
	"GET /readyz":             {ok: 200},
	"GET /metrics":            {ok: 200},
	"GET /v1/openapi.json":    {ok: 200},
	"GET /v1/teams":           {ok: 200},
	"GET /v1/me":              {ok: 200},
	"POST /v1/teams":          {ok: 201, body: func(f *scopeFixture) string { return `{"id":"new-` + f.team + `","name":"New"}` }},
	"GET /v1/teams/{team}":    {ok: 200, scoped: true},
	"PUT /v1/teams/{team}":    {ok: 200, scoped: true, body: fixed(`{"name":"Renamed"}`)},
	"DELETE /v1/teams/{team}": {ok: 204, scoped: true},

	"GET /v1/teams/{team}/workers":         {ok: 200, scoped: true},
	"POST /v1/teams/{team}/workers":        {ok: 201, scoped: true, body: fixed(fmt.Sprintf(workerBody, "w2"))},
	"GET /v1/teams/{team}/workers/{id}":    {ok: 200, scoped: true},
	"PUT /v1/teams/{team}/workers/{id}":    {ok: 200, scoped: true, body: fixed(fmt.Sprintf(workerBody, "w1"))},
	"DELETE /v1/teams/{team}/workers/{id}": {ok: 204, scoped: true},

	"GET /v1/teams/{team}/clients":         {ok: 200, scoped: true},
	"POST /v1/teams/{team}/clients":        {ok: 201, scoped: true, body: func(f *scopeFixture) string { return fmt.Sprintf(clientBody, "c2", f.team) }},
	"GET /v1/teams/{team}/clients/{id}":    {ok: 200, scoped: true},
	"PUT /v1/teams/{team}/clients/{id}":    {ok: 200, scoped: true, body: func(f *scopeFixture) string { return fmt.Sprintf(clientBody, "c1", f.team) }},
	"DELETE /v1/teams/{team}/clients/{id}": {ok: 204, scoped: true},

	"GET /v1/teams/{team}/episodes":              {ok: 200, scoped: true},
	"POST /v1/teams/{team}/episodes":             {ok: 201, scoped: true, body: fixed(fmt.Sprintf(episodeBody, "e2"))},
	"GET /v1/teams/{team}/episodes/{id}":         {ok: 200, scoped: true},
	"PUT /v1/teams/{team}/episodes/{id}":         {ok: 200, scoped: true, body: fixed(fmt.Sprintf(episodeBody, "e1"))},
	"DELETE /v1/teams/{team}/episodes/{id}":      {ok: 204, scoped: true},
	"POST /v1/teams/{team}/episodes/{id}/visits": {ok: 201, scoped: true},

	"GET /v1/teams/{team}/visits":         {ok: 200, scoped: true},
	"POST /v1/teams/{team}/visits":        {ok: 201, scoped: true, body: fixed(fmt.Sprintf(visitBody, "v2"))},
	"GET /v1/teams/{team}/visits/{id}":    {ok: 200, scoped: true},
	"PUT /v1/teams/{team}/visits/{id}":    {ok: 200, scoped: true, body: fixed(fmt.Sprintf(visitBody, "v1"))},
	"DELETE /v1/teams/{team}/visits/{id}": {ok: 204, scoped: true},

	"POST /v1/teams/{team}/import": {ok: 201, scoped: true, body: func(f *scopeFixture) string {
		return `{"workers":[` + fmt.Sprintf(workerBody, "w5") + `],"clients":[` + fmt.Sprintf(clientBody, "c5", f.team) + `],"visits":[` +
			strings.Replace(fmt.Sprintf(visitBody, "v5"), `"c1"`, `"c5"`, 1) + `]}`
	}},

	"POST /v1/plans": {ok: 202, scoped: true, body: func(f *scopeFixture) string {
		return `{"team":"` + f.team + `","from":"2025-03-03","to":"2025-03-03"}`
	}},
	"GET /v1/plans/{id}": {ok: 200, scoped: true},
	"POST /v1/simulations": {ok: 202, scoped: true, body: func(f *scopeFixture) string {
		return `{"team":"` + f.team + `","file":` + scopeSimulationFile + `}`
	}},
	"GET /v1/simulations":         {ok: 200, scoped: true, query: func(f *scopeFixture) string { return "team=" + f.team }},
	"GET /v1/simulations/{id}":    {ok: 200, scoped: true},
	"DELETE /v1/simulations/{id}": {ok: 200, scoped: true},
	"DELETE /v1/plans/{id}":       {ok: 200, scoped: true},
	"POST /v1/solve": {ok: 200, scoped: true, body: func(f *scopeFixture) string {
		return `{"team":"` + f.team + `","workers":[` + fmt.Sprintf(workerBody, "w1") + `],"clients":[` + fmt.Sprintf(clientBody, "c1", f.team) +
			`],"visits":[` + fmt.Sprintf(visitBody, "v1") + `],"options":{"iterations":50,"seed":1,"threads":1}}`
	}},

	"GET /v1/teams/{team}/rosters":                   {ok: 200, scoped: true},
	"GET /v1/teams/{team}/rosters/{roster}":          {ok: 200, scoped: true},
	"POST /v1/teams/{team}/rosters/{roster}/publish": {ok: 200, scoped: true, body: fixed(`{"version":1}`)},
	"POST /v1/teams/{team}/rosters/{roster}/edits": {ok: 201, scoped: true,
		body: fixed(`{"version":1,"op":"pin","visitId":"v1","workerId":"w1"}`)},
	"POST /v1/teams/{team}/rosters/{roster}/edits/check": {ok: 200, scoped: true,
		body: fixed(`{"version":1,"op":"pin","visitId":"v1","workerId":"w1"}`)},
	"GET /v1/teams/{team}/rosters/{roster}/diff": {ok: 200, scoped: true, query: fixed("from=1&to=1")},
	"POST /v1/teams/{team}/rosters/{roster}/events": {ok: 201, scoped: true,
		body: fixed(`{"events":[{"id":"e1","kind":"worker_unavailable","at":"12:00","workerId":"w1"}]}`)},
	"GET /v1/teams/{team}/rosters/{roster}/events":  {ok: 200, scoped: true},
	"GET /v1/teams/{team}/rosters/{roster}/live":    {ok: 200, scoped: true, query: fixed("at=09:00")},
	"POST /v1/teams/{team}/rosters/{roster}/repair": {ok: 201, scoped: true, body: fixed(`{"at":"10:00","iterations":50,"seed":1}`)},
	"POST /v1/teams/{team}/dispatch": {ok: 200, scoped: true, body: func(f *scopeFixture) string {
		return `{"rosterId":"` + f.roster + `","referral":` + referralBody + `}`
	}},
	"POST /v1/teams/{team}/dispatch/accept": {ok: 201, scoped: true, body: func(f *scopeFixture) string {
		return `{"rosterId":"` + f.roster + `","version":1,"referral":` + referralBody +
			`,"option":{"rank":1,"workerId":"w1","rounds":[{"workerId":"w1","visitIds":["rr-s"]}]}}`
	}},

	// Without ?team= the read is confined by the key; with another team's
	// it is refused.
	"GET /v1/audit": {ok: 200, scoped: true, query: func(f *scopeFixture) string {
		if strings.HasPrefix(f.team, "other-") {
			return "team=" + f.team
		}
		return ""
	}},
	"GET /v1/keys": {ok: 200},
	"POST /v1/keys": {ok: 201, scoped: true, body: func(f *scopeFixture) string {
		return `{"name":"made","role":"viewer","teams":["` + f.team + `"]}`
	}},
	"DELETE /v1/keys/{id}": {ok: 204, scoped: true},
}

// scopeEnv seeds the fixtures of the matrix.
type scopeEnv struct {
	*env
	ctx    context.Context
	roster *rounds.Roster
	req    *rounds.Request
}

// newScopeEnv plans, once, the roster every fixture stores: worker w1
// visits v1 of client c1.
func newScopeEnv(tb testing.TB, st rounds.Store) *scopeEnv {
	tb.Helper()
	e := newEnv(tb, st)
	seeder, _, err := rounds.NewAPIKey("seeder", rounds.AccessAdmin, nil)
	if err != nil {
		tb.Fatal(err)
	}
	s := &scopeEnv{env: e, ctx: rounds.NewContextWithKey(context.Background(), seeder)}
	decode := func(body string, v any) {
		if err := rounds.DecodeStrict(strings.NewReader(body), v); err != nil {
			tb.Fatal(err)
		}
	}
	s.req = &rounds.Request{Team: "template", Options: rounds.Options{Iterations: 50, Seed: 1, Threads: 1}}
	s.req.Workers, s.req.Clients, s.req.Visits = make([]rounds.Worker, 1), make([]rounds.Client, 1), make([]rounds.Visit, 1)
	decode(fmt.Sprintf(workerBody, "w1"), &s.req.Workers[0])
	decode(fmt.Sprintf(clientBody, "c1", "template"), &s.req.Clients[0])
	decode(fmt.Sprintf(visitBody, "v1"), &s.req.Visits[0])
	if err := s.req.Validate(); err != nil {
		tb.Fatal(err)
	}
	s.roster, err = (&solver.Planner{Source: geo.Haversine{}}).Plan(context.Background(), s.req)
	if err != nil || s.roster.Totals.Assigned != 1 {
		tb.Fatalf("plan the template roster: %v", err)
	}
	return s
}

// seed stores a team with the fixture's records through the store.
func (s *scopeEnv) seed(tb testing.TB, team string) *scopeFixture {
	tb.Helper()
	st, ctx := s.store, s.ctx
	must := func(err error) {
		tb.Helper()
		if err != nil {
			tb.Fatalf("seed %s: %v", team, err)
		}
	}
	decode := func(body string, v any) {
		tb.Helper()
		must(rounds.DecodeStrict(strings.NewReader(body), v))
	}
	f := &scopeFixture{team: team}
	must(st.CreateTeam(ctx, &rounds.Team{ID: team, Name: "Team " + team}))
	for _, id := range []string{"w1", "w9"} {
		var w rounds.Worker
		decode(fmt.Sprintf(workerBody, id), &w)
		must(st.Workers().Create(ctx, team, &w))
	}
	for _, id := range []string{"c1", "c9"} {
		var c rounds.Client
		decode(fmt.Sprintf(clientBody, id, team), &c)
		must(st.Clients().Create(ctx, team, &c))
	}
	for _, id := range []string{"e1", "e9"} {
		var ep rounds.Episode
		decode(fmt.Sprintf(episodeBody, id), &ep)
		must(st.Episodes().Create(ctx, team, &ep))
	}
	for _, id := range []string{"v1", "v9"} {
		var v rounds.Visit
		decode(fmt.Sprintf(visitBody, id), &v)
		must(st.Visits().Create(ctx, team, &v))
	}
	req := *s.req
	req.Team = team
	j := &rounds.Job{Team: team, Kind: rounds.JobSolve, From: "2025-03-03", To: "2025-03-03", Request: &req}
	must(st.SubmitJob(ctx, j))
	f.job = j.ID
	v := &rounds.RosterVersion{Team: team, From: "2025-03-03", To: "2025-03-03", JobID: j.ID, Note: "planned", Request: &req, Roster: s.roster}
	must(st.CreateRoster(ctx, v))
	_, perr := st.PublishRoster(ctx, team, v.RosterID, 1)
	must(perr)
	f.roster = v.RosterID
	sim := &rounds.SimulationRun{Team: team, File: json.RawMessage(scopeSimulationFile), Scenarios: []string{"baseline"}, Replications: 1,
		From: "2025-12-01", To: "2025-12-01"}
	must(st.SubmitSimulation(ctx, sim))
	f.simulation = sim.ID
	k, _, err := rounds.NewAPIKey("viewer of "+team, rounds.AccessViewer, []string{team})
	must(err)
	must(st.CreateKey(ctx, k))
	f.key = k.ID
	return f
}

// fill returns the path of an operation for the fixture's team: the
// records to delete for DELETE, the ones to read or replace otherwise.
func (f *scopeFixture) fill(method, path string) string {
	id := ""
	switch {
	case strings.HasPrefix(path, "/v1/plans/"):
		id = f.job
	case strings.HasPrefix(path, "/v1/simulations/"):
		id = f.simulation
	case strings.HasPrefix(path, "/v1/keys/"):
		id = f.key
	case strings.Contains(path, "/{id}"):
		kind := path[len("/v1/teams/{team}/"):][:1] // w, c, e or v
		id = kind + "1"
		if method == "DELETE" {
			id = kind + "9"
		}
	}
	return strings.NewReplacer("{team}", f.team, "{roster}", f.roster, "{id}", id).Replace(path)
}

// scopeTeam matches the teams of the matrix's fixtures.
var scopeTeam = regexp.MustCompile(`(own|other)-\d+`)

// TestScopeMatrix calls every operation of the OpenAPI document with a key
// of each role confined to one team, on that team and on another, and
// with a global admin key, on fixtures made afresh whenever a call may
// have changed them. An allowed call on a
// team the key may touch succeeds; a role the table does not allow is
// refused naming the role; a call on another team, or one that needs a
// global key, is refused; and no successful answer to a team-scoped key
// carries another team's data.
func TestScopeMatrix(t *testing.T) {
	for _, st := range []struct {
		name string
		new  func(testing.TB) rounds.Store
	}{
		{"memory", func(testing.TB) rounds.Store { return memory.NewStore() }},
		{"postgres", func(tb testing.TB) rounds.Store { s, _ := pgtest.New(tb); return s }},
	} {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			scopeMatrix(t, newScopeEnv(t, st.new(t)))
		})
	}
}

func scopeMatrix(t *testing.T, s *scopeEnv) {
	doc := loadDocument(t, s.env)
	var ops []string
	for p, item := range doc.Paths.Map() {
		for m, op := range item.Operations() {
			ops = append(ops, m+" "+p)
			if _, ok := scopeCases[m+" "+p]; !ok {
				t.Errorf("%s %s (%s) has no expectation in scopeCases", m, p, op.Summary)
			}
		}
	}
	sort.Strings(ops)
	for op := range scopeCases {
		if !slices.Contains(ops, op) {
			t.Errorf("scopeCases expects %s, which the document does not list", op)
		}
	}
	perms := map[string]permission{}
	for _, r := range s.srv.routes() {
		perms[r.method+" "+pathParam.ReplaceAllString(r.path, "{$1}")] = r.perm
	}
	type caller struct {
		name string
		role rounds.AccessRole
		// global is true for the admin key with no teams.
		global bool
	}
	callers := []caller{{"global admin", admin, true}}
	for _, role := range rounds.AccessRoles {
		callers = append(callers, caller{"team " + string(role), role, false})
	}
	n := 0
	for _, op := range ops {
		c, ok := scopeCases[op]
		if !ok {
			continue
		}
		method, path, _ := strings.Cut(op, " ")
		perm := perms[op]
		t.Run(op, func(t *testing.T) {
			if perm != permPublic {
				anon := regexp.MustCompile(`\{\w+\}`).ReplaceAllString(path, "x")
				if status, body := s.call(t, method, anon, "", nil); status != 401 {
					t.Errorf("no key: %d %s, want 401", status, body)
				}
			}
			var own, other *scopeFixture
			changed := true
			for _, who := range callers {
				// Callers share fixtures until a call may have changed
				// them: a call, not a read, that succeeded (a global key's
				// call succeeds on the other team too).
				if changed {
					n++
					own, other = s.seed(t, fmt.Sprintf("own-%d", n)), s.seed(t, fmt.Sprintf("other-%d", n))
				}
				token := s.admin
				if !who.global {
					k, tok, err := rounds.NewAPIKey(who.name, who.role, []string{own.team})
					if err != nil {
						t.Fatal(err)
					}
					if err := s.store.CreateKey(s.ctx, k); err != nil {
						t.Fatal(err)
					}
					token = tok
				}
				send := func(f *scopeFixture) (int, []byte, string) {
					p := f.fill(method, path)
					if c.query != nil {
						if q := c.query(f); q != "" {
							p += "?" + q
						}
					}
					var body any
					if c.body != nil {
						body = c.body(f)
					}
					status, b := s.call(t, method, p, token, body)
					return status, b, method + " " + p
				}
				roleOK := perm == permPublic || slices.Contains(allowed[perm], who.role)
				// The other team first: a refused call must leave the
				// fixtures as they were for the call in scope.
				if c.scoped {
					status, body, req := send(other)
					switch {
					case !roleOK:
						if status != 403 {
							t.Errorf("%s: %s: %d %s, want 403", who.name, req, status, body)
						}
					case who.global:
						if status != c.ok {
							t.Errorf("%s: %s: %d %s, want %d", who.name, req, status, body, c.ok)
						}
					default:
						if status != 403 && status != 404 {
							t.Errorf("%s: %s on another team: %d %s, want 403 or 404", who.name, req, status, body)
						}
					}
				}
				status, body, req := send(own)
				switch {
				case !roleOK:
					if status != 403 || fieldOf(body) != "role" {
						t.Errorf("%s: %s: %d %s, want 403 naming role", who.name, req, status, body)
					}
				case globalOnly[perm] && !who.global:
					if status != 403 || fieldOf(body) != "teams" {
						t.Errorf("%s: %s: %d %s, want 403 naming teams: only a global key may", who.name, req, status, body)
					}
				default:
					if status != c.ok {
						t.Errorf("%s: %s: %d %s, want %d", who.name, req, status, body, c.ok)
					}
				}
				changed = method != "GET" && (status/100 == 2 || who.global)
				if status/100 == 2 && !who.global {
					for _, team := range scopeTeam.FindAllString(string(body), -1) {
						if team != own.team {
							t.Errorf("%s: %s answers with data of team %s: %.300s", who.name, req, team, body)
							break
						}
					}
				}
			}
		})
	}
}
