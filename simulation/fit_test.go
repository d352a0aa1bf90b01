package simulation

import (
	"math"
	"testing"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/fixtures"
)

// TestFitRecoversTheDemand draws 16 weeks of referrals from a known
// demand and fits it back from the episodes and visits.
func TestFitRecoversTheDemand(t *testing.T) {
	want := DefaultDemand(80)
	want.ReferralsPerDay = [7]float64{20, 18, 16, 16, 18, 8, 6}
	want.RapidResponseShare = 0.4
	want.DoubleHandedShare = 0.25
	want.Reablement.ProfessionalVisits = want.Reablement.ProfessionalVisits[:1] // OT assessments on day 1
	homes, err := fixtures.NewHomes(nil)
	if err != nil {
		t.Fatal(err)
	}
	start := rounds.Date("2026-01-05")
	m := &demandModel{d: &want, homes: homes, seed: 3, start: start, mult: [2]float64{1, 1}}
	var episodes []rounds.Episode
	var visits []rounds.Visit
	const days = 16 * 7
	for d := range days {
		for _, ref := range m.day(d) {
			episodes = append(episodes, ref.Episode)
			vs, err := ref.Episode.Visits()
			if err != nil {
				t.Fatal(err)
			}
			visits = append(visits, vs...)
		}
	}
	// Referrals arrive over [start, start+days-1]; episodes start up to a
	// day later, so fit the episodes that start on days 1 to days-1.
	got, err := Fit(episodes, visits, start.AddDays(1), start.AddDays(days-1), 80)
	if err != nil {
		t.Fatal(err)
	}
	for wd, rate := range want.ReferralsPerDay {
		// 16 weeks of Poisson counts: within 4 standard errors.
		if se := math.Sqrt(rate / 16); math.Abs(got.ReferralsPerDay[wd]-rate) > 4*se {
			t.Errorf("referralsPerDay[%d] = %.2f, want %.2f ± %.2f", wd, got.ReferralsPerDay[wd], rate, 4*se)
		}
	}
	if math.Abs(got.RapidResponseShare-0.4) > 0.05 {
		t.Errorf("rapidResponseShare = %.3f, want 0.4", got.RapidResponseShare)
	}
	if math.Abs(got.DoubleHandedShare-0.25) > 0.06 {
		t.Errorf("doubleHandedShare = %.3f, want 0.25", got.DoubleHandedShare)
	}
	if math.Abs(got.Reablement.Minutes.Mean-want.Reablement.Minutes.Mean) > 2 {
		t.Errorf("reablement minutes %+v, want a mean near %v", got.Reablement.Minutes, want.Reablement.Minutes.Mean)
	}
	share := map[int]float64{}
	for _, l := range got.RapidResponse.Lengths {
		share[l.Days] = l.Share
	}
	for _, l := range want.RapidResponse.Lengths {
		if math.Abs(share[l.Days]-l.Share) > 0.06 {
			t.Errorf("rapid response lasting %d days: share %.3f, want %.2f", l.Days, share[l.Days], l.Share)
		}
	}
	skills := map[string]float64{}
	for _, s := range got.Reablement.Skills {
		skills[joinSkills(s.Skills)] = s.Share
	}
	if s := skills["personal_care"]; math.Abs(s-0.45) > 0.06 {
		t.Errorf("reablement visits needing personal care alone: %.3f, want 0.45 (%v)", s, skills)
	}
	if s := skills["ot_assessment"]; s <= 0 || s > 0.02 {
		t.Errorf("reablement visits of an OT assessment: %.4f, want a small positive share", s)
	}
	if got.Reablement.ProfessionalVisits != nil {
		t.Errorf("fitted professional visits %v, want them in the skill mix", got.Reablement.ProfessionalVisits)
	}
	if _, ok := skills["hoist"]; ok {
		t.Errorf("hoist fitted as a skill set of its own: %v", skills)
	}
}

func TestFitNamesWhatIsMissing(t *testing.T) {
	if _, err := Fit(nil, nil, "2026-01-05", "2026-01-01", 10); err == nil || !contains(err, "to") {
		t.Errorf("reversed range: err = %v", err)
	}
	if _, err := Fit(nil, nil, "2026-01-01", "2026-01-31", 10); err == nil || !contains(err, "episodes") {
		t.Errorf("no episodes: err = %v", err)
	}
}

func contains(err error, field string) bool {
	e, ok := err.(*rounds.Error)
	return ok && e.Field == field
}

func TestMeanInterval(t *testing.T) {
	// Five values of mean 3 and standard deviation 1.5811: t(0.975, 4) =
	// 2.7764, so the half-width is 2.7764 × 1.5811 / √5 = 1.9632.
	iv := MeanInterval([]float64{1, 2, 3, 4, 5})
	if iv.Mean != 3 || math.Abs(iv.High-3-1.9632) > 1e-3 || math.Abs(3-iv.Low-1.9632) > 1e-3 || iv.N != 5 {
		t.Errorf("MeanInterval = %+v, want 3 ± 1.9632", iv)
	}
	if one := MeanInterval([]float64{2}); one.Low != 2 || one.High != 2 {
		t.Errorf("one value: %+v", one)
	}
	if !iv.Excludes(5.5) || iv.Excludes(2) {
		t.Errorf("%+v: Excludes is wrong", iv)
	}
}
