package simulation

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/roundsdev/rounds"
)

// smallFile is a quick run: the small generated team (10 workers), plans
// bounded by iterations so that runs are reproducible.
func smallFile(days, reps int) *File {
	return &File{
		Team:         Team{Size: "small", Seed: 1},
		HorizonDays:  days,
		Replications: reps,
		Seed:         7,
		Solve:        Solve{Iterations: 2000},
	}
}

func run(tb testing.TB, f *File) *Result {
	tb.Helper()
	res, err := Run(context.Background(), f, Options{Parallel: 2})
	if err != nil {
		tb.Fatal(err)
	}
	return res
}

func TestSameSeedSameResult(t *testing.T) {
	f := smallFile(4, 2)
	f.Scenarios = []Scenario{{Name: "more", Demand: DemandChange{Multiplier: 1.2}}}
	a, b := run(t, f), run(t, f)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two runs of the same file and seed differ")
	}
	dispatched := 0
	for _, sc := range a.Scenarios {
		for _, rep := range sc.Replications {
			for _, d := range rep.Days {
				dispatched += d.Dispatched
			}
		}
	}
	if dispatched == 0 {
		t.Error("no referral was dispatched: the runs compared say nothing of dispatch")
	}
	f.Seed++
	c := run(t, f)
	if reflect.DeepEqual(a.Scenarios[0].Replications[0].KPIs, c.Scenarios[0].Replications[0].KPIs) {
		t.Error("another seed gave the same KPIs")
	}
	if reflect.DeepEqual(a.Scenarios[0].Replications[0].KPIs, a.Scenarios[0].Replications[1].KPIs) {
		t.Error("two replications gave the same KPIs")
	}
}

// TestEveryVisitAccountedFor checks the ledger of every day against an
// independent count of what was due: the visits the episodes of every
// referral drawn so far have on the day, and those carried from the day
// before.
func TestEveryVisitAccountedFor(t *testing.T) {
	f := smallFile(6, 2)
	res := run(t, f)
	p, err := f.prepare()
	if err != nil {
		t.Fatal(err)
	}
	for rep, r := range res.Scenarios[0].Replications {
		m := &demandModel{d: &p.demand, homes: p.homes, seed: f.Seed, rep: rep, start: p.start, mult: [2]float64{1, 1}}
		var refs []Referral
		for d := -warmDays; d < 0; d++ {
			refs = append(refs, m.day(d)...)
		}
		rolled := 0
		for d, day := range r.Days {
			refs = append(refs, m.day(d)...)
			date := p.dayOf(d)
			want := 0
			for _, ref := range refs {
				vs, err := ref.Episode.Visits()
				if err != nil {
					t.Fatal(err)
				}
				for _, v := range vs {
					if v.Date == date {
						want++
					}
				}
			}
			l := day.Ledger
			if day.Carried != rolled {
				t.Errorf("rep %d %s: carried %d, the day before rolled over %d", rep, date, day.Carried, rolled)
			}
			if l.Due != want+day.Carried {
				t.Errorf("rep %d %s: due %d, want %d of the episodes and %d carried", rep, date, l.Due, want, day.Carried)
			}
			if l.Made+l.RolledOver+l.Breached+l.Cancelled != l.Due {
				t.Errorf("rep %d %s: %+v does not account for every visit due", rep, date, l)
			}
			if l.Made == 0 || l.Due == 0 {
				t.Errorf("rep %d %s: %+v: nothing due or made", rep, date, l)
			}
			n := 0
			for _, ref := range refs {
				if ref.Day == d {
					n++
				}
			}
			if got := day.Referrals[rounds.RapidResponse] + day.Referrals[rounds.Reablement]; got != n {
				t.Errorf("rep %d %s: %d referrals counted, %d drawn", rep, date, got, n)
			}
			rolled = l.RolledOver
		}
	}
}

// TestMoreDemandLowerCoverage: 30% more referrals to the same team cover
// fewer of the visits due, and the paired interval says so; two more care
// workers do not cover fewer.
func TestMoreDemandLowerCoverage(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 3 scenarios × 5 replications × 10 days")
	}
	f := smallFile(10, 5)
	f.Scenarios = []Scenario{
		{Name: "winter", Demand: DemandChange{Multiplier: 1.3}},
		{Name: "carers", AddWorkers: []AddWorkers{{Role: rounds.CareWorker, Count: 2}}},
	}
	sum := Summarise(run(t, f))
	coverage := func(s Summary) Estimate {
		for _, e := range s.Estimates {
			if e.KPI == Coverage {
				return e
			}
		}
		t.Fatalf("%s has no coverage", s.Scenario)
		return Estimate{}
	}
	winter, carers := coverage(sum[1]), coverage(sum[2])
	if d := winter.Difference; d.High >= 0 {
		t.Errorf("+30%% demand: coverage %+v, difference from the baseline %+v: want an interval below zero", winter.Value, d)
	}
	if d := carers.Difference; d.Mean < 0 || d.High <= 0 {
		t.Errorf("two more care workers: coverage %+v, difference %+v: want no loss", carers.Value, d)
	}
	for _, e := range []Estimate{winter, carers} {
		t.Logf("coverage %.3f, paired difference %+.3f [%+.3f, %+.3f]", e.Value.Mean, e.Difference.Mean, e.Difference.Low, e.Difference.High)
	}
}

func TestScenariosChangeTheTeam(t *testing.T) {
	f := smallFile(1, 1)
	f.Team = Team{Size: "borough", Seed: 1}
	f.Scenarios = []Scenario{
		{Name: "more-carers", AddWorkers: []AddWorkers{{Role: rounds.CareWorker, Count: 2, Network: "HF-N1"}}},
		{Name: "vacant-physio", RemoveWorkers: []RemoveWorkers{{Role: rounds.Physiotherapist, Count: 1}}},
		{Name: "short-sundays", ServiceHours: []ServiceHours{{Weekdays: []string{"Sunday"}, Open: rounds.At(8, 0), Close: rounds.At(18, 0)}}},
		{Name: "walk", TravelModes: []TravelModeChange{{Mode: "walk", Role: rounds.CareWorker}}},
		{Name: "early", Shifts: []ShiftHours{{Role: rounds.Nurse, Start: rounds.At(8, 0), End: rounds.At(14, 0)}}},
		{Name: "north", MoveWorkers: []MoveWorkers{{IDs: []string{"W080"}, Network: "HF-N1"}}},
	}
	p, err := f.prepare()
	if err != nil {
		t.Fatal(err)
	}
	count := func(team []member, role rounds.Role) int {
		n := 0
		for _, m := range team {
			if m.worker.Role == role {
				n++
			}
		}
		return n
	}
	base := p.runs[0]
	if got, want := count(p.runs[1].team, rounds.CareWorker), count(base.team, rounds.CareWorker)+2; got != want {
		t.Errorf("more-carers: %d care workers, want %d", got, want)
	}
	for _, m := range p.runs[1].team[len(base.team):] {
		if m.worker.Network != "HF-N1" || m.worker.Role != rounds.CareWorker || m.week == ([7]*rounds.Shift{}) {
			t.Errorf("added worker %+v: want a care worker of HF-N1 with shifts", m.worker)
		}
	}
	if got, want := count(p.runs[2].team, rounds.Physiotherapist), count(base.team, rounds.Physiotherapist)-1; got != want {
		t.Errorf("vacant-physio: %d physiotherapists, want %d", got, want)
	}
	if h := p.runs[3].hours; h[6].End != rounds.At(18, 0) || h[5] != rounds.ServiceHours {
		t.Errorf("short-sundays: hours %v", h)
	}
	for _, m := range p.runs[4].team {
		if m.worker.Role == rounds.CareWorker && m.worker.TravelMode != "walk" {
			t.Fatalf("walk: care worker %s travels by %s", m.worker.ID, m.worker.TravelMode)
		}
	}
	for _, m := range p.runs[5].team {
		for _, s := range m.week {
			if m.worker.Role == rounds.Nurse && s != nil && (s.Start != rounds.At(8, 0) || s.End != rounds.At(14, 0)) {
				t.Fatalf("early: nurse %s works %s-%s", m.worker.ID, s.Start, s.End)
			}
		}
	}
	for _, m := range p.runs[6].team {
		if m.worker.ID == "W080" && (m.worker.Network != "HF-N1" || m.worker.End != nil) {
			t.Errorf("north: W080 is in %s, ends at %v", m.worker.Network, m.worker.End)
		}
	}
	// Shifts and windows are cut to the Sunday hours in the day's request.
	r := &replication{plan: p, run: p.runs[3]}
	sunday := 6 // 2025-12-01 is a Monday
	req := r.request(sunday, p.runs[3].hours[6], []rounds.Visit{{ID: "v", ClientID: "c", Date: p.dayOf(sunday), DurationMinutes: 30,
		Windows: []rounds.Window{{Start: rounds.At(18, 0), End: rounds.At(19, 30)}}, Priority: rounds.Reablement}})
	for _, w := range req.Workers {
		if w.Shifts[0].End > rounds.At(18, 0) {
			t.Fatalf("worker %s works until %s on a Sunday closing at 18:00", w.ID, w.Shifts[0].End)
		}
	}
	if got := req.Visits[0].Windows; len(got) != 1 || got[0] != (rounds.Window{Start: rounds.At(8, 0), End: rounds.At(17, 30)}) {
		t.Errorf("an evening visit on a short Sunday has windows %v, want 08:00-17:30, to finish by 18:00", got)
	}
}

func TestBadFilesNameTheField(t *testing.T) {
	tooMuch := int64(rounds.MaxCarePenalty + 1)
	cases := []struct {
		name  string
		edit  func(f *File)
		field string
		value string
	}{
		{"horizon over a year", func(f *File) { f.HorizonDays = 366 }, "horizonDays", "366"},
		{"no horizon", func(f *File) { f.HorizonDays = 0 }, "horizonDays", "0"},
		{"too many replications", func(f *File) { f.Replications = MaxReplications + 1 }, "replications", "101"},
		{"unknown worker", func(f *File) {
			f.Scenarios = []Scenario{{Name: "s", RemoveWorkers: []RemoveWorkers{{IDs: []string{"W001", "W999"}}}}}
		}, "scenarios[0].removeWorkers[0].ids[1]", "W999"},
		{"unknown role", func(f *File) {
			f.Scenarios = []Scenario{{Name: "s", AddWorkers: []AddWorkers{{Role: "surgeon", Count: 1}}}}
		}, "scenarios[0].addWorkers[0].role", "surgeon"},
		{"unknown network", func(f *File) {
			f.Scenarios = []Scenario{{Name: "s", AddWorkers: []AddWorkers{{Role: rounds.CareWorker, Count: 2, Network: "XX-N9"}}}}
		}, "scenarios[0].addWorkers[0].network", "XX-N9"},
		{"move to an unknown network", func(f *File) {
			f.Scenarios = []Scenario{{Name: "s", MoveWorkers: []MoveWorkers{{IDs: []string{"W001"}, Network: "North"}}}}
		}, "scenarios[0].moveWorkers[0].network", "North"},
		{"move an unknown worker", func(f *File) {
			f.Scenarios = []Scenario{{Name: "s", MoveWorkers: []MoveWorkers{{IDs: []string{"W001", "W404"}, Network: "HF-N1"}}}}
		}, "scenarios[0].moveWorkers[0].ids[1]", "W404"},
		{"remove more than there are", func(f *File) {
			f.Scenarios = []Scenario{{Name: "s", RemoveWorkers: []RemoveWorkers{{Role: rounds.Matron, Count: 40}}}}
		}, "scenarios[0].removeWorkers[0].count", "40"},
		{"negative rate", func(f *File) {
			d := DefaultDemand(10)
			d.ReferralsPerDay[2] = -1
			f.Demand = &d
		}, "demand.referralsPerDay[2]", "-1"},
		{"negative multiplier", func(f *File) {
			f.Scenarios = []Scenario{{Name: "s", Demand: DemandChange{Reablement: -0.5}}}
		}, "scenarios[0].demand.reablement", "-0.5"},
		{"reablement too long", func(f *File) {
			d := DefaultDemand(10)
			d.Reablement.Lengths[0].Days = 43
			f.Demand = &d
		}, "demand.reablement.lengths[0].days", "43"},
		{"professional days out of order", func(f *File) {
			d := DefaultDemand(10)
			d.Reablement.ProfessionalVisits[2].Days = []int{2, 5, 4}
			f.Demand = &d
		}, "demand.reablement.professionalVisits[2].days[2]", "4"},
		{"unknown borough", func(f *File) {
			d := DefaultDemand(10)
			d.Boroughs = []string{"Atlantis"}
			f.Demand = &d
		}, "demand.boroughs[0]", "Atlantis"},
		{"unknown weekday", func(f *File) {
			f.Scenarios = []Scenario{{Name: "s", ServiceHours: []ServiceHours{{Weekdays: []string{"Funday"}, Open: rounds.At(8, 0), Close: rounds.At(18, 0)}}}}
		}, "scenarios[0].serviceHours[0].weekdays[0]", "Funday"},
		{"weight too heavy", func(f *File) {
			f.Scenarios = []Scenario{{Name: "s", Weights: &Weights{ContinuityPenalty: &tooMuch}}}
		}, "scenarios[0].weights.continuityPenalty", "50001"},
		{"baseline named again", func(f *File) { f.Scenarios = []Scenario{{Name: Baseline}} }, "scenarios[0].name", Baseline},
		{"unknown travel mode", func(f *File) {
			f.Scenarios = []Scenario{{Name: "s", TravelModes: []TravelModeChange{{Mode: "bike"}}}}
		}, "scenarios[0].travelModes[0].mode", "bike"},
		{"unknown size", func(f *File) { f.Team.Size = "huge" }, "team.size", "huge"},
		{"bad staff", func(f *File) {
			f.Team = Team{Staff: []rounds.Worker{{ID: "a", Role: "surgeon", TravelMode: "drive", Start: rounds.Location{Lat: 51.5, Lon: -0.2}}}}
		}, "team.staff[0].role", "surgeon"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := smallFile(7, 2)
			c.edit(f)
			days := 0
			_, err := Run(context.Background(), f, Options{Progress: func(int, int) { days++ }})
			var e *rounds.Error
			if !errors.As(err, &e) || e.Code != rounds.EINVALID {
				t.Fatalf("err = %v, want EINVALID", err)
			}
			if e.Field != c.field || !strings.Contains(e.Error(), c.value) {
				t.Errorf("err = %v (field %q), want field %q and value %q", err, e.Field, c.field, c.value)
			}
			if days != 0 {
				t.Errorf("%d days simulated before the error", days)
			}
		})
	}
}

// TestStaffListWorksEveryDay: a listed team whose shifts fall on one date
// works them every day of the horizon.
func TestStaffListWorksEveryDay(t *testing.T) {
	home := rounds.Location{Lat: 51.4927, Lon: -0.2240}
	shift := []rounds.Shift{{Date: "2026-03-02", Start: rounds.At(8, 0), End: rounds.At(16, 0)}}
	f := smallFile(3, 1)
	f.Team = Team{Staff: []rounds.Worker{
		{ID: "n1", Role: rounds.Nurse, Skills: []rounds.Skill{"assessment", "medication", "wound_care", "mobility"}, TravelMode: "drive", Start: home, Shifts: shift},
		{ID: "c1", Role: rounds.CareWorker, Skills: []rounds.Skill{"personal_care", "meal_support", "medication_prompt", "hoist"}, TravelMode: "walk", Start: home, Shifts: shift},
		{ID: "c2", Role: rounds.CareWorker, Skills: []rounds.Skill{"personal_care", "meal_support", "medication_prompt", "hoist"}, TravelMode: "drive", Start: home, Shifts: shift},
	}}
	d := DefaultDemand(20)
	f.Demand = &d
	res := run(t, f)
	for _, day := range res.Scenarios[0].Replications[0].Days {
		if day.Ledger.Made == 0 {
			t.Errorf("%s: nothing made by a team that works every day: %+v", day.Date, day.Ledger)
		}
	}
	if u := res.Scenarios[0].Replications[0].KPIs[UtilisationPrefix+string(rounds.CareWorker)]; u <= 0 || u > 1.2 {
		t.Errorf("care workers' utilisation %.2f", u)
	}
}

func TestReadFileRefusesUnknownFields(t *testing.T) {
	_, err := ReadFile(strings.NewReader(`{"team": {"size": "small"}, "horizonDays": 7, "replications": 1, "scenarios": [{"name": "a", "adWorkers": []}]}`))
	if err == nil || !strings.Contains(err.Error(), "adWorkers") {
		t.Fatalf("err = %v, want it to name adWorkers", err)
	}
}
