package solver

import (
	"context"
	"testing"
	"time"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/fixtures"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/validate"
)

// rulesRequest returns a day with a double-handed hoist transfer, two
// medication prompts linked 3-6 hours apart and a visit with a soft end.
func rulesRequest(tolerance int) *rounds.Request {
	home := rounds.Location{Lat: 51.49, Lon: -0.22}
	at := func(i int) rounds.Location {
		return rounds.Location{Lat: 51.49 + 0.004*float64(i), Lon: -0.22 + 0.005*float64(i%3)}
	}
	shift := []rounds.Shift{{Date: "2025-12-01", Start: rounds.At(8, 0), End: rounds.At(18, 0)}}
	worker := func(id string, skills ...rounds.Skill) rounds.Worker {
		return rounds.Worker{ID: id, Role: rounds.CareWorker, Skills: skills, Start: home, TravelMode: geo.Drive, Shifts: shift}
	}
	visit := func(id, client string, start, end rounds.Clock) rounds.Visit {
		return rounds.Visit{ID: id, ClientID: client, Date: "2025-12-01", DurationMinutes: 30, Priority: rounds.Reablement,
			Windows: []rounds.Window{{Start: start, End: end}}}
	}
	hoist := visit("hoist", "c1", rounds.At(9, 0), rounds.At(10, 0))
	hoist.WorkersNeeded, hoist.Skills = 2, []rounds.Skill{"hoist"}
	morning := visit("morning-meds", "c2", rounds.At(8, 30), rounds.At(9, 30))
	lunch := visit("lunch-meds", "c2", rounds.At(11, 0), rounds.At(15, 0))
	lunch.Links = []rounds.Link{{VisitID: "morning-meds", MinGapMinutes: 240, MaxGapMinutes: 360}}
	soft := visit("soft", "c3", rounds.At(9, 0), rounds.At(12, 0))
	soft.SoftEnd, soft.LatenessCost = clock("09:30"), 5
	return &rounds.Request{
		Workers: []rounds.Worker{worker("a", "hoist"), worker("b", "hoist"), worker("c")},
		Clients: []rounds.Client{{ID: "c1", Location: at(1)}, {ID: "c2", Location: at(2)}, {ID: "c3", Location: at(3)}, {ID: "c4", Location: at(4)}},
		Visits: []rounds.Visit{hoist, morning, lunch, soft,
			visit("other", "c4", rounds.At(9, 0), rounds.At(9, 20)), visit("more", "c1", rounds.At(8, 0), rounds.At(17, 0))},
		Options: rounds.Options{Iterations: 300, Seed: 1, Threads: 1, SyncToleranceMinutes: tolerance},
	}
}

func TestPlanHonoursDoubleHandedLinksAndSoftEnds(t *testing.T) {
	for _, tol := range []int{0, 5} {
		t.Run(time.Duration(tol*int(time.Minute)).String(), func(t *testing.T) {
			req := rulesRequest(tol)
			ro, err := (&Planner{Source: flatSource{}}).Plan(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			assertValid(t, req, ro, flatSource{})
			starts := map[string][]rounds.Clock{}
			workers := map[string][]string{}
			for _, rt := range ro.Routes {
				for _, st := range rt.Stops {
					starts[st.VisitID] = append(starts[st.VisitID], st.Start)
					workers[st.VisitID] = append(workers[st.VisitID], rt.WorkerID)
				}
			}
			if h := starts["hoist"]; len(h) != 2 || workers["hoist"][0] == workers["hoist"][1] || h[0]-h[1] > rounds.Clock(tol*60) || h[1]-h[0] > rounds.Clock(tol*60) {
				t.Errorf("hoist made at %v by %v, want two workers starting together", h, workers["hoist"])
			}
			gap := starts["lunch-meds"][0] - starts["morning-meds"][0]
			if gap < rounds.Clock(240*60) || gap > rounds.Clock(360*60) {
				t.Errorf("lunch medication %s after the morning's, want 4-6 hours", gap)
			}
			if s := starts["soft"][0]; s > *clock("09:30") {
				t.Errorf("soft-ended visit starts at %s, want by 09:30 (it easily can)", s)
			}
			if ro.Totals.Assigned != len(req.Visits) || ro.Totals.Visits != len(req.Visits) || len(ro.Unassigned) != 0 {
				t.Errorf("totals %+v, unassigned %v: want all %d visits assigned, each counted once", ro.Totals, ro.Unassigned, len(req.Visits))
			}
		})
	}
}

func TestPlanLeavesADoubleHandedVisitWithOneQualifiedWorker(t *testing.T) {
	req := rulesRequest(0)
	req.Workers[1].Skills = nil
	ro, err := (&Planner{Source: flatSource{}}).Plan(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	assertValid(t, req, ro, flatSource{})
	if len(ro.Unassigned) != 1 || ro.Unassigned[0].VisitID != "hoist" || ro.Totals.Unassigned != 1 {
		t.Fatalf("unassigned %+v, want the hoist visit alone, listed once", ro.Unassigned)
	}
}

// TestPlanGeneratedDayWithCareRules plans a generated borough day where a
// tenth of reablement clients need two workers and medication prompts are
// linked, and checks the roster with the independent validator.
func TestPlanGeneratedDayWithCareRules(t *testing.T) {
	cfg := fixtures.Small
	cfg.Seed = 5
	cfg.DoubleHanded = 0.1
	cfg.LinkedMedication = true
	req, err := fixtures.Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	double, linked := 0, 0
	for _, v := range req.Visits {
		if v.Workers() == 2 {
			double++
		}
		linked += len(v.Links)
	}
	if double == 0 || linked == 0 {
		t.Fatalf("generated %d double-handed and %d linked visits; want some of each", double, linked)
	}
	req.Options.Iterations = 300
	req.Options.Seed = 5
	ro, err := (&Planner{Source: geo.Haversine{}}).Plan(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	assertValid(t, req, ro, geo.Haversine{})
	if ro.Totals.Assigned < len(req.Visits)*8/10 {
		t.Errorf("%d of %d visits assigned", ro.Totals.Assigned, len(req.Visits))
	}
}

func assertValid(tb testing.TB, req *rounds.Request, ro *rounds.Roster, src geo.Source) {
	tb.Helper()
	viol, err := validate.Roster(context.Background(), req, ro, src,
		validate.SyncTolerance(time.Duration(req.Options.SyncToleranceMinutes)*time.Minute))
	if err != nil {
		tb.Fatal(err)
	}
	for _, v := range viol {
		tb.Errorf("%s", v)
	}
}

// TestPlanMultiDayRequestWithPreferences plans a generated small team
// over three days whose clients have preferred workers, checks the roster
// with the independent validator, and checks that the preference cost
// raises the share of visits made by a preferred worker.
func TestPlanMultiDayRequestWithPreferences(t *testing.T) {
	cfg := fixtures.Small
	cfg.Seed, cfg.Days, cfg.Preferences = 3, 3, true
	req, err := fixtures.Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	req.Options.Iterations, req.Options.Seed, req.Options.Threads = 300, 3, 1
	plan := func(penalty int64) *rounds.Roster {
		r := *req
		r.Options.PreferenceMissPenalty = penalty
		ro, err := (&Planner{Source: geo.Haversine{}}).Plan(context.Background(), &r)
		if err != nil {
			t.Fatal(err)
		}
		assertValid(t, &r, ro, geo.Haversine{})
		return ro
	}
	with, without := plan(0), plan(-1)
	if without.Totals.Score[rounds.ScorePreference] != 0 || with.Totals.Score[rounds.ScorePreference] == 0 {
		t.Errorf("preference score %d with the cost, %d without; want some, none",
			with.Totals.Score[rounds.ScorePreference], without.Totals.Score[rounds.ScorePreference])
	}
	if with.Totals.PreferredShare <= without.Totals.PreferredShare {
		t.Errorf("preferred share %.2f with the cost, %.2f without; want higher with it",
			with.Totals.PreferredShare, without.Totals.PreferredShare)
	}
	if len(with.Continuity) == 0 || with.Totals.MeanDistinctWorkers < 1 {
		t.Errorf("continuity %v, mean distinct workers %.2f; want a figure per client", with.Continuity, with.Totals.MeanDistinctWorkers)
	}
	var sum int64
	for _, n := range with.Totals.Score {
		sum += n
	}
	if sum != with.Totals.Cost {
		t.Errorf("score %v sums to %d, cost %d", with.Totals.Score, sum, with.Totals.Cost)
	}
}
