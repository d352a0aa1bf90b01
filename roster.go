package rounds

import (
	"time"

	"github.com/roundsdev/rounds/geo"
)

// RosterStatus is where a roster version is in its life.
type RosterStatus string

// The statuses of a roster version.
const (
	// RosterDraft is a version nobody has published.
	RosterDraft RosterStatus = "draft"
	// RosterPublished is the version workers follow.
	RosterPublished RosterStatus = "published"
	// RosterSuperseded was published until a later version was.
	RosterSuperseded RosterStatus = "superseded"
)

// RosterVersion is one version of a team's roster for a date range. A plan
// creates version 1; each accepted manual edit adds the next version.
type RosterVersion struct {
	RosterID string       `json:"rosterId"`
	Team     string       `json:"team"`
	Version  int          `json:"version"`
	Status   RosterStatus `json:"status"`
	From     Date         `json:"from"`
	To       Date         `json:"to"`
	// JobID is the plan job that produced version 1.
	JobID string `json:"jobId,omitempty"`
	// Note says what made this version ("planned", "move v12 to w3").
	Note      string    `json:"note,omitempty"`
	CreatedBy string    `json:"createdBy,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
	// Request is what was planned, pins included; edits are checked
	// against it.
	Request *Request `json:"request,omitempty"`
	Roster  *Roster  `json:"roster,omitempty"`
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
