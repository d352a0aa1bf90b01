package api

import (
	"context"
	"encoding/json"

	"slices"
	"strings"
	"testing"
	"time"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/fixtures"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/solver"
	"github.com/roundsdev/rounds/validate"
)

// TestEndToEnd creates a team, loads a generated borough day, plans it,
// edits and publishes the roster and reads the audit, against each store.
func TestEndToEnd(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, st.new(t, &solver.Planner{Source: geo.Haversine{}}))
			endToEnd(t, e)
		})
	}
}

func endToEnd(t *testing.T, e *env) {
	cfg := fixtures.Small
	cfg.Seed = 7
	day, err := fixtures.Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var skills []rounds.Skill
	for _, w := range day.Workers {
		for _, s := range w.Skills {
			if !slices.Contains(skills, s) {
				skills = append(skills, s)
			}
		}
	}
	for _, v := range day.Visits {
		for _, s := range v.Skills {
			if !slices.Contains(skills, s) {
				skills = append(skills, s)
			}
		}
	}
	e.must(t, "POST", "/v1/teams", e.admin, rounds.Team{ID: "hf", Name: "Hammersmith & Fulham", Skills: skills}, 201, nil)
	coord := e.key(t, rounds.AccessCoordinator, "hf")
	viewer := e.key(t, rounds.AccessViewer, "hf")

	// Load the day; the first client withholds consent.
	for _, w := range day.Workers {
		e.must(t, "POST", "/v1/teams/hf/workers", coord, w, 201, nil)
	}
	private := day.Clients[0].ID
	for i, c := range day.Clients {
		c.Consent = i > 0
		e.must(t, "POST", "/v1/teams/hf/clients", coord, c, 201, nil)
	}
	withheld := 0
	for _, v := range day.Visits {
		v.Episode = ""
		if v.ClientID == private {
			withheld++
		}
		e.must(t, "POST", "/v1/teams/hf/visits", coord, v, 201, nil)
	}
	if withheld == 0 {
		t.Fatal("the first client has no visits; pick another seed")
	}

	// Consent: only admins see the details of a client who has not consented.
	var seen rounds.Client
	e.must(t, "GET", "/v1/teams/hf/clients/"+private, viewer, nil, 200, &seen)
	if seen.Name != "" || seen.Location != (rounds.Location{}) {
		t.Errorf("viewer sees a non-consenting client's details: %+v", seen)
	}
	e.must(t, "GET", "/v1/teams/hf/clients/"+private, e.admin, nil, 200, &seen)
	if seen.Name == "" {
		t.Error("admin does not see a non-consenting client's name")
	}

	// Plan the day and wait for the job.
	var job rounds.Job
	e.must(t, "POST", "/v1/plans", coord, PlanRequest{Team: "hf", From: day.Visits[0].Date, To: day.Visits[0].Date, Options: rounds.Options{TimeLimitSeconds: 1, Iterations: 3000, Seed: 1}}, 202, &job)
	job = waitJob(t, e, coord, job.ID)
	if job.State != rounds.JobCompleted || job.RosterID == "" {
		t.Fatalf("job ended %s (%s), roster %q", job.State, job.Error, job.RosterID)
	}
	if job.Skipped != withheld {
		t.Errorf("job skipped %d visits, want the %d of the non-consenting client", job.Skipped, withheld)
	}
	base := "/v1/teams/hf/rosters/" + job.RosterID
	var v1 rounds.RosterVersion
	e.must(t, "GET", base, e.admin, nil, 200, &v1)
	if v1.Version != 1 || v1.Status != rounds.RosterDraft || v1.Roster.Totals.Assigned == 0 {
		t.Fatalf("version 1: %d %s, %d assigned", v1.Version, v1.Status, v1.Roster.Totals.Assigned)
	}
	for _, rt := range v1.Roster.Routes {
		for _, s := range rt.Stops {
			if s.ClientID == private {
				t.Errorf("visit %s of the non-consenting client was planned", s.VisitID)
			}
		}
	}
	if slices.ContainsFunc(v1.Request.Clients, func(c rounds.Client) bool { return c.ID == private }) {
		t.Error("the planned request holds the non-consenting client")
	}

	// An edit that breaks a hard rule is rejected with the reason.
	moved, target := movable(v1.Roster)
	late := rounds.At(19, 55)
	status, body := e.call(t, "POST", base+"/edits", coord, Edit{Version: 1, Op: "pin", VisitID: moved, WorkerID: target, Start: &late})
	var rejected ErrorBody
	json.Unmarshal(body, &rejected)
	if status != 422 || len(rejected.Violations) == 0 || rejected.Error.Field != "op" {
		t.Fatalf("late pin: status %d, body %s; want 422 with violations", status, body)
	}
	// A move that keeps every rule is stored as version 2.
	move := validMove(t, e, &v1)
	moved = move.VisitID
	var v2 rounds.RosterVersion
	e.must(t, "POST", base+"/edits", coord, move, 201, &v2)
	if v2.Version != 2 || v2.Request != nil || ownerOf(v2.Roster, moved) != move.WorkerID {
		t.Fatalf("version %d: %s is with %s, want version 2 with %s and no request for a coordinator", v2.Version, moved, ownerOf(v2.Roster, moved), move.WorkerID)
	}
	var d Diff
	e.must(t, "GET", base+"/diff?from=1&to=2", viewer, nil, 200, &d)
	if !slices.ContainsFunc(d.Changes, func(c Change) bool { return c.VisitID == moved && c.Change == "moved" }) {
		t.Errorf("diff 1..2 = %+v, want %s moved", d.Changes, moved)
	}
	e.must(t, "POST", base+"/edits", coord, Edit{Version: 1, Op: "move", VisitID: moved, WorkerID: target}, 409, nil) // stale version
	e.must(t, "POST", base+"/publish", viewer, PublishRequest{Version: 2}, 403, nil)
	var pub rounds.RosterVersion
	e.must(t, "POST", base+"/publish", coord, PublishRequest{Version: 2}, 200, &pub)
	if pub.Status != rounds.RosterPublished {
		t.Errorf("published status %s", pub.Status)
	}

	// The audit log holds every change, readable by admins only.
	e.must(t, "GET", "/v1/audit?team=hf", coord, nil, 403, nil)
	var log rounds.Page[rounds.AuditEntry]
	e.must(t, "GET", "/v1/audit?team=hf&limit=5", e.admin, nil, 200, &log)
	want := len(day.Workers) + len(day.Clients) + len(day.Visits) + 5 // team, job, roster, edit, publish
	if log.Total != want || log.Items[0].Action != rounds.AuditPublish {
		t.Errorf("audit: %d entries, newest %s; want %d, newest publish", log.Total, log.Items[0].Action, want)
	}
	for _, entry := range log.Items {
		if entry.Actor == "" || entry.At.IsZero() {
			t.Errorf("audit entry without actor or time: %+v", entry)
		}
	}
}

// waitJob polls a job until it finishes, for at most 60 s.
func waitJob(tb testing.TB, e *env, token, id string) rounds.Job {
	tb.Helper()
	var j rounds.Job
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		e.must(tb, "GET", "/v1/plans/"+id, token, nil, 200, &j)
		if j.State.Final() {
			return j
		}
	}
	tb.Fatalf("job %s still %s after 60 s", id, j.State)
	return j
}

// movable returns an assigned visit and a worker other than its own.
func movable(r *rounds.Roster) (visit, worker string) {
	for _, rt := range r.Routes {
		if len(rt.Stops) > 0 {
			visit = rt.Stops[len(rt.Stops)-1].VisitID
			break
		}
	}
	for _, rt := range r.Routes {
		if rt.WorkerID != ownerOf(r, visit) {
			return visit, rt.WorkerID
		}
	}
	return visit, ""
}

func ownerOf(r *rounds.Roster, visit string) string {
	for _, rt := range r.Routes {
		for _, s := range rt.Stops {
			if s.VisitID == visit {
				return rt.WorkerID
			}
		}
	}
	return ""
}

// fieldOf returns the field an error body names.
func fieldOf(b []byte) string {
	var body ErrorBody
	json.Unmarshal(b, &body)
	return body.Error.Field
}

func path(p string) string {
	return strings.NewReplacer(":team", "hf", ":id", "x", ":roster", "x").Replace(p)
}

// validMove finds, in process, a move of an assigned visit to another
// worker that the validator accepts.
func validMove(tb testing.TB, e *env, v *rounds.RosterVersion) Edit {
	tb.Helper()
	ctx := context.Background()
	for _, rt := range v.Roster.Routes {
		for _, s := range rt.Stops {
			for _, to := range v.Roster.Routes {
				if to.WorkerID == rt.WorkerID || to.Date != rt.Date {
					continue
				}
				for pos := range len(to.Stops) + 1 {
					edit := Edit{Version: v.Version, Op: "move", VisitID: s.VisitID, WorkerID: to.WorkerID, Position: &pos}
					next, err := edit.apply(ctx, v, e.srv.cfg.Source)
					if err != nil {
						continue
					}
					if bad, err := validate.Roster(ctx, next.Request, next.Roster, e.srv.cfg.Source); err == nil && len(bad) == 0 {
						return edit
					}
				}
			}
		}
	}
	tb.Fatal("no visit of the roster can be moved to another worker")
	return Edit{}
}
