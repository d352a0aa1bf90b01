package rounds

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"time"
)

// JobKind is what a job does.
type JobKind string

// The kinds of job.
const (
	// JobSolve plans a team's date range and stores the roster.
	JobSolve JobKind = "solve"
	// JobSimulate plans each day of a range under what-if changes and
	// reports coverage and travel, storing no roster.
	JobSimulate JobKind = "simulate"
	// JobRepair re-plans the rest of a published roster's live day after
	// its events and stores the result as the roster's next version, a
	// draft.
	JobRepair JobKind = "repair"
	// JobReplicate runs one replication of one scenario of a
	// SimulationRun and stores its result.
	JobReplicate JobKind = "replicate"
)

// JobState is where a job is in its life.
type JobState string

// The states of a job. Completed, failed and cancelled are final.
const (
	JobQueued    JobState = "queued"
	JobRunning   JobState = "running"
	JobCompleted JobState = "completed"
	JobFailed    JobState = "failed"
	JobCancelled JobState = "cancelled"
)

// Final reports whether the state is one a job never leaves.
func (s JobState) Final() bool {
	return s == JobCompleted || s == JobFailed || s == JobCancelled
}

// Job is a durable solve or simulation of a team's date range, or one
// replication of a SimulationRun.
type Job struct {
	ID    string   `json:"id"`
	Team  string   `json:"team"`
	Kind  JobKind  `json:"kind"`
	State JobState `json:"state"`
	From  Date     `json:"from"`
	To    Date     `json:"to"`
	// Request is the snapshot planned; stores return it only to workers.
	Request *Request `json:"request,omitempty"`
	// Simulation holds the what-if changes of a JobSimulate.
	Simulation *Simulation `json:"simulation,omitempty"`
	// Repair says what a JobRepair re-plans; Request is then the
	// repaired version's request.
	Repair *RepairJob `json:"repair,omitempty"`
	// Replication names what a JobReplicate runs.
	Replication *ReplicationTask `json:"replication,omitempty"`
	Progress    Progress         `json:"progress"`
	// Skipped counts visits left out of the request because their client
	// has not consented.
	Skipped int `json:"skipped"`
	// RosterID is the roster a completed solve wrote, or repaired;
	// Version the version a completed repair wrote.
	RosterID string `json:"rosterId,omitempty"`
	Version  int    `json:"version,omitempty"`
	// Report is what a completed simulation found.
	Report *SimulationReport `json:"report,omitempty"`
	// RepairReport is what a completed repair changed.
	RepairReport *RepairReport `json:"repairReport,omitempty"`
	// Error says why a job failed.
	Error string `json:"error,omitempty"`
	// Attempts counts the runs started, more than one if a worker died.
	Attempts  int       `json:"attempts"`
	CreatedBy string    `json:"createdBy,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// Progress is how far a search has got: the best roster so far.
type Progress struct {
	BestCost   int64 `json:"bestCost"`
	Assigned   int   `json:"assigned"`
	Unassigned int   `json:"unassigned"`
	// Days counts the days a simulation has planned.
	Days int `json:"days,omitempty"`
}

// ProgressPlanner is a Planner that also reports each better roster it
// finds. Jobs use it, when the planner implements it, to show progress.
type ProgressPlanner interface {
	Planner
	// PlanProgress is Plan, calling progress (from one goroutine at a time)
	// after each improvement.
	PlanProgress(ctx context.Context, req *Request, progress func(Progress)) (*Roster, error)
}

// Simulation is a what-if: more demand, fewer staff.
type Simulation struct {
	// DemandFactor scales the number of visits each day; 1.2 adds 20% more
	// visits by repeating existing ones. 0 means 1.
	DemandFactor float64 `json:"demandFactor,omitempty"`
	// VacantWorkers are worker IDs whose posts stay empty.
	VacantWorkers []string `json:"vacantWorkers,omitempty"`
}

// Validate checks the simulation's changes against the request it applies to.
func (s *Simulation) Validate(req *Request) error {
	if math.IsNaN(s.DemandFactor) || s.DemandFactor < 0 || s.DemandFactor > 5 {
		return Invalid("simulation.demandFactor", s.DemandFactor, "must be between 0 and 5")
	}
	for i, id := range s.VacantWorkers {
		if !slices.ContainsFunc(req.Workers, func(w Worker) bool { return w.ID == id }) {
			return Invalid(fmt.Sprintf("simulation.vacantWorkers[%d]", i), id, "no worker has this id")
		}
	}
	return nil
}

// SimulationReport sums a simulation day by day.
type SimulationReport struct {
	Days []SimulatedDay `json:"days"`
	// Coverage is the share of visits assigned over all days, 0 to 1.
	Coverage      float64 `json:"coverage"`
	TravelSeconds int     `json:"travelSeconds"`
	// ExcessWorkSeconds is work and travel beyond the shifts'
	// MaxWorkMinutes, summed over the days. It is not Route.OvertimeSeconds
	// (getting back after the shift end).
	ExcessWorkSeconds int `json:"excessWorkSeconds"`
}

// SimulatedDay is one planned day of a simulation.
type SimulatedDay struct {
	Date              Date             `json:"date"`
	Visits            int              `json:"visits"`
	Assigned          int              `json:"assigned"`
	Unassigned        int              `json:"unassigned"`
	TravelSeconds     int              `json:"travelSeconds"`
	ExcessWorkSeconds int              `json:"excessWorkSeconds"`
	ByPriority        map[Priority]int `json:"unassignedByPriority"`
}

// RepairJob is what a repair job re-plans: the live day of a roster
// version at a time, within a time budget.
type RepairJob struct {
	RosterID string `json:"rosterId"`
	// Version is the version repaired; the repair is stored as the next
	// one, if no other version came first.
	Version int   `json:"version"`
	Date    Date  `json:"date"`
	At      Clock `json:"at"`
	// TimeLimitSeconds is the search budget; Iterations, if not 0, bounds
	// the search instead (reproducibly, with Seed).
	TimeLimitSeconds float64 `json:"timeLimitSeconds"`
	Iterations       int     `json:"iterations,omitempty"`
	Seed             int64   `json:"seed,omitempty"`
	// Roster and Events are the version's roster and the roster's events,
	// which the job runner reads from the store when the job runs; they
	// are not kept with the job.
	Roster *Roster `json:"-"`
	Events []Event `json:"-"`
}

// Load reads, into rj, the roster version it repairs and the roster's
// events (the parts not kept with the job), from st. It returns EINVALID
// for a repair job without a repair, and the store's errors.
func (rj *RepairJob) Load(ctx context.Context, team string, st interface {
	RosterStore
	EventStore
}) error {
	if rj == nil {
		return Invalid("repair", "null", "the repair job says nothing to repair")
	}
	v, err := st.RosterVersion(ctx, team, rj.RosterID, rj.Version)
	if err != nil {
		return err
	}
	if rj.Events, err = st.Events(ctx, team, rj.RosterID); err != nil {
		return err
	}
	rj.Roster = v.Roster
	return nil
}

// Repairer re-plans the rest of a live day: a Planner that implements it
// runs repair jobs.
type Repairer interface {
	// Repair re-plans the live day of rj (its Roster, planned for req,
	// and Events) at rj.At within its budget, and returns the whole
	// roster, every date of it, and what changed. It returns EINVALID if
	// the events or the date do not fit the roster.
	Repair(ctx context.Context, req *Request, rj *RepairJob) (*Roster, *RepairReport, error)
}

// Next returns the roster version a repair stores: the next one of the
// version it repaired, a draft, with the repaired roster and the
// version's request req.
func (rj *RepairJob) Next(team string, req *Request, roster *Roster) *RosterVersion {
	return &RosterVersion{Team: team, RosterID: rj.RosterID, Version: rj.Version + 1, Status: RosterDraft,
		Note: fmt.Sprintf("repair of version %d at %s", rj.Version, rj.At), Request: req, Roster: roster}
}

// JobResult is what a job made: a solve's or repair's roster, a
// simulation's report, a repair's report, a replication's result
// (package simulation's Replication as JSON).
type JobResult struct {
	Roster      *Roster
	Report      *SimulationReport
	Repair      *RepairReport
	Replication json.RawMessage
}

// RunJob runs a job with planner p: a solve plans j.Request and returns the
// roster; a simulation plans each day of j.Request under j.Simulation and
// returns the report; a repair re-plans j.Repair (p must be a Repairer)
// and returns the roster and what changed. progress, if not nil, hears of
// each improvement (a simulation reports after each day). It returns
// EINVALID if the job is malformed and ctx's error if ctx ends before the
// job does.
func RunJob(ctx context.Context, p Planner, j *Job, progress func(Progress)) (*JobResult, error) {
	if j.Request == nil {
		return nil, Invalid("request", "null", "the job has no request")
	}
	switch j.Kind {
	case JobSolve:
		r, err := plan(ctx, p, j.Request, progress)
		if err == nil && ctx.Err() != nil {
			err = ctx.Err()
		}
		if err != nil {
			return nil, err
		}
		return &JobResult{Roster: r}, nil
	case JobSimulate:
		rep, err := simulate(ctx, p, j, progress)
		if err != nil {
			return nil, err
		}
		return &JobResult{Report: rep}, nil
	case JobRepair:
		rp, ok := p.(Repairer)
		if !ok {
			return nil, Errorf(EINTERNAL, "the job runner's planner cannot repair a live day")
		}
		if j.Repair == nil || j.Repair.Roster == nil {
			return nil, Invalid("repair", "null", "the repair job has no roster")
		}
		r, rep, err := rp.Repair(ctx, j.Request, j.Repair)
		if err == nil && ctx.Err() != nil {
			err = ctx.Err()
		}
		if err != nil {
			return nil, err
		}
		if progress != nil {
			progress(Progress{BestCost: r.Totals.Cost, Assigned: r.Totals.Assigned, Unassigned: r.Totals.Unassigned})
		}
		return &JobResult{Roster: r, Repair: rep}, nil
	}
	return nil, Invalid("kind", j.Kind, "want solve, simulate or repair")
}

func plan(ctx context.Context, p Planner, req *Request, progress func(Progress)) (*Roster, error) {
	if pp, ok := p.(ProgressPlanner); ok && progress != nil {
		return pp.PlanProgress(ctx, req, progress)
	}
	r, err := p.Plan(ctx, req)
	if err == nil && progress != nil {
		progress(Progress{BestCost: r.Totals.Cost, Assigned: r.Totals.Assigned, Unassigned: r.Totals.Unassigned})
	}
	return r, err
}

func simulate(ctx context.Context, p Planner, j *Job, progress func(Progress)) (*SimulationReport, error) {
	sim := Simulation{}
	if j.Simulation != nil {
		sim = *j.Simulation
	}
	if err := sim.Validate(j.Request); err != nil {
		return nil, err
	}
	rep := &SimulationReport{}
	visits, assigned := 0, 0
	for d := j.From; d <= j.To; d = d.AddDays(1) {
		day := sim.day(j.Request, d)
		r, err := p.Plan(ctx, day)
		if err == nil && ctx.Err() != nil {
			err = ctx.Err()
		}
		if err != nil {
			return nil, fmt.Errorf("simulate %s: %w", d, err)
		}
		sd := SimulatedDay{Date: d, Visits: r.Totals.Visits, Assigned: r.Totals.Assigned, Unassigned: r.Totals.Unassigned,
			TravelSeconds: r.Totals.TravelSeconds, ExcessWorkSeconds: excessWork(day, r), ByPriority: r.Totals.UnassignedByPriority}
		rep.Days = append(rep.Days, sd)
		rep.TravelSeconds += sd.TravelSeconds
		rep.ExcessWorkSeconds += sd.ExcessWorkSeconds
		visits += sd.Visits
		assigned += sd.Assigned
		if progress != nil {
			progress(Progress{Assigned: assigned, Unassigned: visits - assigned, Days: len(rep.Days)})
		}
	}
	if visits > 0 {
		rep.Coverage = float64(assigned) / float64(visits)
	}
	return rep, nil
}

// day returns the request of one date with the simulation's changes: vacant
// workers removed (and from client preferences) and the visits repeated up
// to DemandFactor times their number. Repeated visits get IDs
// "<id>~<n>" and keep no pins or links.
func (s Simulation) day(req *Request, d Date) *Request {
	out := &Request{Team: req.Team, Options: req.Options}
	vacant := func(id string) bool { return slices.Contains(s.VacantWorkers, id) }
	for _, w := range req.Workers {
		if !vacant(w.ID) {
			out.Workers = append(out.Workers, w)
		}
	}
	for _, c := range req.Clients {
		c.PreferredWorkers = slices.DeleteFunc(slices.Clone(c.PreferredWorkers), vacant)
		c.DeclinedWorkers = slices.DeleteFunc(slices.Clone(c.DeclinedWorkers), vacant)
		out.Clients = append(out.Clients, c)
	}
	var base []Visit
	for _, v := range req.Visits {
		if v.Date != d {
			continue
		}
		if v.Pin != nil && vacant(v.Pin.WorkerID) {
			v.Pin = nil
		}
		base = append(base, v)
	}
	factor := s.DemandFactor
	if factor == 0 {
		factor = 1
	}
	want := int(math.Round(factor * float64(len(base))))
	base = base[:min(want, len(base))]
	for i := range base {
		base[i].Links = slices.DeleteFunc(slices.Clone(base[i].Links), func(l Link) bool {
			return !slices.ContainsFunc(base, func(o Visit) bool { return o.ID == l.VisitID })
		})
	}
	out.Visits = base
	for n := len(base); n < want; n++ {
		v := base[n%len(base)]
		v.ID = fmt.Sprintf("%s~%d", v.ID, n/len(base))
		v.Pin, v.Links = nil, nil
		out.Visits = append(out.Visits, v)
	}
	return out
}

// excessWork sums each route's work (travel plus visits) beyond its
// worker's working-time cap: the shift's MaxWorkMinutes, else the
// worker's, else the shift's length.
func excessWork(req *Request, r *Roster) int {
	limit := make(map[string]map[Date]int, len(req.Workers))
	for _, w := range req.Workers {
		limit[w.ID] = make(map[Date]int, len(w.Shifts))
		for _, s := range w.Shifts {
			m := cmp.Or(s.MaxWorkMinutes, w.MaxWorkMinutes)
			if m == 0 {
				m = int(s.End-s.Start) / 60
			}
			limit[w.ID][s.Date] = m * 60
		}
	}
	total := 0
	for _, rt := range r.Routes {
		l, ok := limit[rt.WorkerID][rt.Date]
		if ok && rt.WorkSeconds > l { // WorkSeconds is travel plus visits
			total += rt.WorkSeconds - l
		}
	}
	return total
}
