// Package simulation answers a planner's what-if questions. It draws weeks
// of referrals to a team from a demand model, plans each day the evening
// before with the solver, runs the day with random visit lengths, travel
// and cancellations, carries what could not be served, and measures the
// service (coverage, rapid response within two hours, travel, overtime,
// continuity, utilisation, unmet hours) over replications, for a baseline
// and named scenarios run on common random numbers, with confidence
// intervals and paired differences.
package simulation

import (
	"fmt"
	"math"
	"slices"

	"github.com/roundsdev/rounds"
)

// Demand is the demand model of a team: how many referrals arrive, of
// which pathway, what care their episodes need and how a day departs from
// its plan. Every number is one a planner can read and change; Fit makes
// one from a team's history and DefaultDemand a typical one.
type Demand struct {
	// ReferralsPerDay is the mean number of new referrals on each weekday,
	// Monday first. Referrals of each pathway arrive as a Poisson process:
	// the rapid-response ones at ReferralsPerDay × RapidResponseShare, the
	// reablement ones at the rest.
	ReferralsPerDay [7]float64 `json:"referralsPerDay"`
	// RapidResponseShare is the share of referrals to rapid response (0 to
	// 1); the others are to reablement.
	RapidResponseShare float64 `json:"rapidResponseShare"`
	// RapidResponse shapes a rapid-response episode: an assessment within
	// two hours of the referral (rounds.RapidResponsePattern), then a
	// treatment visit a day, up to 5 days in all. Its Skills are the
	// treatment visits'; the assessment needs "assessment".
	RapidResponse Pathway `json:"rapidResponse"`
	// Reablement shapes a reablement episode, from the day after the
	// referral, up to 6 weeks, with the tapering visit pattern of
	// rounds.ReablementTaper (four calls a day in week one, then three,
	// two and one).
	Reablement Pathway `json:"reablement"`
	// DoubleHandedShare is the share of reablement clients whose morning
	// and evening calls need two workers and a hoist (0 to 1).
	DoubleHandedShare float64 `json:"doubleHandedShare"`
	// ReferralHours is when rapid-response referrals arrive, uniformly
	// over the window; it must lie within the service hours.
	ReferralHours rounds.Window `json:"referralHours"`
	// Boroughs are where the clients live (names or GSS codes, see
	// fixtures.NewHomes): inside their boundaries, near their GP
	// practices. Empty means the team's own boroughs when the team is
	// generated, else fixtures.DefaultBorough.
	Boroughs []string `json:"boroughs,omitempty"`
	// Day is how a day departs from its plan.
	Day Variation `json:"day"`
}

// Pathway is the shape of one pathway's episodes.
type Pathway struct {
	// Lengths are the episode lengths in days with their shares (the
	// shares need not sum to one).
	Lengths []Length `json:"lengths"`
	// Minutes is the planned length of a visit, drawn once per call of an
	// episode (a client's morning call keeps its length).
	Minutes Minutes `json:"minutes"`
	// Skills are the skill sets a visit may need with their shares, drawn
	// once per call of an episode.
	Skills []SkillMix `json:"skills"`
	// ProfessionalVisits are visits some episodes get on top of their
	// pattern: an occupational therapist's assessment on day 1, a
	// physiotherapist twice a week.
	ProfessionalVisits []ProfessionalVisit `json:"professionalVisits,omitempty"`
}

// ProfessionalVisit is a visit a Share of a pathway's episodes get on
// each of Days (days of the episode, 1 its first; days past its end are
// left out), needing Skills, of Minutes, starting within Window.
type ProfessionalVisit struct {
	Skills  []rounds.Skill `json:"skills"`
	Share   float64        `json:"share"`
	Days    []int          `json:"days"`
	Minutes int            `json:"minutes"`
	Window  rounds.Window  `json:"window"`
}

// maxProfessionalDays bounds the days of all of a pathway's professional
// visits, so that an episode's pattern stays within
// rounds.MaxPatternSteps.
const maxProfessionalDays = 40

// Length is an episode length and its share.
type Length struct {
	Days  int     `json:"days"`
	Share float64 `json:"share"`
}

// Minutes describes visit lengths: log-normal with this mean and standard
// deviation in minutes, rounded to 5 minutes and kept within 10 to 240.
type Minutes struct {
	Mean float64 `json:"mean"`
	SD   float64 `json:"sd"`
}

// SkillMix is a set of skills a visit needs and its share.
type SkillMix struct {
	Skills []rounds.Skill `json:"skills"`
	Share  float64        `json:"share"`
}

// Variation is how a simulated day departs from its plan. Each draw comes
// from a stream of its own visit, so that scenarios see the same
// departures (common random numbers).
type Variation struct {
	// DurationSpread is the standard deviation of the log of the factor
	// (of mean 1) by which a visit takes longer or shorter than planned.
	DurationSpread float64 `json:"durationSpread"`
	// TravelSpread is the same for each journey.
	TravelSpread float64 `json:"travelSpread"`
	// CancelShare is the share of visits cancelled on the day (the client
	// is in hospital or out).
	CancelShare float64 `json:"cancelShare"`
	// LateGraceMinutes is how long after the end of its window a visit is
	// still made; a worker running later skips it and goes on.
	LateGraceMinutes int `json:"lateGraceMinutes"`
	// OvertimeMinutes is how long after the end of their shift a worker
	// still starts and finishes a visit.
	OvertimeMinutes int `json:"overtimeMinutes"`
}

// Limits on a demand model.
const (
	// MaxReferralsPerDay bounds each weekday's rate.
	MaxReferralsPerDay = 1_000
	minVisitMinutes    = 10
	maxVisitMinutes    = 240
)

// office is the window of the professionals' visits in DefaultDemand.
var office = rounds.Window{Start: rounds.At(9, 0), End: rounds.At(16, 0)}

// DefaultDemand returns a typical demand for a team of the given number of
// workers, scaled from a borough team of 80: 11 referrals a weekday (fewer
// at the weekend), 70% of them rapid response, reablement episodes of 2
// to 6 weeks with therapy and reviews (half get an occupational therapy
// assessment, 40% equipment and physiotherapy twice a week for three
// weeks, 20% a social care review, all an independence review on day 14),
// 10% of reablement clients double-handed, visits of about 40
// minutes that run ±25%, 2% cancelled on the day.
func DefaultDemand(workers int) Demand {
	scale := float64(workers) / 80
	week := [7]float64{1.1, 1.05, 1, 1, 1.05, 0.9, 0.9}
	var per [7]float64
	for i, w := range week {
		per[i] = math.Round(11*w*scale*100) / 100
	}
	return Demand{
		ReferralsPerDay:    per,
		RapidResponseShare: 0.7,
		RapidResponse: Pathway{
			Lengths: []Length{{1, 0.4}, {2, 0.3}, {3, 0.15}, {4, 0.1}, {5, 0.05}},
			Minutes: Minutes{Mean: 50, SD: 15},
			Skills: []SkillMix{
				{[]rounds.Skill{"medication"}, 0.3},
				{[]rounds.Skill{"wound_care"}, 0.2},
				{[]rounds.Skill{"assessment"}, 0.25},
				{[]rounds.Skill{"mobility"}, 0.1},
				{[]rounds.Skill{"personal_care"}, 0.15},
			},
		},
		Reablement: Pathway{
			Lengths: []Length{{14, 0.2}, {21, 0.3}, {28, 0.3}, {42, 0.2}},
			Minutes: Minutes{Mean: 35, SD: 10},
			Skills: []SkillMix{
				{[]rounds.Skill{"personal_care"}, 0.45},
				{[]rounds.Skill{"meal_support", "medication_prompt"}, 0.25},
				{[]rounds.Skill{"meal_support"}, 0.15},
				{[]rounds.Skill{"personal_care", "medication_prompt"}, 0.15},
			},
			ProfessionalVisits: []ProfessionalVisit{
				{Skills: []rounds.Skill{"ot_assessment"}, Share: 0.5, Days: []int{1}, Minutes: 60, Window: office},
				{Skills: []rounds.Skill{"equipment"}, Share: 0.4, Days: []int{3}, Minutes: 45, Window: office},
				{Skills: []rounds.Skill{"mobility"}, Share: 0.4, Days: []int{2, 5, 9, 12, 16, 19}, Minutes: 45, Window: office},
				{Skills: []rounds.Skill{"social_assessment"}, Share: 0.2, Days: []int{8}, Minutes: 60, Window: office},
				{Skills: []rounds.Skill{"independence_review"}, Share: 1, Days: []int{14}, Minutes: 30, Window: office},
			},
		},
		DoubleHandedShare: 0.1,
		ReferralHours:     rounds.Window{Start: rounds.At(8, 0), End: rounds.At(18, 0)},
		Day: Variation{
			DurationSpread:   0.25,
			TravelSpread:     0.2,
			CancelShare:      0.02,
			LateGraceMinutes: 60,
			OvertimeMinutes:  60,
		},
	}
}

// Validate checks the demand model. It returns an EINVALID *rounds.Error
// naming the field ("reablement.lengths[2].days") and its value.
func (d *Demand) Validate() error {
	for i, r := range d.ReferralsPerDay {
		if !(r >= 0 && r <= MaxReferralsPerDay) {
			return rounds.Invalid(fmt.Sprintf("referralsPerDay[%d]", i), r, "a rate of referrals a day must be between 0 and %d", MaxReferralsPerDay)
		}
	}
	if err := share("rapidResponseShare", d.RapidResponseShare); err != nil {
		return err
	}
	if err := share("doubleHandedShare", d.DoubleHandedShare); err != nil {
		return err
	}
	if err := d.RapidResponse.validate("rapidResponse", rounds.MaxRapidResponseDays); err != nil {
		return err
	}
	if err := d.Reablement.validate("reablement", rounds.MaxReablementDays); err != nil {
		return err
	}
	h := d.ReferralHours
	if h.Start < rounds.ServiceHours.Start || h.End > rounds.ServiceHours.End || h.End <= h.Start {
		return rounds.Invalid("referralHours", h, "must be a window within the service hours %s", rounds.ServiceHours)
	}
	for i, b := range d.Boroughs {
		if b == "" {
			return rounds.Invalid(fmt.Sprintf("boroughs[%d]", i), `""`, "a borough name or code is required")
		}
	}
	v := d.Day
	for _, c := range []struct {
		field string
		value float64
	}{{"day.durationSpread", v.DurationSpread}, {"day.travelSpread", v.TravelSpread}} {
		if !(c.value >= 0 && c.value <= 2) {
			return rounds.Invalid(c.field, c.value, "must be between 0 and 2")
		}
	}
	if err := share("day.cancelShare", v.CancelShare); err != nil {
		return err
	}
	if v.LateGraceMinutes < 0 || v.LateGraceMinutes > 12*60 {
		return rounds.Invalid("day.lateGraceMinutes", v.LateGraceMinutes, "must be between 0 and 720")
	}
	if v.OvertimeMinutes < 0 || v.OvertimeMinutes > rounds.MaxOvertimeMinutes {
		return rounds.Invalid("day.overtimeMinutes", v.OvertimeMinutes, "must be between 0 and %d", rounds.MaxOvertimeMinutes)
	}
	return nil
}

func share(field string, v float64) error {
	if !(v >= 0 && v <= 1) {
		return rounds.Invalid(field, v, "must be a share between 0 and 1")
	}
	return nil
}

func (p *Pathway) validate(f string, maxDays int) error {
	if len(p.Lengths) == 0 {
		return rounds.Invalid(f+".lengths", "[]", "at least one episode length is required")
	}
	total := 0.0
	for i, l := range p.Lengths {
		lf := fmt.Sprintf("%s.lengths[%d]", f, i)
		if l.Days < 1 || l.Days > maxDays {
			return rounds.Invalid(lf+".days", l.Days, "an episode lasts 1 to %d days", maxDays)
		}
		if !(l.Share >= 0 && l.Share <= 1e6) {
			return rounds.Invalid(lf+".share", l.Share, "must not be negative")
		}
		total += l.Share
	}
	if total <= 0 {
		return rounds.Invalid(f+".lengths", fmt.Sprint(p.Lengths), "at least one length needs a positive share")
	}
	if !(p.Minutes.Mean >= minVisitMinutes && p.Minutes.Mean <= maxVisitMinutes) {
		return rounds.Invalid(f+".minutes.mean", p.Minutes.Mean, "must be between %d and %d minutes", minVisitMinutes, maxVisitMinutes)
	}
	if !(p.Minutes.SD >= 0 && p.Minutes.SD <= maxVisitMinutes) {
		return rounds.Invalid(f+".minutes.sd", p.Minutes.SD, "must be between 0 and %d minutes", maxVisitMinutes)
	}
	if len(p.Skills) == 0 {
		return rounds.Invalid(f+".skills", "[]", "at least one skill set is required (its skills may be empty)")
	}
	total = 0
	for i, m := range p.Skills {
		mf := fmt.Sprintf("%s.skills[%d]", f, i)
		if !(m.Share >= 0 && m.Share <= 1e6) {
			return rounds.Invalid(mf+".share", m.Share, "must not be negative")
		}
		total += m.Share
		for j, s := range m.Skills {
			if err := rounds.ValidID(fmt.Sprintf("%s.skills[%d]", mf, j), string(s)); err != nil {
				return err
			}
		}
		if len(slices.Compact(slices.Sorted(slices.Values(m.Skills)))) != len(m.Skills) {
			return rounds.Invalid(mf+".skills", fmt.Sprint(m.Skills), "a skill is listed twice")
		}
	}
	if total <= 0 {
		return rounds.Invalid(f+".skills", fmt.Sprint(p.Skills), "at least one skill set needs a positive share")
	}
	days := 0
	for i, pv := range p.ProfessionalVisits {
		pf := fmt.Sprintf("%s.professionalVisits[%d]", f, i)
		if err := share(pf+".share", pv.Share); err != nil {
			return err
		}
		for j, s := range pv.Skills {
			if err := rounds.ValidID(fmt.Sprintf("%s.skills[%d]", pf, j), string(s)); err != nil {
				return err
			}
		}
		if len(pv.Days) == 0 {
			return rounds.Invalid(pf+".days", "[]", "at least one day of the episode is required")
		}
		for j, d := range pv.Days {
			if d < 1 || d > maxDays || j > 0 && d <= pv.Days[j-1] {
				return rounds.Invalid(fmt.Sprintf("%s.days[%d]", pf, j), d, "days of the episode run from 1 to %d, in increasing order", maxDays)
			}
		}
		if days += len(pv.Days); days > maxProfessionalDays {
			return rounds.Invalid(pf+".days", len(pv.Days), "the professional visits of a pathway fall on at most %d days in all", maxProfessionalDays)
		}
		if pv.Minutes < minVisitMinutes || pv.Minutes > maxVisitMinutes {
			return rounds.Invalid(pf+".minutes", pv.Minutes, "must be between %d and %d", minVisitMinutes, maxVisitMinutes)
		}
		w := pv.Window
		if w.Start < rounds.ServiceHours.Start || w.End > rounds.ServiceHours.End || w.End < w.Start {
			return rounds.Invalid(pf+".window", w, "must be a window within the service hours %s", rounds.ServiceHours)
		}
	}
	return nil
}
