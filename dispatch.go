package rounds

import (
	"fmt"
	"slices"
)

// DefaultOptions is how many dispatch options are given by default;
// MaxOptions the most a caller may ask for.
const (
	DefaultOptions = 5
	MaxOptions     = 20
)

// Referral is an urgent referral to fit into a live day's rounds: a
// rapid-response visit to an existing client or a new one.
type Referral struct {
	// VisitID is the id of the visit the referral makes; empty makes
	// "rr-" and the time referred (rr-1140).
	VisitID string `json:"visitId,omitempty"`
	// ClientID names an existing client; Client is a new one (location,
	// consent, declined workers, gender preference). One of the two.
	ClientID string  `json:"clientId,omitempty"`
	Client   *Client `json:"client,omitempty"`
	Skills   []Skill `json:"skills,omitempty"`
	// DurationMinutes is how long the visit takes.
	DurationMinutes int `json:"durationMinutes"`
	// WorkersNeeded is 1, or 2 for a double-handed visit; 0 means 1.
	WorkersNeeded int `json:"workersNeeded,omitempty"`
	// Priority is the visit's class; empty means rapid_response.
	Priority Priority `json:"priority,omitempty"`
	// ReferredAt is when the referral came; nil means At.
	ReferredAt *Clock `json:"referredAt,omitempty"`
	// Deadline is the latest start; nil means ReferredAt plus two hours.
	Deadline *Clock `json:"deadline,omitempty"`
	// Date is the live day; empty means the roster's only date.
	Date Date `json:"date,omitempty"`
	// At is the time of the live day the options are for; nil means now.
	At *Clock `json:"at,omitempty"`
	// K is how many options to give; 0 means DefaultOptions.
	K int `json:"k,omitempty"`
}

// Visit returns the visit the referral makes on date, referred at
// referredAt (its ReferredAt if set).
func (r *Referral) Visit(date Date, referredAt Clock) Visit {
	if r.ReferredAt != nil {
		referredAt = *r.ReferredAt
	}
	ref := referredAt
	v := Visit{ID: r.VisitID, ClientID: r.ClientID, Date: date, DurationMinutes: r.DurationMinutes,
		Skills: slices.Clone(r.Skills), WorkersNeeded: r.WorkersNeeded, Priority: r.Priority,
		ReferredAt: &ref, Deadline: r.Deadline}
	if r.Client != nil {
		v.ClientID = r.Client.ID
	}
	if v.Priority == "" {
		v.Priority = RapidResponse
	}
	if v.ID == "" {
		v.ID = fmt.Sprintf("rr-%02d%02d", int(ref)/3600, int(ref)%3600/60)
	}
	return v
}

// WithReferral returns req with the referral's visit (and its client, if
// new) added, the visit made on date and referred at referredAt. It
// returns an EINVALID *Error naming the referral's field ("referral.
// deadline") and value: neither or both of clientId and client, an
// unknown client or one whose id is taken, a new client without a valid
// location, a visit id already in req, no duration, a deadline before the
// referral, or a skill no worker with a shift on date has. The request's
// own Validate then checks the rest. req is not modified.
func (r *Referral) WithReferral(req *Request, date Date, referredAt Clock) (*Request, Visit, error) {
	v := r.Visit(date, referredAt)
	switch {
	case r.ClientID == "" && r.Client == nil:
		return nil, v, Invalid("referral.clientId", `""`, "name an existing client or give a new one")
	case r.ClientID != "" && r.Client != nil:
		return nil, v, Invalid("referral.client", r.Client.ID, "give clientId or client, not both")
	}
	out := *req
	known := slices.IndexFunc(req.Clients, func(c Client) bool { return c.ID == v.ClientID }) >= 0
	if r.Client != nil {
		if known {
			return nil, v, Invalid("referral.client.id", r.Client.ID, "a client with this id exists: use clientId")
		}
		if err := validLocation("referral.client.location", r.Client.Location); err != nil {
			return nil, v, err
		}
		out.Clients = append(slices.Clip(req.Clients), *r.Client)
	} else if !known {
		return nil, v, Invalid("referral.clientId", r.ClientID, "no client has this id")
	}
	if slices.IndexFunc(req.Visits, func(x Visit) bool { return x.ID == v.ID }) >= 0 {
		return nil, v, Invalid("referral.visitId", v.ID, "a visit with this id exists")
	}
	if r.DurationMinutes <= 0 {
		return nil, v, Invalid("referral.durationMinutes", r.DurationMinutes, "must be positive")
	}
	if r.Deadline != nil && *r.Deadline < *v.ReferredAt {
		return nil, v, Invalid("referral.deadline", *r.Deadline, "is before the referral at %s", *v.ReferredAt)
	}
	if r.K < 0 || r.K > MaxOptions {
		return nil, v, Invalid("referral.k", r.K, "must be between 0 and %d", MaxOptions)
	}
	for i, s := range r.Skills {
		if !slices.ContainsFunc(req.Workers, func(w Worker) bool {
			return slices.Contains(w.Skills, s) && slices.ContainsFunc(w.Shifts, func(sh Shift) bool { return sh.Date == date })
		}) {
			return nil, v, Invalid(fmt.Sprintf("referral.skills[%d]", i), s, "no worker on shift on %s has this skill", date)
		}
	}
	out.Visits = append(slices.Clip(req.Visits), v)
	return &out, v, nil
}

// Count returns how many options the referral asks for.
func (r *Referral) Count() int {
	if r.K == 0 {
		return DefaultOptions
	}
	return r.K
}

// MovedVisit is a visit whose start a dispatch option or repair changes.
type MovedVisit struct {
	VisitID  string `json:"visitId"`
	WorkerID string `json:"workerId"`
	OldStart Clock  `json:"oldStart"`
	NewStart Clock  `json:"newStart"`
	// Late is set if the new start is past the visit's SoftEnd.
	Late bool `json:"late,omitempty"`
}

// DroppedVisit is a visit an option or repair leaves unassigned that was
// on a round.
type DroppedVisit struct {
	VisitID  string   `json:"visitId"`
	WorkerID string   `json:"workerId"`
	Priority Priority `json:"priority"`
}

// Handover is a chain step of a dispatch option: a visit not yet started
// moves from one worker's round to another's to make room.
type Handover struct {
	VisitID      string `json:"visitId"`
	FromWorkerID string `json:"fromWorkerId"`
	ToWorkerID   string `json:"toWorkerId"`
}

// DispatchOption is one way to fit a referral into the live rounds.
type DispatchOption struct {
	// Rank is 1 for the best option.
	Rank int `json:"rank"`
	// WorkerID makes the visit (with PartnerID if double-handed).
	WorkerID  string `json:"workerId"`
	PartnerID string `json:"partnerId,omitempty"`
	// After is the visit it follows on WorkerID's round; empty if it
	// comes first of the free part.
	After string `json:"after,omitempty"`
	// Start is the planned start; SlackSeconds how long before the
	// deadline it is.
	Start        Clock `json:"start"`
	SlackSeconds int   `json:"slackSeconds"`
	// Handover, if set, moves one visit to another worker first.
	Handover *Handover `json:"handover,omitempty"`
	// Moved lists every other visit whose start changes.
	Moved []MovedVisit `json:"moved"`
	// Dropped lists visits the option leaves out.
	Dropped []DroppedVisit `json:"dropped"`
	// ExtraTravelSeconds and ExtraOvertimeSeconds are the changes to the
	// day's totals.
	ExtraTravelSeconds   int `json:"extraTravelSeconds"`
	ExtraOvertimeSeconds int `json:"extraOvertimeSeconds"`
	// KnowsClient says the worker already visits the client this week.
	KnowsClient bool `json:"knowsClient"`
	// CrossesNetwork says the worker belongs to another network.
	CrossesNetwork bool `json:"crossesNetwork"`
	// CostChange is the change in the roster's cost; ScoreChange the
	// change by score key (Totals.Score keys, zero changes left out).
	CostChange  int64            `json:"costChange"`
	ScoreChange map[string]int64 `json:"scoreChange"`
	// Rounds are the free rounds after the option, for accepting it.
	Rounds []LiveRoundOrder `json:"rounds"`
}

// LiveRoundOrder is the free part of one worker's round, in order.
type LiveRoundOrder struct {
	WorkerID string   `json:"workerId"`
	VisitIDs []string `json:"visitIds"`
}

// Dispatch is the answer to a referral: the roster version it read and
// the ranked options, or why there are none.
type Dispatch struct {
	RosterID string `json:"rosterId,omitempty"`
	Version  int    `json:"version,omitempty"`
	Date     Date   `json:"date"`
	At       Clock  `json:"at"`
	// Visit is the visit the referral makes.
	Visit   Visit            `json:"visit"`
	Options []DispatchOption `json:"options"`
	// When no option meets the deadline: the unassigned reason codes of
	// the visit, the earliest start any worker could make (and who), and
	// the smallest change that would meet it.
	Reasons        []string    `json:"reasons,omitempty"`
	Detail         string      `json:"detail,omitempty"`
	EarliestStart  *Clock      `json:"earliestStart,omitempty"`
	EarliestWorker string      `json:"earliestWorkerId,omitempty"`
	Suggestion     *Suggestion `json:"suggestion,omitempty"`
}

// RepairReport is what a same-day repair changed against the published
// roster, for the visits still free to change: those given to another
// worker, those whose start moved by more than 30 minutes, those left
// out that were on a round, and those on no round before that now are.
type RepairReport struct {
	HandedOver []Handover     `json:"handedOver"`
	Moved      []MovedVisit   `json:"moved"`
	Dropped    []DroppedVisit `json:"dropped"`
	Added      []string       `json:"added"`
	// DisruptionCost is HandedOver and Moved at the team's
	// HandoverPenalty and MovedStartPenalty.
	DisruptionCost int64 `json:"disruptionCost"`
	// Cost is the repaired day's cost (Totals.Cost), disruption aside.
	Cost int64 `json:"cost"`
	// Seconds is how long the repair took.
	Seconds float64 `json:"seconds"`
}

// MovedStartSeconds is how far a repair may move a visit's start before
// it counts as moved (RepairReport.Moved, Options.MovedStartPenalty).
const MovedStartSeconds = 30 * 60
