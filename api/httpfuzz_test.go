package api

import (
	"bytes"
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/fixtures"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/solver"
)

// fuzzTeams are the two teams of the HTTP fuzz target.
var fuzzTeams = []string{"alpha", "bravo"}

// fuzzKey is one of the keys the fuzz target calls with.
type fuzzKey struct {
	token string
	role  rounds.AccessRole
	teams []string
}

// fuzzWorld is a served API over one store, holding two teams whose
// records carry a random mark each, and keys of three scopes.
type fuzzWorld struct {
	e    *env
	keys []fuzzKey
	// mark is the random text in each team's names and goals: a response
	// to a key that may not touch the team must not hold it.
	mark map[string]string
	// ids are the record ids the path parameters are drawn from, per
	// parameter name, over both teams.
	ids map[string][]string
	// keyTeams holds the teams of the keys that the fuzzed keys did not
	// make, by key id.
	keyTeams map[string][]string
	// sample bodies per route, valid for the first team.
	bodies map[string][]byte
}

// newFuzzWorld builds a world over st: two teams with a small generated
// day each (one client without consent), a planned roster and an
// episode each, a decoy key per team, and three keys to fuzz with: an
// admin of alpha, a dispatcher of bravo and a global admin.
func newFuzzWorld(tb testing.TB, st rounds.Store) *fuzzWorld {
	tb.Helper()
	e := newEnvConfig(tb, Config{Store: st, MaxSolveSeconds: 0.2, MaxPlanSeconds: 0.2, MaxBodyBytes: 1 << 20})
	w := &fuzzWorld{e: e, mark: map[string]string{},
		ids: map[string][]string{}, keyTeams: map[string][]string{}, bodies: map[string][]byte{}}
	for i, team := range fuzzTeams {
		w.mark[team] = randomMark(tb)
		w.loadTeam(tb, team, int64(i+1))
	}
	for _, k := range []fuzzKey{
		{role: rounds.AccessAdmin, teams: []string{"alpha"}},
		{role: rounds.AccessDispatcher, teams: []string{"bravo"}},
		{role: rounds.AccessAdmin},
	} {
		var nk NewKey
		w.e.must(tb, "POST", "/v1/keys", w.e.admin, KeyRequest{Name: "fuzz", Role: k.role, Teams: k.teams}, 201, &nk)
		k.token = nk.Token
		w.keys = append(w.keys, k)
	}
	return w
}

// randomMark returns a text no fuzzer guesses.
func randomMark(tb testing.TB) string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		tb.Fatal(err)
	}
	return "mark" + hex.EncodeToString(b[:])
}

// loadTeam creates a team with a generated day, a decoy key, an episode
// and a planned roster, and records their ids.
func (w *fuzzWorld) loadTeam(tb testing.TB, team string, seed int64) {
	tb.Helper()
	cfg := fixtures.Small
	cfg.Workers, cfg.Visits, cfg.Seed = 3, 10, seed
	day, err := fixtures.Generate(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	var skills []rounds.Skill
	for _, wk := range day.Workers {
		skills = append(skills, wk.Skills...)
	}
	for _, v := range day.Visits {
		skills = append(skills, v.Skills...)
	}
	slices.Sort(skills)
	e, root, mark := w.e, w.e.admin, w.mark[team]
	e.must(tb, "POST", "/v1/teams", root, rounds.Team{ID: team, Name: "Team " + mark, Skills: slices.Compact(skills)}, 201, nil)
	for _, wk := range day.Workers {
		wk.Name = "Worker " + mark
		e.must(tb, "POST", "/v1/teams/"+team+"/workers", root, wk, 201, nil)
		w.ids[":id"] = append(w.ids[":id"], wk.ID)
		w.sample(tb, team, "/v1/teams/:team/workers", wk)
	}
	for i, c := range day.Clients {
		c.Name, c.Consent = "Client "+mark, i > 0
		e.must(tb, "POST", "/v1/teams/"+team+"/clients", root, c, 201, nil)
		w.ids[":id"] = append(w.ids[":id"], c.ID)
		w.sample(tb, team, "/v1/teams/:team/clients", c)
	}
	for _, v := range day.Visits {
		v.Episode = ""
		e.must(tb, "POST", "/v1/teams/"+team+"/visits", root, v, 201, nil)
		w.ids[":id"] = append(w.ids[":id"], v.ID)
		w.sample(tb, team, "/v1/teams/:team/visits", v)
	}
	date := day.Visits[0].Date
	ep := rounds.Episode{ID: "ep-" + team, ClientID: day.Clients[0].ID, Pathway: rounds.Reablement, Start: date, End: date.AddDays(6),
		Goals: []string{"Goal " + mark}, Pattern: rounds.ReablementTaper(7)}
	e.must(tb, "POST", "/v1/teams/"+team+"/episodes", root, ep, 201, nil)
	w.ids[":id"] = append(w.ids[":id"], ep.ID)
	w.sample(tb, team, "/v1/teams/:team/episodes", ep)

	var decoy NewKey
	e.must(tb, "POST", "/v1/keys", root, KeyRequest{Name: "Key " + mark, Role: rounds.AccessViewer, Teams: []string{team}}, 201, &decoy)
	w.ids[":id"] = append(w.ids[":id"], decoy.ID)
	w.keyTeams[decoy.ID] = []string{team}

	var job rounds.Job
	plan := PlanRequest{Team: team, From: date, To: date, Options: rounds.Options{Iterations: 500, Seed: 1}}
	e.must(tb, "POST", "/v1/plans", root, plan, 202, &job)
	job = waitJob(tb, e, root, job.ID)
	if job.State != rounds.JobCompleted {
		tb.Fatalf("plan of %s ended %s: %s", team, job.State, job.Error)
	}
	w.ids[":id"] = append(w.ids[":id"], job.ID)
	w.ids[":roster"] = append(w.ids[":roster"], job.RosterID)
	w.sample(tb, team, "/v1/plans", plan)
	w.sample(tb, team, "/v1/teams", rounds.Team{ID: team + "2", Name: "Another " + mark})
	w.sample(tb, team, "/v1/teams/:team", rounds.Team{ID: team, Name: "Renamed " + mark, Skills: slices.Compact(skills)})
	w.sample(tb, team, "/v1/keys", KeyRequest{Name: "escalate", Role: rounds.AccessAdmin, Teams: []string{}})
	w.sample(tb, team, "/v1/teams/:team/rosters/:roster/publish", PublishRequest{Version: 1})
	w.sample(tb, team, "/v1/teams/:team/rosters/:roster/edits", Edit{Version: 1, Op: "move", VisitID: day.Visits[0].ID, WorkerID: day.Workers[0].ID})
	// the live day: the roster published, an event, a referral, its
	// acceptance and a repair
	e.must(tb, "POST", "/v1/teams/"+team+"/rosters/"+job.RosterID+"/publish", root, PublishRequest{Version: 1}, 200, nil)
	at := rounds.At(11, 0)
	ref := rounds.Referral{ClientID: day.Clients[1].ID, DurationMinutes: 30, At: &at}
	w.sample(tb, team, "/v1/teams/:team/rosters/:roster/events", EventsRequest{Events: []rounds.Event{
		{ID: "e1", Kind: rounds.EventWorkerUnavailable, At: rounds.At(12, 0), WorkerID: day.Workers[0].ID}}})
	w.sample(tb, team, "/v1/teams/:team/dispatch", DispatchRequest{RosterID: job.RosterID, Referral: ref})
	w.sample(tb, team, "/v1/teams/:team/dispatch/accept", AcceptRequest{RosterID: job.RosterID, Version: 1, Referral: ref, Rank: 1})
	w.sample(tb, team, "/v1/teams/:team/rosters/:roster/repair", RepairRequest{At: &at, Iterations: 50, Seed: 1})
	w.sample(tb, team, "/v1/teams/:team/rosters/:roster/edits/check", Edit{Version: 1, Op: "move", VisitID: day.Visits[0].ID, WorkerID: day.Workers[0].ID})
	w.sample(tb, team, "/v1/solve", day)
}

// sample keeps the first body seen for a route path as its seed body.
func (w *fuzzWorld) sample(tb testing.TB, team, path string, body any) {
	tb.Helper()
	if _, ok := w.bodies[path]; ok || team != fuzzTeams[0] {
		return
	}
	b, err := json.Marshal(body)
	if err != nil {
		tb.Fatal(err)
	}
	w.bodies[path] = b
}

// fuzzCall is one request the fuzz target sends.
type fuzzCall struct {
	route, key, team, id uint8
	raw, query           string
	body                 []byte
}

// request returns the method and URL of c, or ok false if c makes no
// valid URL. A route index past the routes sends raw as the path.
func (w *fuzzWorld) request(c fuzzCall) (method, target string, ok bool) {
	rs := w.e.srv.routes()
	i := int(c.route) % (len(rs) + 1)
	if i == len(rs) {
		methods := []string{"GET", "POST", "PUT", "DELETE", "PATCH"}
		method, target = methods[int(c.id)%len(methods)], "/"+c.raw
	} else {
		method = rs[i].method
		segs := strings.Split(rs[i].path, "/")
		for j, s := range segs {
			if !strings.HasPrefix(s, ":") {
				continue
			}
			var pool []string
			if s == ":team" {
				pool = fuzzTeams
			} else {
				pool = w.ids[s]
			}
			sel := int(c.team)
			if s != ":team" {
				sel = int(c.id)
			}
			v := c.raw
			if n := len(pool); n > 0 && sel%(n+1) < n {
				v = pool[sel%(n+1)]
			}
			segs[j] = url.PathEscape(v)
		}
		target = strings.Join(segs, "/")
	}
	if c.query != "" {
		target += "?" + c.query
	}
	if _, err := url.ParseRequestURI(w.e.url + target); err != nil {
		return "", "", false
	}
	return method, target, true
}

// check sends c and fails t if the answer is a 5xx, carries a team's
// mark to a key that may not touch the team, or made or revoked a key
// beyond its maker's reach.
func (w *fuzzWorld) check(t *testing.T, c fuzzCall) {
	method, target, ok := w.request(c)
	if !ok {
		return
	}
	k := w.keys[int(c.key)%len(w.keys)]
	req, err := http.NewRequest(method, w.e.url+target, bytes.NewReader(c.body))
	if err != nil {
		return
	}
	req.Header.Set("Authorization", "Bearer "+k.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("%s %s: read: %v", method, target, err)
	}
	if resp.StatusCode >= 500 {
		t.Fatalf("%s %s as %s%v: status %d: %s", method, target, k.role, k.teams, resp.StatusCode, body)
	}
	if len(k.teams) > 0 {
		for _, team := range fuzzTeams {
			if !slices.Contains(k.teams, team) && bytes.Contains(body, []byte(w.mark[team])) {
				t.Fatalf("%s %s as %s%v: the answer (%d) holds team %s's data: %.300s", method, target, k.role, k.teams, resp.StatusCode, team, body)
			}
		}
	}
	if resp.StatusCode/100 != 2 || len(k.teams) == 0 {
		return
	}
	switch {
	case method == "POST" && target == "/v1/teams":
		t.Fatalf("a key of teams %v created a team: %s", k.teams, body)
	case method == "POST" && strings.HasPrefix(target, "/v1/keys"):
		var nk NewKey
		if err := json.Unmarshal(body, &nk); err != nil {
			t.Fatalf("POST /v1/keys answered %d with %s: %v", resp.StatusCode, body, err)
		}
		if len(nk.Teams) == 0 || slices.ContainsFunc(nk.Teams, func(team string) bool { return !slices.Contains(k.teams, team) }) {
			t.Fatalf("a key of teams %v made a key of teams %v", k.teams, nk.Teams)
		}
	case method == "DELETE" && strings.HasPrefix(target, "/v1/keys/"):
		id, _ := url.PathUnescape(strings.TrimPrefix(target, "/v1/keys/"))
		if teams, ok := w.keyTeams[id]; ok && slices.ContainsFunc(teams, func(team string) bool { return !slices.Contains(k.teams, team) }) {
			t.Fatalf("a key of teams %v revoked key %s of teams %v", k.teams, id, teams)
		}
	}
}

// seeds returns the seed corpus: every route with every key, with
// record ids of either team, the route's sample body and seeded
// mutations of it (a NUL, a broken UTF-8 byte, a cut, a minute of 60).
// Deletes come last, so the other seeds find the records.
func (w *fuzzWorld) seeds() []fuzzCall {
	rng := mrand.New(mrand.NewPCG(1, 2))
	var out []fuzzCall
	rs := w.e.srv.routes()
	order := make([]int, len(rs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Compare(boolInt(rs[a].method == "DELETE"), boolInt(rs[b].method == "DELETE"))
	})
	for _, ri := range order {
		r := rs[ri]
		body := w.bodies[r.path]
		for ki := range w.keys {
			for _, team := range []uint8{0, 1} {
				out = append(out, fuzzCall{route: uint8(ri), key: uint8(ki), team: team, id: uint8(rng.IntN(256)), body: body})
			}
			out = append(out, fuzzCall{route: uint8(ri), key: uint8(ki), id: uint8(rng.IntN(256)), raw: "x\x00y", body: mutate(rng, body)})
		}
	}
	out = append(out,
		fuzzCall{route: uint8(len(rs)), raw: "v1/audit", query: "team=bravo"},
		fuzzCall{route: uint8(len(rs)), raw: "v1/audit"},
		fuzzCall{route: uint8(len(rs)), raw: "v1/keys"},
		fuzzCall{route: uint8(len(rs)), raw: "v1/teams/bravo/clients", query: "network=x"},
		fuzzCall{route: uint8(len(rs)), raw: "v1/teams/%2e%2e/workers"},
	)
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// mutate returns b with one seeded change that a decoder must refuse
// politely.
func mutate(rng *mrand.Rand, b []byte) []byte {
	if len(b) == 0 {
		return []byte(`{"name":"Jo\u0000e"}`)
	}
	out := slices.Clone(b)
	switch rng.IntN(4) {
	case 0:
		return bytes.Replace(out, []byte(`":"`), []byte(`":"\u0000`), 1)
	case 1:
		i := rng.IntN(len(out))
		return slices.Insert(out, i, 0xff)
	case 2:
		return out[:rng.IntN(len(out))]
	default:
		return bytes.Replace(out, []byte(`:00"`), []byte(`:60"`), 1)
	}
}

// FuzzAPI sends any method, path, query and body with the keys of three
// scopes (an admin of one team, a dispatcher of another, a global
// admin) to the API over each store, and asserts that no answer is a
// 5xx, none carries data of a team the key may not touch, and no key
// makes a team or a key, or revokes a key, beyond its own teams. Without
// -fuzz it runs its seeded corpus: every route with every key.
func FuzzAPI(f *testing.F) {
	var worlds []*fuzzWorld
	for _, st := range stores {
		worlds = append(worlds, newFuzzWorld(f, st.new(f, &solver.Planner{Source: geo.Haversine{}})))
	}
	for _, c := range worlds[0].seeds() {
		f.Add(c.route, c.key, c.team, c.id, c.raw, c.query, c.body)
	}
	f.Fuzz(func(t *testing.T, route, key, team, id uint8, raw, query string, body []byte) {
		c := fuzzCall{route: route, key: key, team: team, id: id, raw: raw, query: query, body: body}
		for _, w := range worlds {
			w.check(t, c)
		}
	})
}
