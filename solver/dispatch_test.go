package solver_test

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/benchmarks"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/solver"
	"github.com/roundsdev/rounds/validate"
)

// TestDispatchOptionsAccept: on the borough day at 11:00, every option
// given for a spread of referrals (new and existing clients, one and two
// workers, direct or with a chain), under the team's options and with a
// balance cost, is exact: accepting it gives a roster the validator
// passes, whose cost and score are the day's plus the option's changes,
// with the referral at the option's start and every moved visit at its
// new start.
func TestDispatchOptionsAccept(t *testing.T) {
	req, r := liveDay(t)
	date := r.Routes[0].Date
	at := rounds.At(11, 0)
	refs := benchmarks.Referrals(req, date, at, 40, 7)
	for _, i := range []int{4, 5, 6, 7, 8, 9} { // two nurses at once: a pair with room
		refs[i].WorkersNeeded = 2
	}
	t.Run("team options", func(t *testing.T) {
		if n := checkOptions(t, req, r, refs); n.options == 0 || n.pairs == 0 || n.chains == 0 || n.pairChains == 0 {
			t.Errorf("%+v: the referrals test too little", n)
		}
	})
	// with a balance cost the referral moves every worker's fair share
	balanced := *req
	balanced.Options.BalanceCostPerMinute = 2
	t.Run("balance cost", func(t *testing.T) {
		if n := checkOptions(t, &balanced, r, refs[:12]); n.options == 0 {
			t.Errorf("%+v: the referrals test too little", n)
		}
	})
	// a day planned as full as the generator makes it: the options drop
	// visits, or hand one over that displaces another
	t.Run("over-subscribed day", func(t *testing.T) {
		d, err := benchmarks.NewLiveDay(context.Background(), benchmarks.LiveDayOptions{Size: "borough", Seed: 1, Iterations: 5000})
		if err != nil {
			t.Fatal(err)
		}
		full := benchmarks.Referrals(d.Request, date, at, 30, 3)
		if n := checkOptions(t, d.Request, d.Roster, full); n.deep == 0 {
			t.Errorf("%+v: no option displaces a visit", n)
		}
	})
}

// optionCounts counts the options checkOptions saw: all, for two
// workers, with a chain, with a chain that displaces a visit, and for two
// workers with a chain.
type optionCounts struct{ options, pairs, chains, deep, pairChains int }

// checkOptions answers the referrals on the live day of req and r at
// 11:00 and accepts every option, checking it is exact.
func checkOptions(t *testing.T, req *rounds.Request, r *rounds.Roster, refs []rounds.Referral) optionCounts {
	ctx := context.Background()
	src := geo.Haversine{}
	date := r.Routes[0].Date
	at := rounds.At(11, 0)
	s, err := rounds.LiveDay(req, r, date, nil, at)
	if err != nil {
		t.Fatal(err)
	}
	live, err := solver.NewLive(ctx, req, r, s, src)
	if err != nil {
		t.Fatal(err)
	}
	day, err := solver.LiveRoster(ctx, req, r, s, src, solver.FreeRounds(req, s))
	if err != nil {
		t.Fatal(err)
	}
	if live.Day().Totals.Cost != day.Totals.Cost {
		t.Fatalf("the live day costs %d, LiveRoster %d", live.Day().Totals.Cost, day.Totals.Cost)
	}
	var n optionCounts
	for i := range refs {
		ref := refs[i]
		ref.K = 3
		d, err := live.Options(ctx, &ref)
		if err != nil {
			t.Fatalf("referral %d: %v", i, err)
		}
		if len(d.Options) == 0 && len(d.Reasons) == 0 {
			t.Errorf("referral %s: no options and no reason", ref.VisitID)
		}
		for j, o := range d.Options {
			if o.Rank != j+1 || j > 0 && o.CostChange < d.Options[j-1].CostChange {
				t.Errorf("referral %s: option %d ranked %d with cost change %d after %d", ref.VisitID, j, o.Rank, o.CostChange, d.Options[max(j-1, 0)].CostChange)
			}
			n.options++
			if o.PartnerID != "" {
				n.pairs++
			}
			if o.Handover != nil || len(o.Dropped) > 0 {
				n.chains++
			}
			if o.Handover != nil && len(o.Dropped) > 0 {
				n.deep++
			}
			if o.PartnerID != "" && len(o.Dropped) > 0 {
				n.pairChains++
			}
			got, req1, err := solver.Accept(ctx, req, r, s, &ref, &o, src)
			if err != nil {
				t.Fatalf("referral %s option %d: accept: %v", ref.VisitID, o.Rank, err)
			}
			vs, err := validate.Roster(ctx, req1, got, src)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range vs {
				t.Errorf("referral %s option %d: %v", ref.VisitID, o.Rank, v)
			}
			if change := got.Totals.Cost - day.Totals.Cost; change != o.CostChange {
				t.Errorf("referral %s option %d (%s %s): accepted roster changes the cost by %d, the option said %d (score %v, accepted %v, day %v)",
					ref.VisitID, o.Rank, o.WorkerID, o.PartnerID, change, o.CostChange, o.ScoreChange, got.Totals.Score, day.Totals.Score)
			}
			for key, x := range got.Totals.Score {
				if x-day.Totals.Score[key] != o.ScoreChange[key] {
					t.Errorf("referral %s option %d: score %s changes by %d, the option said %d", ref.VisitID, o.Rank, key, x-day.Totals.Score[key], o.ScoreChange[key])
				}
			}
			starts := map[[2]string]rounds.Clock{}
			for _, rt := range got.Routes {
				for _, st := range rt.Stops {
					starts[[2]string{st.VisitID, rt.WorkerID}] = st.Start
				}
			}
			if st, ok := starts[[2]string{d.Visit.ID, o.WorkerID}]; !ok || st != o.Start {
				t.Errorf("referral %s option %d: %s starts it at %s in the roster, the option said %s", ref.VisitID, o.Rank, o.WorkerID, st, o.Start)
			}
			for _, m := range o.Moved {
				if st := starts[[2]string{m.VisitID, m.WorkerID}]; st != m.NewStart {
					t.Errorf("referral %s option %d: moved visit %s starts at %s, the option said %s", ref.VisitID, o.Rank, m.VisitID, st, m.NewStart)
				}
			}
		}
	}
	t.Logf("%d referrals: %+v", len(refs), n)
	return n
}

// TestDispatchNothingFits: a referral whose deadline no worker can meet
// gets no option, a reason, and the earliest start anyone could make
// (solver.Dispatch, the one-shot call).
func TestDispatchNothingFits(t *testing.T) {
	req, r := liveDay(t)
	ctx := context.Background()
	date := r.Routes[0].Date
	at := rounds.At(11, 0)
	s, err := rounds.LiveDay(req, r, date, nil, at)
	if err != nil {
		t.Fatal(err)
	}
	deadline := at + 60 // a minute: nobody is there
	ref := benchmarks.Referrals(req, date, at, 1, 3)[0]
	ref.Deadline = &deadline
	d, err := solver.Dispatch(ctx, req, r, s, &ref, geo.Haversine{})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Options) != 0 || len(d.Reasons) == 0 || d.Detail == "" {
		t.Fatalf("options %d, reasons %v, detail %q", len(d.Options), d.Reasons, d.Detail)
	}
	if d.EarliestStart == nil || *d.EarliestStart <= deadline || d.EarliestWorker == "" {
		t.Fatalf("earliest start %v by %q, want one after %s", d.EarliestStart, d.EarliestWorker, deadline)
	}
	t.Logf("reasons %v: %s; earliest %s by %s; suggestion %+v", d.Reasons, d.Detail, d.EarliestStart, d.EarliestWorker, d.Suggestion)
}

// TestDispatchBadReferral: a referral the request cannot take is an
// EINVALID error naming the referral's field.
func TestDispatchBadReferral(t *testing.T) {
	req, r := liveDay(t)
	ctx := context.Background()
	date := r.Routes[0].Date
	s, err := rounds.LiveDay(req, r, date, nil, rounds.At(11, 0))
	if err != nil {
		t.Fatal(err)
	}
	live, err := solver.NewLive(ctx, req, r, s, geo.Haversine{})
	if err != nil {
		t.Fatal(err)
	}
	good := benchmarks.Referrals(req, date, rounds.At(11, 0), 1, 3)[0]
	cases := []struct {
		name  string
		edit  func(*rounds.Referral)
		field string
	}{
		{"no duration", func(r *rounds.Referral) { r.DurationMinutes = 0 }, "referral.durationMinutes"},
		{"three workers", func(r *rounds.Referral) { r.WorkersNeeded = 3 }, "referral.workersNeeded"},
		{"unknown skill", func(r *rounds.Referral) { r.Skills = []rounds.Skill{"juggling"} }, "referral.skills[0]"},
		{"unknown client", func(r *rounds.Referral) { r.Client, r.ClientID = nil, "nobody" }, "referral.clientId"},
		{"another time", func(r *rounds.Referral) { t := rounds.At(12, 0); r.At = &t }, "referral.at"},
		{"deadline before the referral", func(r *rounds.Referral) { t := rounds.At(10, 0); r.Deadline = &t }, "referral.deadline"},
		{"new client with no location", func(r *rounds.Referral) {
			r.ClientID, r.Client = "", &rounds.Client{ID: "x"}
		}, "referral.client.location"},
		{"new client off the Earth", func(r *rounds.Referral) {
			r.ClientID, r.Client = "", &rounds.Client{ID: "x", Location: rounds.Location{Lat: 91}}
		}, "referral.client.location"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ref := good
			c.edit(&ref)
			_, err := live.Options(ctx, &ref)
			e, ok := err.(*rounds.Error)
			if !ok || e.Code != rounds.EINVALID || e.Field != c.field {
				t.Fatalf("got %v, want EINVALID naming %s", err, c.field)
			}
		})
	}
}

// TestDispatchAfterEvents: at 11:40, after visits finished late, one not
// reached and one cancelled, every option accepted gives a roster the
// validator's live mode passes against the events (done visits at their
// actual times), costing what the option said.
func TestDispatchAfterEvents(t *testing.T) {
	req, r := liveDay(t)
	ctx := context.Background()
	src := geo.Haversine{}
	date := r.Routes[0].Date
	at := rounds.At(11, 40)
	var events []rounds.Event
	late, missed, cancelled := 0, false, false
	for _, rt := range r.Routes {
		if len(rt.Stops) < 4 {
			continue
		}
		first, last := rt.Stops[0], rt.Stops[len(rt.Stops)-1]
		switch {
		case late < 5 && first.End+600 < at:
			id := fmt.Sprintf("e%d", len(events))
			events = append(events,
				rounds.Event{ID: id + "s", Kind: rounds.EventVisitStarted, Date: date, At: first.Start + 300, VisitID: first.VisitID, WorkerID: rt.WorkerID},
				rounds.Event{ID: id + "f", Kind: rounds.EventVisitFinished, Date: date, At: first.End + 600, VisitID: first.VisitID, WorkerID: rt.WorkerID})
			late++
		case !missed && first.Start < at:
			events = append(events, rounds.Event{ID: "na", Kind: rounds.EventNoAccess, Date: date, At: first.Start, VisitID: first.VisitID, WorkerID: rt.WorkerID})
			missed = true
		case !cancelled && last.Start > at+3600:
			events = append(events, rounds.Event{ID: "c", Kind: rounds.EventVisitCancelled, Date: date, At: at - 600, VisitID: last.VisitID})
			cancelled = true
		}
	}
	events, err := rounds.ValidateEvents(req, r, events)
	if err != nil {
		t.Fatal(err)
	}
	s, err := rounds.LiveDay(req, r, date, events, at)
	if err != nil {
		t.Fatal(err)
	}
	live, err := solver.NewLive(ctx, req, r, s, src)
	if err != nil {
		t.Fatal(err)
	}
	options := 0
	for _, ref := range benchmarks.Referrals(req, date, at, 10, 11) {
		d, err := live.Options(ctx, &ref)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range d.Options {
			options++
			got, req1, err := solver.Accept(ctx, req, r, s, &ref, &o, src)
			if err != nil {
				t.Fatalf("referral %s option %d: %v", ref.VisitID, o.Rank, err)
			}
			vs, err := validate.Roster(ctx, req1, got, src, validate.Events(events, at), validate.Published(r))
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range vs {
				t.Errorf("referral %s option %d: %v", ref.VisitID, o.Rank, v)
			}
			if change := got.Totals.Cost - live.Day().Totals.Cost; change != o.CostChange {
				t.Errorf("referral %s option %d: the accepted roster changes the cost by %d, the option said %d", ref.VisitID, o.Rank, change, o.CostChange)
			}
		}
	}
	if options == 0 || late == 0 || !missed || !cancelled {
		t.Errorf("%d options, %d late visits, no access %v, cancelled %v: the test tests too little", options, late, missed, cancelled)
	}
}

// TestDispatchConcurrent: one Live answers referrals from several
// goroutines at once as it answers them one by one.
func TestDispatchConcurrent(t *testing.T) {
	req, r := liveDay(t)
	ctx := context.Background()
	date := r.Routes[0].Date
	at := rounds.At(11, 0)
	s, err := rounds.LiveDay(req, r, date, nil, at)
	if err != nil {
		t.Fatal(err)
	}
	live, err := solver.NewLive(ctx, req, r, s, geo.Haversine{})
	if err != nil {
		t.Fatal(err)
	}
	refs := benchmarks.Referrals(req, date, at, 8, 5)
	want := make([]*rounds.Dispatch, len(refs))
	for i := range refs {
		if want[i], err = live.Options(ctx, &refs[i]); err != nil {
			t.Fatal(err)
		}
	}
	got := make([]*rounds.Dispatch, len(refs))
	var wg sync.WaitGroup
	for i := range refs {
		wg.Go(func() {
			d, err := live.Options(ctx, &refs[i])
			if err != nil {
				t.Error(err)
			}
			got[i] = d
		})
	}
	wg.Wait()
	for i := range refs {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("referral %s: concurrent answer differs", refs[i].VisitID)
		}
	}
}
