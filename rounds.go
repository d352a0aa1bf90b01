// Package rounds is the domain of a community independence service: the
// workers who visit, the clients they visit, the visits to plan and the
// roster that plans them. It holds the one wire format shared by the CLI,
// the API and the fixtures, and the interfaces the adapters implement.
// It does no I/O.
package rounds

import (
	"context"
	"time"

	"github.com/roundsdev/rounds/geo"
)

// Role is a worker's profession.
type Role string

// The roles of a community independence service.
const (
	Nurse                   Role = "nurse"
	Matron                  Role = "matron"
	OccupationalTherapist   Role = "occupational_therapist"
	Physiotherapist         Role = "physiotherapist"
	SocialWorker            Role = "social_worker"
	CareWorker              Role = "care_worker"
	IndependenceCoordinator Role = "independence_coordinator"
)

// Roles lists every role, in a fixed order.
var Roles = []Role{Nurse, Matron, OccupationalTherapist, Physiotherapist, SocialWorker, CareWorker, IndependenceCoordinator}

// Skill is something a visit needs and a worker can do, such as
// "wound_care" or "hoist". Skills are free-form names; a request may use at
// most 64 different ones.
type Skill string

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

// Location is a WGS84 position.
type Location struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// Point returns the location as an orb point (longitude first).
func (l Location) Point() geo.Point { return geo.Point{l.Lon, l.Lat} }

// Shift is one day of a worker's availability: they may leave their start
// location at Start and must be back at their end location by End.
type Shift struct {
	Date  Date  `json:"date"`
	Start Clock `json:"start"`
	End   Clock `json:"end"`
	// MaxWorkMinutes caps travel plus visit time on the day; 0 takes the
	// worker's MaxWorkMinutes.
	MaxWorkMinutes int `json:"maxWorkMinutes,omitempty"`
	// OvertimeMinutes lets the worker return up to this many minutes
	// after End (0 to MaxOvertimeMinutes, ending by 24:00), charged at
	// Options.OvertimeCostPerMinute; 0 means no overtime.
	OvertimeMinutes int `json:"overtimeMinutes,omitempty"`
}

// Worker is a member of staff who makes visits.
type Worker struct {
	ID      string   `json:"id"`
	Name    string   `json:"name,omitempty"`
	Role    Role     `json:"role"`
	Skills  []Skill  `json:"skills,omitempty"`
	Gender  string   `json:"gender,omitempty"`
	Network string   `json:"network,omitempty"`
	Start   Location `json:"start"`
	// End is where the day finishes; nil means back at Start.
	End        *Location `json:"end,omitempty"`
	TravelMode geo.Mode  `json:"travelMode"`
	Shifts     []Shift   `json:"shifts"`
	// MaxWorkMinutes caps travel plus visit time per day; 0 means the shift
	// length is the only limit.
	MaxWorkMinutes int `json:"maxWorkMinutes,omitempty"`
}

// EndLocation returns where the worker's day finishes.
func (w *Worker) EndLocation() Location {
	if w.End != nil {
		return *w.End
	}
	return w.Start
}

// Client is a person the service visits at home. A zero Location is left
// out of the JSON, as it is for a client whose details are withheld (a
// valid location is never 0,0).
type Client struct {
	ID       string   `json:"id"`
	Name     string   `json:"name,omitempty"`
	Location Location `json:"location,omitzero"`
	// Network is the integrated community network (group of GP practices)
	// the client belongs to.
	Network string `json:"network,omitempty"`
	// Practice is the ODS code of the client's GP practice.
	Practice string `json:"practice,omitempty"`
	// PreferredWorkers are worker IDs the client should see if possible
	// (case manager, key worker).
	PreferredWorkers []string `json:"preferredWorkers,omitempty"`
	// DeclinedWorkers are worker IDs who must never visit the client.
	DeclinedWorkers []string `json:"declinedWorkers,omitempty"`
	// GenderPreference, if set, is the only gender of worker who may visit.
	GenderPreference string `json:"genderPreference,omitempty"`
	// Consent records that the client agreed to share their details with
	// the team. Without it the service shows their details to admins only
	// and does not plan their visits. The solver ignores it.
	Consent bool `json:"consent,omitempty"`
}

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

// RapidResponseTarget is how soon a rapid-response referral must be seen.
const RapidResponseTarget = 2 * time.Hour

// ServiceHours are the hours visits happen in, 08:00-20:00.
var ServiceHours = Window{Start: At(8, 0), End: At(20, 0)}

// Request is a planning request: a team's workers, clients and visits over
// one or more days, and how hard to search.
type Request struct {
	Team    string   `json:"team,omitempty"`
	Workers []Worker `json:"workers"`
	Clients []Client `json:"clients"`
	// Episodes are the episodes the visits name, for an import; the solver
	// does not read them, and a request to solve may leave them out.
	Episodes []Episode `json:"episodes,omitempty"`
	Visits   []Visit   `json:"visits"`
	Options  Options   `json:"options,omitempty"`
}

// Options tune a solve. Zero values take the defaults.
type Options struct {
	// TimeLimitSeconds bounds the search; 0 means the default (10 s).
	TimeLimitSeconds float64 `json:"timeLimitSeconds,omitempty"`
	// Iterations bounds the search by work done instead of time; 0 means
	// no bound. A run bounded by iterations alone is reproducible.
	Iterations int `json:"iterations,omitempty"`
	// Seed makes the search deterministic for a given worker count.
	Seed int64 `json:"seed,omitempty"`
	// Threads is the number of parallel searches; 0 means one per core.
	Threads int `json:"threads,omitempty"`
	// UnassignedPenalty is the cost, in travel seconds, of leaving one
	// visit of each priority unassigned; missing entries take defaults.
	UnassignedPenalty map[Priority]int64 `json:"unassignedPenalty,omitempty"`
	// SyncToleranceMinutes is how far apart the two workers of a
	// double-handed visit may start (0 to 60); 0 means together.
	SyncToleranceMinutes int `json:"syncToleranceMinutes,omitempty"`
	// PreferenceMissPenalty is the cost, in seconds of travel, of a visit
	// to a client with preferred workers made by a worker not in the
	// list; 0 means DefaultPreferenceMissPenalty, a negative value turns
	// the preference off.
	PreferenceMissPenalty int64 `json:"preferenceMissPenalty,omitempty"`
	// NetworkPenalty is the cost, in seconds of travel, of a visit made by
	// a worker of another network than the client's (both set); 0 means
	// DefaultNetworkPenalty, a negative value turns it off.
	NetworkPenalty int64 `json:"networkPenalty,omitempty"`
	// ContinuityPenalty is the cost, in seconds of travel, of each
	// different worker a client sees beyond the first over the whole
	// request (all its dates; both workers of a double-handed visit
	// count); 0 means DefaultContinuityPenalty, a negative value turns it
	// off.
	ContinuityPenalty int64 `json:"continuityPenalty,omitempty"`
	// OvertimeCostPerMinute is the cost, in seconds of travel, of each
	// minute a worker returns after the end of a shift with
	// OvertimeMinutes, charged per second (rounded down); 0 means
	// DefaultOvertimeCostPerMinute. It must not be negative.
	OvertimeCostPerMinute int64 `json:"overtimeCostPerMinute,omitempty"`
	// BalanceCostPerMinute is the cost, in seconds of travel, of each
	// minute a worker-shift spends in visits above its fair share,
	// charged per second (rounded down). The fair share of a shift is its
	// length (without overtime) times the summed visit durations of its
	// date (a double-handed visit once per worker) over the summed shift
	// lengths of that date; travel counts on neither side. 0 (the
	// default) turns the balance cost off; it must not be negative.
	BalanceCostPerMinute int64 `json:"balanceCostPerMinute,omitempty"`
	// Break, if set, gives workers on long shifts a break (BreakRule).
	Break *BreakRule `json:"break,omitempty"`
}

// DefaultOvertimeCostPerMinute is the cost, in seconds of travel, of one
// minute of overtime: two minutes of travel, so that a visit is made in
// overtime only if it saves more than twice its length in travel or
// would otherwise be left unassigned.
const DefaultOvertimeCostPerMinute = 120

// MaxOvertimeMinutes bounds Shift.OvertimeMinutes: ten hours.
const MaxOvertimeMinutes = 600

// MaxOvertimeCostPerMinute bounds Options.OvertimeCostPerMinute.
const MaxOvertimeCostPerMinute = 1_000_000

// MaxBalanceCostPerMinute bounds Options.BalanceCostPerMinute.
const MaxBalanceCostPerMinute = 1_000_000

// OvertimeCost returns the cost of one minute of overtime: the option or
// its default.
func (o *Options) OvertimeCost() int64 {
	if o.OvertimeCostPerMinute == 0 {
		return DefaultOvertimeCostPerMinute
	}
	return o.OvertimeCostPerMinute
}

// DefaultUnassignedPenalty is the cost, in seconds of travel, of leaving a
// visit of each priority unassigned: coverage always comes first, and rapid
// response far above reablement above routine.
var DefaultUnassignedPenalty = map[Priority]int64{
	RapidResponse: 10_000_000,
	Reablement:    200_000,
	Routine:       50_000,
}

// Roster is the plan for a request: one route per worker and day, the
// visits left unassigned with the reason, and totals.
type Roster struct {
	Team       string       `json:"team,omitempty"`
	Routes     []Route      `json:"routes"`
	Unassigned []Unassigned `json:"unassigned"`
	Totals     Totals       `json:"totals"`
	// Continuity says, per client with planned visits, how many different
	// workers they see (see ContinuityOf).
	Continuity []ClientContinuity `json:"continuity,omitempty"`
}

// Route is one worker's day: where they start, the visits in order and
// where they finish. A worker with no visits has a route with no stops.
type Route struct {
	WorkerID   string   `json:"workerId"`
	Date       Date     `json:"date"`
	TravelMode geo.Mode `json:"travelMode"`
	Start      Location `json:"start"`
	End        Location `json:"end"`
	// Depart is when the worker leaves Start; Return when they reach End.
	Depart Clock  `json:"depart"`
	Return Clock  `json:"return"`
	Stops  []Stop `json:"stops"`
	// TravelSeconds includes the journey home from the last stop.
	TravelSeconds int `json:"travelSeconds"`
	WorkSeconds   int `json:"workSeconds"`
	WaitSeconds   int `json:"waitSeconds"`
	// OvertimeSeconds is how long after the shift end the worker returns
	// (at most the shift's OvertimeMinutes).
	OvertimeSeconds int `json:"overtimeSeconds,omitempty"`
	// Break is when the worker takes the break their shift gets
	// (Options.Break); nil when it gets none or the route has no visits.
	Break *BreakTime `json:"break,omitempty"`
}

// Stop is one visit on a route. A zero Location is left out of the JSON,
// as it is for a client whose details are withheld.
type Stop struct {
	VisitID  string   `json:"visitId"`
	ClientID string   `json:"clientId"`
	Location Location `json:"location,omitzero"`
	// Arrival is when the worker gets there; Start when the visit begins
	// (later if they wait for its window); End when it finishes.
	Arrival Clock `json:"arrival"`
	Start   Clock `json:"start"`
	End     Clock `json:"end"`
	// TravelSeconds is the journey from the previous stop (or the start).
	TravelSeconds int      `json:"travelSeconds"`
	WaitSeconds   int      `json:"waitSeconds"`
	Priority      Priority `json:"priority"`
}

// Reason codes for a visit left unassigned.
const (
	ReasonNoQualifiedWorker = "no_qualified_worker"
	ReasonNoWorkerOnShift   = "no_worker_on_shift"
	ReasonUnreachable       = "unreachable_in_window"
	ReasonWorkingTime       = "working_time_limit"
	ReasonNoCapacity        = "no_room_in_rounds"
	// ReasonNoPartner: a double-handed visit fits one worker's round, but
	// no second worker can start it with them.
	ReasonNoPartner = "no_partner"
)

// Unassigned is a visit the roster does not serve, and why.
type Unassigned struct {
	VisitID  string   `json:"visitId"`
	ClientID string   `json:"clientId"`
	Priority Priority `json:"priority"`
	Reason   string   `json:"reason"`
	Detail   string   `json:"detail"`
	// Suggestion is the smallest single change to the request that would
	// let one worker take the visit, if the planner found one.
	Suggestion *Suggestion `json:"suggestion,omitempty"`
}

// Suggestion kinds: what to change so that an unassigned visit fits.
const (
	// SuggestAssign: the visit fits the worker's round as it is.
	SuggestAssign = "assign"
	// SuggestExtendShift: the worker's shift ends Minutes later.
	SuggestExtendShift = "extend_shift"
	// SuggestOpenWindowEarlier: the visit's window opens Minutes earlier.
	SuggestOpenWindowEarlier = "open_window_earlier"
	// SuggestCloseWindowLater: the visit's window closes Minutes later.
	SuggestCloseWindowLater = "close_window_later"
	// SuggestRaiseWorkCap: the worker's working-time limit for the day is
	// Minutes higher.
	SuggestRaiseWorkCap = "raise_work_cap"
	// SuggestDropVisit: VisitID comes off the worker's round.
	SuggestDropVisit = "drop_visit"
)

// Suggestion is one change to a request after which a worker could take
// an unassigned visit without breaking any rule of their round.
type Suggestion struct {
	// Kind is one of the Suggest* codes.
	Kind string `json:"kind"`
	// WorkerID and Date name the worker and shift that could then take it.
	WorkerID string `json:"workerId"`
	Date     Date   `json:"date"`
	// PartnerID is the second worker of a double-handed visit who makes
	// it with WorkerID (assign, extend_shift and raise_work_cap).
	PartnerID string `json:"partnerId,omitempty"`
	// VisitID is the visit to change: the unassigned one for a window,
	// the one to take off the round for drop_visit; empty otherwise.
	VisitID string `json:"visitId,omitempty"`
	// Window indexes the visit's windows for the window kinds; a visit
	// with no windows has the service hours as window 0.
	Window int `json:"window,omitempty"`
	// Minutes is how much longer, earlier or later; 0 for assign and
	// drop_visit.
	Minutes int `json:"minutes,omitempty"`
	// Text says it in a sentence.
	Text string `json:"text"`
}

// Totals sum a roster.
type Totals struct {
	TravelSeconds int `json:"travelSeconds"`
	WorkSeconds   int `json:"workSeconds"`
	WaitSeconds   int `json:"waitSeconds"`
	// OvertimeSeconds sums the routes' OvertimeSeconds.
	OvertimeSeconds int `json:"overtimeSeconds,omitempty"`
	Visits          int `json:"visits"`
	Assigned        int `json:"assigned"`
	Unassigned      int `json:"unassigned"`
	WorkersUsed     int `json:"workersUsed"`
	// AssignedByPriority and UnassignedByPriority count visits per class.
	AssignedByPriority   map[Priority]int `json:"assignedByPriority"`
	UnassignedByPriority map[Priority]int `json:"unassignedByPriority"`
	// Cost is the objective the solver minimised: travel seconds plus the
	// soft costs and the penalties of unassigned visits (Score).
	Cost int64 `json:"cost"`
	// Score breaks Cost down by rule; its values sum to Cost. Keys are
	// ScoreTravel, ScoreLateness, ScorePreference, ScoreNetwork,
	// ScoreOvertime, ScoreBalance and UnassignedScoreKey of each priority.
	Score map[string]int64 `json:"score,omitempty"`
	// MeanDistinctWorkers is the mean number of different workers seen
	// by the clients with at least two planned visits.
	MeanDistinctWorkers float64 `json:"meanDistinctWorkers,omitempty"`
	// PreferredShare is the share of the planned visits of clients with
	// preferred workers that a preferred worker makes.
	PreferredShare float64 `json:"preferredShare,omitempty"`
}

// Totals.Score keys besides the unassigned penalties.
const (
	// ScoreTravel is the travel seconds of all routes.
	ScoreTravel = "travel"
	// ScoreLateness is the cost of visits starting after their SoftEnd.
	ScoreLateness = "lateness"
	// ScorePreference is the cost of visits made by a worker the client
	// did not prefer (Options.PreferenceMissPenalty each).
	ScorePreference = "preference"
	// ScoreNetwork is the cost of visits made by a worker of another
	// network (Options.NetworkPenalty each).
	ScoreNetwork = "network"
	// ScoreOvertime is the cost of returns after the shift end
	// (Options.OvertimeCostPerMinute per minute).
	ScoreOvertime = "overtime"
	// ScoreBalance is the cost of working time above each shift's fair
	// share (Options.BalanceCostPerMinute per minute).
	ScoreBalance = "balance"
	// ScoreContinuity is the cost of the workers each client sees beyond
	// the first (Options.ContinuityPenalty each).
	ScoreContinuity = "continuity"
)

// UnassignedScoreKey returns the Totals.Score key of the penalties of the
// unassigned visits of priority p: "unassigned_" and the priority.
func UnassignedScoreKey(p Priority) string { return "unassigned_" + string(p) }

// Planner turns a request into a roster.
type Planner interface {
	// Plan solves req within ctx. It returns an EINVALID *Error naming the
	// field and value if req is malformed or uses a rule the planner cannot
	// honour, and the best roster found so far if ctx is cancelled after a
	// first roster exists.
	Plan(ctx context.Context, req *Request) (*Roster, error)
}
