package benchmarks

import (
	"fmt"
	"math/rand"
	"slices"

	"github.com/roundsdev/rounds"
)

// referralMix is the rapid-response case mix Referrals draws from: the
// skills a referral needs, how many workers, how long, and how often.
// Falls, chest infections and confusion need a nurse's or a
// practitioner's assessment; after them come wound care, therapists'
// assessments of mobility and equipment, and personal care at home,
// double-handed with a hoist for one in twenty.
var referralMix = []struct {
	skills  []rounds.Skill
	workers int
	minutes int
	weight  int
}{
	{[]rounds.Skill{"assessment"}, 1, 60, 40},
	{[]rounds.Skill{"wound_care"}, 1, 45, 10},
	{[]rounds.Skill{"ot_assessment"}, 1, 60, 12},
	{[]rounds.Skill{"mobility"}, 1, 45, 13},
	{[]rounds.Skill{"personal_care"}, 1, 30, 20},
	{[]rounds.Skill{"personal_care", "hoist"}, 2, 45, 5},
}

// Referrals returns n seeded random rapid-response referrals on the day
// of req at time at, inside the area req's clients live in: seven in ten
// for a new client at an existing client's address moved up to about
// 400 m (one in ten of them asking for a female worker), the rest for an
// existing client of the day; each with a case from the mix whose skills
// some worker on shift has, referred at at with the two-hour deadline.
// The same arguments give the same referrals.
func Referrals(req *rounds.Request, date rounds.Date, at rounds.Clock, n int, seed int64) []rounds.Referral {
	rng := rand.New(rand.NewSource(seed))
	has := func(skills []rounds.Skill) bool {
		return slices.ContainsFunc(req.Workers, func(w rounds.Worker) bool {
			on := slices.ContainsFunc(w.Shifts, func(s rounds.Shift) bool { return s.Date == date })
			return on && !slices.ContainsFunc(skills, func(s rounds.Skill) bool { return !slices.Contains(w.Skills, s) })
		})
	}
	total := 0
	for _, m := range referralMix {
		if has(m.skills) {
			total += m.weight
		}
	}
	var clients []string // clients with a visit on date
	seen := map[string]bool{}
	for _, v := range req.Visits {
		if v.Date == date && !seen[v.ClientID] {
			seen[v.ClientID] = true
			clients = append(clients, v.ClientID)
		}
	}
	byID := map[string]*rounds.Client{}
	for i := range req.Clients {
		byID[req.Clients[i].ID] = &req.Clients[i]
	}
	out := make([]rounds.Referral, n)
	for i := range out {
		pick := rng.Intn(max(total, 1))
		m := referralMix[0]
		for _, c := range referralMix {
			if !has(c.skills) {
				continue
			}
			if pick < c.weight {
				m = c
				break
			}
			pick -= c.weight
		}
		ref := rounds.Referral{VisitID: fmt.Sprintf("rr-%04d", i), Skills: m.skills, WorkersNeeded: m.workers,
			DurationMinutes: m.minutes}
		home := byID[clients[rng.Intn(len(clients))]]
		if rng.Float64() < 0.7 {
			c := &rounds.Client{ID: fmt.Sprintf("rr-client-%04d", i), Network: home.Network, Consent: true,
				Location: rounds.Location{Lat: home.Location.Lat + (rng.Float64()-0.5)*0.007, Lon: home.Location.Lon + (rng.Float64()-0.5)*0.011}}
			if rng.Float64() < 0.1 {
				c.GenderPreference = "female"
			}
			ref.Client = c
		} else {
			ref.ClientID = home.ID
		}
		ref.Date = date
		t := at
		ref.At = &t
		out[i] = ref
	}
	return out
}
