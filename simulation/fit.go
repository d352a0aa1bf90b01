package simulation

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"gonum.org/v1/gonum/stat"

	"github.com/roundsdev/rounds"
)

// Fit returns the demand model of a team's history over [from, to]: its
// episodes and their visits, as stored (rounds.Episode, rounds.Visit). It
// fits
//   - ReferralsPerDay and RapidResponseShare from the episodes that start
//     in the range, by weekday of referral (a reablement episode starts the
//     day after its referral);
//   - each pathway's Lengths from its episodes that start and end in the
//     range, as the share of each length;
//   - each pathway's Minutes (mean and standard deviation) and Skills (the
//     share of each set of skills) from the visits of its episodes dated
//     in the range, leaving out the rapid-response assessments (their
//     skill is fixed) and the hoist of double-handed visits (which
//     DoubleHandedShare adds); the skill mix then holds the professionals'
//     visits too, and the pathway has no ProfessionalVisits;
//   - DoubleHandedShare from the reablement episodes with visits in the
//     range.
//
// What the history cannot tell (a pathway with no finished episode or no
// visit, where clients live, how a day departs from its plan) keeps
// DefaultDemand's value for a team of workers. It is a pure function of
// its arguments, which it does not modify. It returns an EINVALID
// *rounds.Error naming "to" if the range is empty and "episodes" if no
// episode starts in it.
func Fit(episodes []rounds.Episode, visits []rounds.Visit, from, to rounds.Date, workers int) (Demand, error) {
	d := DefaultDemand(workers)
	if _, err := from.Time(); err != nil {
		return d, rounds.Invalid("from", from, "date must be YYYY-MM-DD")
	}
	if _, err := to.Time(); err != nil || to < from {
		return d, rounds.Invalid("to", to, "must be a date on or after from (%s)", from)
	}
	var weekdays [7]int // days of each weekday in the range
	for day := from; day <= to; day = day.AddDays(1) {
		weekdays[weekdayOf(day)]++
	}
	var referrals [2][7]int
	lengths := [2]map[int]int{{}, {}}
	pathwayOf := map[string]int{}
	total := 0
	for _, e := range episodes {
		pi := slices.Index(pathways[:], e.Pathway)
		if pi < 0 {
			continue
		}
		pathwayOf[e.ID] = pi
		referred := e.Start
		if e.Pathway == rounds.Reablement {
			referred = referred.AddDays(-1)
		}
		if e.Start < from || e.Start > to {
			continue
		}
		referrals[pi][weekdayOf(referred)]++
		total++
		if e.End <= to {
			lengths[pi][e.Days()]++
		}
	}
	if total == 0 {
		return d, rounds.Invalid("episodes", len(episodes), "no rapid-response or reablement episode starts between %s and %s", from, to)
	}
	for wd := range d.ReferralsPerDay {
		d.ReferralsPerDay[wd] = 0
		if weekdays[wd] > 0 {
			d.ReferralsPerDay[wd] = float64(referrals[0][wd]+referrals[1][wd]) / float64(weekdays[wd])
		}
	}
	rr := 0
	for _, n := range referrals[0] {
		rr += n
	}
	d.RapidResponseShare = float64(rr) / float64(total)
	minutes := [2][]float64{}
	skills := [2]map[string]int{{}, {}}
	double := map[string]bool{}
	withVisits := map[string]bool{}
	for _, v := range visits {
		pi, ok := pathwayOf[v.Episode]
		if !ok || v.Date < from || v.Date > to {
			continue
		}
		if pi == 1 {
			withVisits[v.Episode] = true
			if v.Workers() == 2 {
				double[v.Episode] = true
			}
		}
		minutes[pi] = append(minutes[pi], float64(v.DurationMinutes))
		if v.ReferredAt != nil {
			continue
		}
		set := slices.Clone(v.Skills)
		if v.Workers() == 2 {
			set = slices.DeleteFunc(set, func(s rounds.Skill) bool { return s == "hoist" })
		}
		slices.Sort(set)
		skills[pi][joinSkills(slices.Compact(set))]++
	}
	for pi, path := range []*Pathway{&d.RapidResponse, &d.Reablement} {
		if len(lengths[pi]) > 0 {
			path.Lengths = nil
			for _, days := range slices.Sorted(maps.Keys(lengths[pi])) {
				path.Lengths = append(path.Lengths, Length{Days: days, Share: float64(lengths[pi][days]) / float64(sum(lengths[pi]))})
			}
		}
		if len(minutes[pi]) > 0 {
			mean, sd := stat.MeanStdDev(minutes[pi], nil)
			if len(minutes[pi]) == 1 {
				sd = 0
			}
			path.Minutes = Minutes{Mean: min(maxVisitMinutes, max(minVisitMinutes, mean)), SD: min(maxVisitMinutes, sd)}
		}
		if len(skills[pi]) > 0 {
			path.Skills, path.ProfessionalVisits = nil, nil
			n := sum(skills[pi])
			for _, key := range slices.Sorted(maps.Keys(skills[pi])) {
				path.Skills = append(path.Skills, SkillMix{Skills: splitSkills(key), Share: float64(skills[pi][key]) / float64(n)})
			}
		}
	}
	if len(withVisits) > 0 {
		d.DoubleHandedShare = float64(len(double)) / float64(len(withVisits))
	}
	if err := d.Validate(); err != nil {
		return d, fmt.Errorf("the fitted demand: %w", err)
	}
	return d, nil
}

func sum[K comparable](m map[K]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// joinSkills and splitSkills turn a sorted skill set into a map key and
// back.
func joinSkills(s []rounds.Skill) string {
	parts := make([]string, len(s))
	for i, x := range s {
		parts[i] = string(x)
	}
	return strings.Join(parts, " ")
}

func splitSkills(key string) []rounds.Skill {
	var out []rounds.Skill
	for _, f := range strings.Fields(key) {
		out = append(out, rounds.Skill(f))
	}
	return out
}
