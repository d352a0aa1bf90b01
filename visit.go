package rounds

// Priority is the pathway a visit belongs to; it sets how much it costs to
// leave the visit unassigned.
type Priority string

// The priority classes, from the most to the least urgent.
const (
	RapidResponse Priority = "rapid_response"
	Reablement    Priority = "reablement"
	Routine       Priority = "routine"
)

// Priorities lists every priority class, most urgent first.
var Priorities = []Priority{RapidResponse, Reablement, Routine}

// Pin fixes a visit to a worker and, optionally, a start time.
type Pin struct {
	WorkerID string `json:"workerId"`
	Start    *Clock `json:"start,omitempty"`
}

// Link ties a visit to an earlier one: it must start between MinGapMinutes
// and MaxGapMinutes after the start of VisitID.
type Link struct {
	VisitID       string `json:"visitId"`
	MinGapMinutes int    `json:"minGapMinutes"`
	MaxGapMinutes int    `json:"maxGapMinutes"`
}

// Visit is one piece of care to plan: a client, a day, how long, when, and
// who may do it.
type Visit struct {
	ID              string `json:"id"`
	ClientID        string `json:"clientId"`
	Date            Date   `json:"date"`
	DurationMinutes int    `json:"durationMinutes"`
	// Windows are the allowed ranges for the start of the visit; the
	// worker waits if they arrive early. Empty means the service hours.
	Windows []Window `json:"windows,omitempty"`
	Skills  []Skill  `json:"skills,omitempty"`
	// WorkersNeeded is 1, or 2 for a double-handed visit; 0 means 1.
	WorkersNeeded int      `json:"workersNeeded,omitempty"`
	Priority      Priority `json:"priority"`
	// ReferredAt is when a rapid-response referral arrived: the visit
	// starts no earlier, and its Deadline defaults to two hours later.
	ReferredAt *Clock `json:"referredAt,omitempty"`
	// Deadline is the latest start of a rapid-response visit.
	Deadline *Clock `json:"deadline,omitempty"`
	Pin      *Pin   `json:"pin,omitempty"`
	Links    []Link `json:"links,omitempty"`
	// Episode is the ID of the rapid-response or reablement episode the
	// visit belongs to, if any.
	Episode string `json:"episode,omitempty"`
	// SoftEnd, if set, is when the visit should have started: a later
	// start (still within Windows) is allowed but costs LatenessCost per
	// second late.
	SoftEnd *Clock `json:"softEnd,omitempty"`
	// LatenessCost is the cost, in seconds of travel, of each second the
	// visit starts after SoftEnd; 0 means 1.
	LatenessCost int64 `json:"latenessCost,omitempty"`
}

// Workers returns how many workers the visit needs (1 or 2).
func (v *Visit) Workers() int {
	if v.WorkersNeeded == 0 {
		return 1
	}
	return v.WorkersNeeded
}

// LatestStart returns the latest start of a rapid-response visit: its
// Deadline, or two hours after ReferredAt. ok is false if it has neither.
func (v *Visit) LatestStart() (c Clock, ok bool) {
	switch {
	case v.Deadline != nil:
		return *v.Deadline, true
	case v.ReferredAt != nil:
		return *v.ReferredAt + Clock(RapidResponseTarget.Seconds()), true
	}
	return 0, false
}

func validPriority(p Priority) bool {
	for _, x := range Priorities {
		if p == x {
			return true
		}
	}
	return false
}
