package rounds

import "github.com/roundsdev/rounds/geo"

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
	// Break, if set, says whether the shift gets a break, whatever its
	// length: a live day's rest of a round (LiveState.Residual) keeps the
	// break still due and drops the one already taken. nil leaves it to
	// Options.Break's rule on the shift's length.
	Break *bool `json:"break,omitempty"`
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

func validRole(r Role) bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}
