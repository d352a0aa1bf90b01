package api

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/solver"
	"github.com/roundsdev/rounds/validate"
)

// referral returns a rapid-response referral of a new client near the
// fixture's clients, at 10:00.
func referral(id string) rounds.Referral {
	at := rounds.At(10, 0)
	return rounds.Referral{VisitID: id, Client: &rounds.Client{ID: "new-" + id, Location: near(4), Consent: true},
		DurationMinutes: 30, At: &at}
}

// handOption returns an option that puts the referral's visit first in
// worker's free round, the other rounds as they are: what a dispatcher
// would choose by hand.
func (f *liveFixture) handOption(t *testing.T, v *rounds.RosterVersion, ref rounds.Referral, worker string) *rounds.DispatchOption {
	t.Helper()
	req, visit, err := ref.WithReferral(v.Request, liveDate, *ref.At)
	if err != nil {
		t.Fatal(err)
	}
	events, err := f.store.Events(context.Background(), "hf", v.RosterID)
	if err != nil {
		t.Fatal(err)
	}
	state, err := rounds.LiveDay(req, v.Roster, liveDate, events, *ref.At)
	if err != nil {
		t.Fatal(err)
	}
	o := &rounds.DispatchOption{Rank: 1, WorkerID: worker}
	for _, r := range solver.FreeRounds(req, state) {
		ids := r.VisitIDs
		if r.WorkerID == worker {
			ids = append([]string{visit.ID}, ids...)
		}
		o.Rounds = append(o.Rounds, rounds.LiveRoundOrder{WorkerID: r.WorkerID, VisitIDs: ids})
	}
	return o
}

// latest returns the latest version of the fixture's roster, as stored.
func (f *liveFixture) latest(t *testing.T) *rounds.RosterVersion {
	t.Helper()
	v, err := f.store.RosterVersion(context.Background(), "hf", f.base[len("/v1/teams/hf/rosters/"):], 0)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// served counts the stops of visit in r.
func served(r *rounds.Roster, visit string) int {
	n := 0
	for _, rt := range r.Routes {
		for _, s := range rt.Stops {
			if s.VisitID == visit {
				n++
			}
		}
	}
	return n
}

// TestAccept: a dispatcher's chosen option becomes the next version,
// published, valid, with the referral in it once; an accept on the old
// version is refused with 409; bad referrals and options are refused
// naming the field, and store nothing.
func TestAccept(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			f := newLiveFixture(t, st.new(t, &solver.Planner{Source: geo.Haversine{}}), true)
			v1 := f.latest(t)
			rosterID := v1.RosterID
			ref := referral("rr-1")
			option := f.handOption(t, v1, ref, "w2")

			for _, c := range []struct {
				name   string
				change func(a *AcceptRequest)
				status int
				field  string
			}{
				{"no location", func(a *AcceptRequest) { a.Referral.Client = &rounds.Client{ID: "nowhere"} }, 422, "referral.client.location"},
				{"a skill nobody has", func(a *AcceptRequest) { a.Referral.Skills = []rounds.Skill{"catheter"} }, 422, "referral.skills[0]"},
				{"a deadline before the referral", func(a *AcceptRequest) {
					d := rounds.At(9, 0)
					a.Referral.Deadline = &d
				}, 422, "referral.deadline"},
				{"a visit id in use", func(a *AcceptRequest) { a.Referral.VisitID = "v1" }, 422, "referral.visitId"},
				{"neither client", func(a *AcceptRequest) { a.Referral.Client = nil }, 422, "referral.clientId"},
				{"no option", func(a *AcceptRequest) { a.Option = nil }, 422, "rank"},
				{"an option and a rank", func(a *AcceptRequest) { a.Rank = 1 }, 422, "rank"},
				{"a rank past the options", func(a *AcceptRequest) { a.Option, a.Rank = nil, 99 }, 422, "rank"},
				{"an option that loses a visit", func(a *AcceptRequest) {
					o := *a.Option
					o.Rounds = slices.Clone(o.Rounds)
					o.Rounds[0].VisitIDs = o.Rounds[0].VisitIDs[1:]
					a.Option = &o
				}, 422, "option.rounds"},
				{"an option with a stranger's visit", func(a *AcceptRequest) {
					o := *a.Option
					o.Rounds = slices.Clone(o.Rounds)
					o.Rounds[0].VisitIDs = append(slices.Clone(o.Rounds[0].VisitIDs), "nope")
					a.Option = &o
				}, 422, "option.rounds[0].visitIds[" + string(rune('0'+len(option.Rounds[0].VisitIDs))) + "]"},
				{"an option that breaks a rule", func(a *AcceptRequest) {
					o := *a.Option
					o.Rounds = slices.Clone(o.Rounds)
					for i := range o.Rounds {
						ids := slices.Clone(o.Rounds[i].VisitIDs)
						slices.Reverse(ids)
						o.Rounds[i].VisitIDs = ids
					}
					a.Option = &o
				}, 422, "option"},
				{"a future version", func(a *AcceptRequest) { a.Version = 7 }, 422, "version"},
				{"no roster", func(a *AcceptRequest) { a.RosterID = "nope" }, 404, ""},
			} {
				a := AcceptRequest{RosterID: rosterID, Version: 1, Referral: ref, Option: option}
				c.change(&a)
				status, b := f.call(t, "POST", "/v1/teams/hf/dispatch/accept", f.disp, a)
				if e := errorOf(b); status != c.status || e.Field != c.field {
					t.Errorf("%s: %d %s, want %d naming %q", c.name, status, b, c.status, c.field)
				}
			}
			if v := f.latest(t); v.Version != 1 {
				t.Fatalf("refused accepts stored version %d", v.Version)
			}

			var v2 rounds.RosterVersion
			f.must(t, "POST", "/v1/teams/hf/dispatch/accept", f.disp, AcceptRequest{RosterID: rosterID, Version: 1, Referral: ref, Option: option}, 201, &v2)
			if v2.Version != 2 || v2.Status != rounds.RosterPublished || v2.Request != nil || served(v2.Roster, "rr-1") != 1 {
				t.Fatalf("accepted version %d %s, request shown %v, referral served %d times; want version 2 published, no request, served once",
					v2.Version, v2.Status, v2.Request != nil, served(v2.Roster, "rr-1"))
			}
			stored := f.latest(t)
			bad, err := validate.Roster(context.Background(), stored.Request, stored.Roster, geo.Haversine{})
			if err != nil || len(bad) > 0 {
				t.Fatalf("the accepted version breaks rules: %v %v", err, bad)
			}
			if !slices.ContainsFunc(stored.Request.Visits, func(v rounds.Visit) bool { return v.ID == "rr-1" }) ||
				!slices.ContainsFunc(stored.Request.Clients, func(c rounds.Client) bool { return c.ID == "new-rr-1" }) {
				t.Errorf("the accepted version's request lacks the referral's visit or client")
			}
			if s, _ := stopOf(stored.Roster, "w2", "rr-1"); s.Start < *ref.At {
				t.Errorf("the referral starts at %s, before it came at %s", s.Start, *ref.At)
			}
			if v1, _ := f.store.RosterVersion(context.Background(), "hf", rosterID, 1); v1.Status != rounds.RosterSuperseded {
				t.Errorf("version 1 is %s, want superseded", v1.Status)
			}

			again := referral("rr-2")
			status, b := f.call(t, "POST", "/v1/teams/hf/dispatch/accept", f.disp,
				AcceptRequest{RosterID: rosterID, Version: 1, Referral: again, Option: f.handOption(t, v1, again, "w1")})
			if e := errorOf(b); status != 409 || e.Field != "version" {
				t.Errorf("an accept on version 1 after version 2: %d %s, want 409 naming version", status, b)
			}
			if v := f.latest(t); v.Version != 2 {
				t.Errorf("the stale accept stored version %d", v.Version)
			}
		})
	}
}

// TestDispatch: the options for a referral name the version they read;
// accepting one by rank stores it; a second dispatcher's accept on the
// same version gets 409 and fresh options on the new version, one of
// which it can accept; bad referrals are refused naming the field.
func TestDispatch(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			f := newLiveFixture(t, st.new(t, &solver.Planner{Source: geo.Haversine{}}), true)
			rosterID := f.latest(t).RosterID
			first, second := referral("rr-1"), referral("rr-2")
			var d1, d2 rounds.Dispatch
			f.must(t, "POST", "/v1/teams/hf/dispatch", f.disp, DispatchRequest{RosterID: rosterID, Referral: first}, 200, &d1)
			f.must(t, "POST", "/v1/teams/hf/dispatch", f.disp, DispatchRequest{RosterID: rosterID, Referral: second}, 200, &d2)
			if d1.RosterID != rosterID || d1.Version != 1 || d1.At != rounds.At(10, 0) || d1.Visit.ID != "rr-1" || len(d1.Options) == 0 || d1.Options[0].Rank != 1 {
				t.Fatalf("dispatch answer %+v", d1)
			}
			var v2 rounds.RosterVersion
			f.must(t, "POST", "/v1/teams/hf/dispatch/accept", f.disp, AcceptRequest{RosterID: rosterID, Version: 1, Referral: first, Rank: 1}, 201, &v2)
			if s, ok := stopOf(v2.Roster, d1.Options[0].WorkerID, "rr-1"); !ok || s.Start != d1.Options[0].Start {
				t.Errorf("accepted rr-1 at %s (%v), the option said %s with %s", s.Start, ok, d1.Options[0].Start, d1.Options[0].WorkerID)
			}
			status, b := f.call(t, "POST", "/v1/teams/hf/dispatch/accept", f.disp, AcceptRequest{RosterID: rosterID, Version: 1, Referral: second, Option: &d2.Options[0]})
			var body ErrorBody
			if err := json.Unmarshal(b, &body); err != nil || status != 409 || body.Error.Field != "version" || body.Dispatch == nil ||
				body.Dispatch.Version != 2 || len(body.Dispatch.Options) == 0 {
				t.Fatalf("an accept on the stale version: %d %s, want 409 with fresh options on version 2", status, b)
			}
			f.must(t, "POST", "/v1/teams/hf/dispatch/accept", f.disp, AcceptRequest{RosterID: rosterID, Version: 2, Referral: second, Option: &body.Dispatch.Options[0]}, 201, &v2)
			stored := f.latest(t)
			recomputed(t, stored)
			if stored.Version != 3 || served(stored.Roster, "rr-1") != 1 || served(stored.Roster, "rr-2") != 1 {
				t.Errorf("version %d serves rr-1 %d and rr-2 %d times, want version 3 with each once", stored.Version,
					served(stored.Roster, "rr-1"), served(stored.Roster, "rr-2"))
			}

			for _, c := range []struct {
				name   string
				change func(r *rounds.Referral)
				field  string
			}{
				{"no location", func(r *rounds.Referral) { r.Client = &rounds.Client{ID: "nowhere"} }, "referral.client.location"},
				{"a skill nobody has", func(r *rounds.Referral) { r.Skills = []rounds.Skill{"catheter"} }, "referral.skills[0]"},
				{"a deadline before the referral", func(r *rounds.Referral) {
					d := rounds.At(9, 0)
					r.Deadline = &d
				}, "referral.deadline"},
				{"an unknown client", func(r *rounds.Referral) { r.Client, r.ClientID = nil, "nobody" }, "referral.clientId"},
				{"no duration", func(r *rounds.Referral) { r.DurationMinutes = 0 }, "referral.durationMinutes"},
				{"too many options", func(r *rounds.Referral) { r.K = 50 }, "referral.k"},
				{"a date off the roster", func(r *rounds.Referral) { r.Date = "2025-03-09" }, "referral.date"},
			} {
				r := referral("rr-9")
				c.change(&r)
				status, b := f.call(t, "POST", "/v1/teams/hf/dispatch", f.disp, DispatchRequest{RosterID: rosterID, Referral: r})
				if e := errorOf(b); status != 422 || e.Field != c.field {
					t.Errorf("%s: %d %s, want 422 naming %s", c.name, status, b, c.field)
				}
			}
			status, b = f.call(t, "POST", "/v1/teams/hf/dispatch", f.disp, `{"rosterId":"`+rosterID+`","referral":{"clientId":"c1","durationMinutes":30,"at":"25:00"}}`)
			if e := errorOf(b); status != 422 || e.Field != "referral.at" {
				t.Errorf("a bad time: %d %s, want 422 naming referral.at", status, b)
			}
		})
	}
}

// TestSimultaneousAccepts: twenty dispatchers accept, at the same moment,
// an option of their own referral worked out on the same version: exactly
// one succeeds, the others get 409 with fresh options, and the roster's
// final version is valid with the winning referral in it once.
func TestSimultaneousAccepts(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			f := newLiveFixture(t, st.new(t, &solver.Planner{Source: geo.Haversine{}}), true)
			rosterID := f.latest(t).RosterID
			const n = 20
			accepts := make([]AcceptRequest, n)
			for i := range accepts {
				ref := referral(fmt.Sprintf("rr-%d", i))
				var d rounds.Dispatch
				f.must(t, "POST", "/v1/teams/hf/dispatch", f.disp, DispatchRequest{RosterID: rosterID, Referral: ref}, 200, &d)
				if len(d.Options) == 0 {
					t.Fatalf("referral %d: no options (%v)", i, d.Reasons)
				}
				accepts[i] = AcceptRequest{RosterID: rosterID, Version: d.Version, Referral: ref, Option: &d.Options[0]}
			}
			start := make(chan struct{})
			type result struct {
				status int
				body   []byte
			}
			results := make(chan result, n)
			for i := range accepts {
				go func() {
					<-start
					status, b := f.call(t, "POST", "/v1/teams/hf/dispatch/accept", f.disp, accepts[i])
					results <- result{status, b}
				}()
			}
			close(start)
			won, lost := 0, 0
			for range n {
				r := <-results
				var body ErrorBody
				switch {
				case r.status == 201:
					won++
				case r.status == 409 && json.Unmarshal(r.body, &body) == nil && body.Error.Field == "version" && body.Dispatch != nil && body.Dispatch.Version == 2:
					lost++
				default:
					t.Errorf("accept: %d %s, want 201 or 409 with fresh options on version 2", r.status, r.body)
				}
			}
			if won != 1 || lost != n-1 {
				t.Fatalf("%d accepts succeeded and %d got 409, want 1 and %d", won, lost, n-1)
			}
			final := f.latest(t)
			recomputed(t, final)
			inside := 0
			for i := range n {
				switch served(final.Roster, fmt.Sprintf("rr-%d", i)) {
				case 0:
				case 1:
					inside++
				default:
					t.Errorf("rr-%d is served more than once", i)
				}
			}
			if final.Version != 2 || inside != 1 {
				t.Errorf("final version %d holds %d referrals, want version 2 with one", final.Version, inside)
			}
		})
	}
}

// TestAcceptKeepsActualTimes: a visit reported done at other times than
// planned stays at its reported times in the accepted version, which
// passes the validator's live mode (with the events, against the
// published version).
func TestAcceptKeepsActualTimes(t *testing.T) {
	f := newLiveFixture(t, stores[0].new(t, &solver.Planner{Source: geo.Haversine{}}), true)
	first := f.stop(t, "w1", 0)
	started, finished := first.Start+300, first.End+600
	f.must(t, "POST", f.base+"/events", f.disp, EventsRequest{Events: []rounds.Event{
		{ID: "e1", Kind: rounds.EventVisitStarted, At: started, VisitID: first.VisitID},
		{ID: "e2", Kind: rounds.EventVisitFinished, At: finished, VisitID: first.VisitID}}}, 201, nil)
	ref := referral("rr-1")
	var v2 rounds.RosterVersion
	f.must(t, "POST", "/v1/teams/hf/dispatch/accept", f.disp, AcceptRequest{RosterID: f.latest(t).RosterID, Version: 1, Referral: ref, Rank: 1}, 201, &v2)
	stored := f.latest(t)
	events, err := f.store.Events(f.ctx, "hf", stored.RosterID)
	if err != nil {
		t.Fatal(err)
	}
	recomputed(t, stored, validate.Events(events, *ref.At), validate.Published(f.roster))
	if s, _ := stopOf(stored.Roster, "w1", first.VisitID); s.Start != started || s.End != finished {
		t.Errorf("%s at %s-%s in the accepted version, want the reported %s-%s", first.VisitID, s.Start, s.End, started, finished)
	}
}
