package simulation

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/fixtures"
)

// Referral is one referral the demand model draws: a new client and the
// episode of care they are referred for, its pattern set.
type Referral struct {
	// Day is the horizon day it arrives on: 0 is the first simulated day;
	// a referral of a negative day arrived before and its episode is
	// under way when the simulation starts.
	Day int
	// At is when it arrived.
	At      rounds.Clock
	Client  rounds.Client
	Episode rounds.Episode
}

// warmDays is how many days before the horizon referrals are drawn, so
// that the first simulated day already has a steady caseload: the longest
// episode.
const warmDays = rounds.MaxReablementDays

// pathways are the two pathways, in the order of their streams.
var pathways = [2]rounds.Priority{rounds.RapidResponse, rounds.Reablement}

// demandModel draws the referrals of one replication. Two models with the
// same seed, replication and demand but different multipliers draw the
// same referrals as far as the smaller rate goes: common random numbers.
type demandModel struct {
	d     *Demand
	homes *fixtures.Homes
	seed  int64
	rep   int
	start rounds.Date // day 0
	mult  [2]float64  // per pathway
}

// Keys that separate the random streams of one replication.
const (
	keyArrivals = iota + 1
	keyReferral
	keyVisit
	keyTravel
	keySolve
)

// stream returns a generator of its own for one thing a replication
// draws, named by keys: the same keys give the same numbers in every
// scenario.
func stream(seed int64, keys ...uint64) *rand.Rand {
	h := uint64(0x9e3779b97f4a7c15)
	for _, k := range keys {
		h = mix(h ^ k)
	}
	return rand.New(rand.NewPCG(uint64(seed), h))
}

// mix is the splitmix64 finaliser.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// hashOf hashes a name (a visit id) into a stream key.
func hashOf(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// day returns the referrals arriving on horizon day d, rapid response
// first. The arrivals of a pathway are the points of one unit-rate Poisson
// process over [0, rate) (exponential gaps, distuv.Exponential), so a
// higher rate only adds referrals after the ones a lower rate draws; the
// k-th referral draws from a stream of its own. It takes O(referrals).
func (m *demandModel) day(d int) []Referral {
	date := m.start.AddDays(d)
	t, _ := date.Time()
	wd := (int(t.Weekday()) + 6) % 7 // Monday first
	var out []Referral
	for pi, p := range pathways {
		share := m.d.RapidResponseShare
		if p == rounds.Reablement {
			share = 1 - share
		}
		rate := m.d.ReferralsPerDay[wd] * share * m.mult[pi]
		rng := stream(m.seed, keyArrivals, uint64(m.rep), uint64(d+warmDays), uint64(pi))
		gap := distuv.Exponential{Rate: 1, Src: rng}
		n := 0
		for at := gap.Rand(); at < rate; at += gap.Rand() {
			n++
		}
		for k := range n {
			out = append(out, m.referral(d, pi, k))
		}
	}
	return out
}

// referral draws the k-th referral of pathway pi on day d.
func (m *demandModel) referral(d, pi, k int) Referral {
	rng := stream(m.seed, keyReferral, uint64(m.rep), uint64(d+warmDays), uint64(pi), uint64(k))
	prefix := []string{"rr", "re"}[pi]
	id := fmt.Sprintf("%s%03d-%d", prefix, d+warmDays, k+1)
	c := m.homes.Client(rng)
	c.ID = "c-" + id
	h := m.d.ReferralHours
	at := h.Start + rounds.Clock(rng.Float64()*float64(h.End-h.Start))
	at -= at % 60
	path := &m.d.RapidResponse
	if pathways[pi] == rounds.Reablement {
		path = &m.d.Reablement
	}
	days := path.Lengths[categorical(rng, len(path.Lengths), func(i int) float64 { return path.Lengths[i].Share })].Days
	e := rounds.Episode{ID: id, ClientID: c.ID, Pathway: pathways[pi]}
	first := m.start.AddDays(d)
	if e.Pathway == rounds.RapidResponse {
		e.Pattern = rounds.RapidResponsePattern(days, at)
	} else {
		first = first.AddDays(1) // reablement starts the day after the referral
		e.Pattern = rounds.ReablementTaper(days)
	}
	e.Start, e.End = first, first.AddDays(days-1)
	m.shape(rng, path, &e)
	for i, pv := range path.ProfessionalVisits {
		if rng.Float64() >= pv.Share {
			continue
		}
		call := rounds.Call{Name: fmt.Sprintf("pro%d", i+1), DurationMinutes: pv.Minutes, Skills: slices.Clone(pv.Skills),
			Windows: []rounds.Window{pv.Window}}
		for _, day := range pv.Days {
			if day <= days {
				e.Pattern = append(e.Pattern, rounds.PatternStep{FromDay: day, ToDay: day, Calls: []rounds.Call{call}})
			}
		}
	}
	return Referral{Day: d, At: at, Client: c, Episode: e}
}

// shape draws each call of the episode's pattern a length and skills, the
// same on every day it is made, and makes the morning and evening calls
// of a double-handed reablement client need two workers and a hoist. The
// rapid-response assessment keeps its skill.
func (m *demandModel) shape(rng *rand.Rand, path *Pathway, e *rounds.Episode) {
	double := e.Pathway == rounds.Reablement && rng.Float64() < m.d.DoubleHandedShare
	type drawn struct {
		minutes int
		skills  []rounds.Skill
	}
	calls := map[string]drawn{}
	for si := range e.Pattern {
		for ci := range e.Pattern[si].Calls {
			c := &e.Pattern[si].Calls[ci]
			got, ok := calls[c.Name]
			if !ok {
				got.minutes = visitMinutes(rng, path.Minutes)
				mi := categorical(rng, len(path.Skills), func(i int) float64 { return path.Skills[i].Share })
				got.skills = slices.Clone(path.Skills[mi].Skills)
				calls[c.Name] = got
			}
			c.DurationMinutes = got.minutes
			if c.ReferredAt == nil { // the assessment keeps its own skill
				c.Skills = slices.Clone(got.skills)
			}
			if double && (c.Name == "morning" || c.Name == "evening") {
				c.WorkersNeeded = 2
				if !slices.Contains(c.Skills, "hoist") {
					c.Skills = append(c.Skills, "hoist")
				}
			}
		}
	}
}

// visitMinutes draws a planned visit length: log-normal with the mean and
// standard deviation of m, rounded to 5 minutes, within 10 to 240.
func visitMinutes(rng *rand.Rand, m Minutes) int {
	x := m.Mean
	if m.SD > 0 {
		s2 := math.Log(1 + m.SD*m.SD/(m.Mean*m.Mean))
		x = distuv.LogNormal{Mu: math.Log(m.Mean) - s2/2, Sigma: math.Sqrt(s2), Src: rng}.Rand()
	}
	return min(maxVisitMinutes, max(minVisitMinutes, 5*int(math.Round(x/5))))
}

// categorical draws an index in [0, n) with probability proportional to
// weight(i) (distuv.Categorical); the weights must not all be zero.
func categorical(rng *rand.Rand, n int, weight func(int) float64) int {
	w := make([]float64, n)
	for i := range w {
		w[i] = weight(i)
	}
	return int(distuv.NewCategorical(w, rng).Rand())
}
