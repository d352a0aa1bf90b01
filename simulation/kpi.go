package simulation

import (
	"math"
	"slices"
	"strings"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/roundsdev/rounds"
)

// The KPI names of a replication. Utilisation has one KPI per role
// (UtilisationPrefix + role) and unmet hours one per skill
// (UnmetHoursPrefix + skill, "none" for visits needing no skill).
const (
	// Coverage is the share of the visits due, less the cancelled ones,
	// that were made.
	Coverage = "coverage"
	// RapidResponseWithin2h is the share of the rapid-response referrals
	// of the horizon (not cancelled) assessed within two hours.
	RapidResponseWithin2h = "rapid_response_within_2h"
	// TravelShare is the share of the working time (travel and visits)
	// spent travelling.
	TravelShare = "travel_share"
	// OvertimeHours sums the hours workers came home after their shift
	// over the horizon.
	OvertimeHours = "overtime_hours"
	// Continuity is the mean number of different workers a client saw in
	// an episode, over the episodes with two or more visits made in the
	// horizon (both workers of a double-handed visit count).
	Continuity = "continuity"
	// UtilisationPrefix starts the KPI of a role's working time (travel
	// and visits) over its time on shift.
	UtilisationPrefix = "utilisation."
	// UnmetHoursPrefix starts the KPI of the hours of visits (per worker
	// needed) due and not made, summed over the days, by skill.
	UnmetHoursPrefix = "unmet_hours."
)

// tally adds up one replication's KPIs day by day.
type tally struct {
	due, made                  int
	rrDue, rrIn2h              int
	travel, visiting, overtime int
	worked, shift              map[rounds.Role]int
	seen                       map[string]map[string]bool // episode -> workers
	madeBy                     map[string]int             // episode -> visits made
	unmetMinutes               map[rounds.Skill]int
}

func newTally() *tally {
	return &tally{worked: map[rounds.Role]int{}, shift: map[rounds.Role]int{}, seen: map[string]map[string]bool{},
		madeBy: map[string]int{}, unmetMinutes: map[rounds.Skill]int{}}
}

// visit counts a visit due on the day.
func (t *tally) visit(v *rounds.Visit, m made, isMade, cancelled bool, episode string) {
	if cancelled {
		return
	}
	t.due++
	assessment := v.Priority == rounds.RapidResponse && v.ReferredAt != nil
	if assessment {
		t.rrDue++
	}
	if !isMade {
		need := v.DurationMinutes * v.Workers()
		if len(v.Skills) == 0 {
			t.unmetMinutes["none"] += need
		}
		for _, s := range v.Skills {
			t.unmetMinutes[s] += need
		}
		return
	}
	t.made++
	if latest, ok := v.LatestStart(); assessment && ok && m.start <= latest {
		t.rrIn2h++
	}
	if episode == "" {
		return
	}
	if t.seen[episode] == nil {
		t.seen[episode] = map[string]bool{}
	}
	for _, w := range m.workers {
		t.seen[episode][w] = true
	}
	t.madeBy[episode]++
}

// day counts a day's rounds.
func (t *tally) day(ran *dayRun) {
	t.travel += ran.travelSeconds
	t.visiting += ran.visitSeconds
	t.overtime += ran.overtimeSeconds
	for role, s := range ran.workedSeconds {
		t.worked[role] += s
	}
	for role, s := range ran.shiftSeconds {
		t.shift[role] += s
	}
}

// kpis returns the replication's KPIs. A ratio with nothing to divide is
// 0; every role has a utilisation, and every skill with unmet hours its
// KPI.
func (t *tally) kpis() map[string]float64 {
	ratio := func(a, b int) float64 {
		if b == 0 {
			return 0
		}
		return float64(a) / float64(b)
	}
	k := map[string]float64{
		Coverage:              ratio(t.made, t.due),
		RapidResponseWithin2h: ratio(t.rrIn2h, t.rrDue),
		TravelShare:           ratio(t.travel, t.travel+t.visiting),
		OvertimeHours:         float64(t.overtime) / 3600,
	}
	sum, n := 0, 0
	for e, ws := range t.seen {
		if t.madeBy[e] >= 2 {
			sum += len(ws)
			n++
		}
	}
	k[Continuity] = ratio(sum, n)
	for _, role := range rounds.Roles {
		k[UtilisationPrefix+string(role)] = ratio(t.worked[role], t.shift[role])
	}
	for s, m := range t.unmetMinutes {
		k[UnmetHoursPrefix+string(s)] = float64(m) / 60
	}
	return k
}

// KPINames returns the names of the KPIs of the given sets, in the order
// a report lists them: the fixed ones, utilisation by role in the order
// of rounds.Roles, then unmet hours by skill in alphabetical order.
func KPINames(sets ...map[string]float64) []string {
	names := []string{Coverage, RapidResponseWithin2h, TravelShare, OvertimeHours, Continuity}
	for _, role := range rounds.Roles {
		names = append(names, UtilisationPrefix+string(role))
	}
	var unmet []string
	for _, s := range sets {
		for name := range s {
			if strings.HasPrefix(name, UnmetHoursPrefix) && !slices.Contains(unmet, name) {
				unmet = append(unmet, name)
			}
		}
	}
	slices.Sort(unmet)
	return append(names, unmet...)
}

// Interval is an estimate of a mean with its 95% confidence interval, the
// Student's t interval over N values: Mean ± t(0.975, N-1)·s/√N. With one
// value the interval is the value itself (no spread to estimate).
type Interval struct {
	Mean float64 `json:"mean"`
	Low  float64 `json:"low"`
	High float64 `json:"high"`
	N    int     `json:"n"`
}

// Confidence is the level of the intervals.
const Confidence = 0.95

// MeanInterval returns the mean of xs and its confidence interval.
func MeanInterval(xs []float64) Interval {
	n := len(xs)
	if n == 0 {
		return Interval{}
	}
	mean, sd := stat.MeanStdDev(xs, nil)
	if n == 1 {
		return Interval{Mean: mean, Low: mean, High: mean, N: 1}
	}
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 1)}.Quantile(1 - (1-Confidence)/2)
	half := t * sd / math.Sqrt(float64(n))
	return Interval{Mean: mean, Low: mean - half, High: mean + half, N: n}
}

// Excludes reports whether the interval lies wholly on one side of x. An
// interval of one value excludes every other value: it says nothing of
// the spread.
func (iv Interval) Excludes(x float64) bool { return iv.Low > x || iv.High < x }

// Estimate is one KPI of a scenario: its mean over the replications and,
// for a scenario other than the baseline, its paired difference from the
// baseline (scenario minus baseline, replication by replication).
type Estimate struct {
	KPI        string    `json:"kpi"`
	Value      Interval  `json:"value"`
	Difference *Interval `json:"difference,omitempty"`
}

// Summary is a scenario's estimates, in the order of KPINames.
type Summary struct {
	Scenario  string     `json:"scenario"`
	Estimates []Estimate `json:"estimates"`
}

// Summarise returns the estimates of every scenario of res, the baseline
// first. A KPI a replication lacks (unmet hours of a skill that was always
// met) counts as 0.
func Summarise(res *Result) []Summary {
	var sets []map[string]float64
	for _, sc := range res.Scenarios {
		for _, rep := range sc.Replications {
			sets = append(sets, rep.KPIs)
		}
	}
	names := KPINames(sets...)
	var out []Summary
	for si, sc := range res.Scenarios {
		s := Summary{Scenario: sc.Name}
		for _, name := range names {
			xs := make([]float64, len(sc.Replications))
			for i, rep := range sc.Replications {
				xs[i] = rep.KPIs[name]
			}
			e := Estimate{KPI: name, Value: MeanInterval(xs)}
			if si > 0 {
				base := res.Scenarios[0].Replications
				diff := make([]float64, len(xs))
				for i := range xs {
					diff[i] = xs[i] - base[i].KPIs[name]
				}
				d := MeanInterval(diff)
				e.Difference = &d
			}
			s.Estimates = append(s.Estimates, e)
		}
		out = append(out, s)
	}
	return out
}
