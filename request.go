package rounds

import (
	"fmt"
	"math"
	"slices"
	"time"
)

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
	// TimeLimitSeconds bounds the search; 0 means DefaultTimeLimit.
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
	// HandoverPenalty is the disruption cost, in seconds of travel, that
	// a same-day repair (solver.Repair) charges for each visit it gives
	// to another worker than the published roster's; 0 means
	// DefaultHandoverPenalty, a negative value turns it off.
	HandoverPenalty int64 `json:"handoverPenalty,omitempty"`
	// MovedStartPenalty is the disruption cost, in seconds of travel, of
	// a visit whose start a repair moves by more than 30 minutes from the
	// published roster's; 0 means DefaultMovedStartPenalty, a negative
	// value turns it off.
	MovedStartPenalty int64 `json:"movedStartPenalty,omitempty"`
}

// DefaultTimeLimit bounds a solve whose options give neither a time
// limit nor iterations.
const DefaultTimeLimit = 10 * time.Second

// DefaultHandoverPenalty is the disruption cost of a visit a repair gives
// to another worker: fifteen minutes of travel. Two workers and the
// client are told of the change and the client meets someone they did
// not expect: more than a different face on a planned day
// (DefaultContinuityPenalty, ten minutes) and far below leaving the
// least visit out (routine, 50,000), so a repair never drops a visit to
// keep it with its worker. Not measured: a rule of thumb to tune.
const DefaultHandoverPenalty = 900

// DefaultMovedStartPenalty is the disruption cost of a visit whose start
// a repair moves by more than 30 minutes: ten minutes of travel, a phone
// call to the client. Not measured.
const DefaultMovedStartPenalty = 600

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

// DefaultPreferenceMissPenalty is the cost, in seconds of travel, of a
// visit to a client with preferred workers made by someone else: five
// minutes of travel. Measured on a generated borough day, 300 raises the
// share of visits by a preferred worker from 16% to 29% at no loss of
// coverage, while 1,800 reaches 51% but the search then covers 10-15
// fewer visits in the same time: the preference pulls workers across the
// borough faster than the search can repair the rounds around them.
const DefaultPreferenceMissPenalty = 300

// DefaultNetworkPenalty is the cost, in seconds of travel, of a visit
// made by a worker of another network than the client's: five minutes,
// for the same reason.
const DefaultNetworkPenalty = 300

// DefaultContinuityPenalty is the cost, in seconds of travel, of each
// different worker a client sees beyond the first: ten minutes. Measured
// on a generated borough week (80 workers, 4,298 visits; 100,000
// iterations, two seeds), it brings the mean number of different workers
// seen by a client with two or more visits from 4.9 to 3.4, for 2.8% more
// travel and 12 fewer visits made (0.3%); 300 reaches 3.8 (6 fewer
// visits), 1,200 3.2 and 2,400 to 5,000 3.0, for 5-9% more travel and 30
// to 40 fewer visits: past a point the clients keep their workers at the
// expense of coverage. On a single borough day 600 brings it from 2.0 to
// 1.5 at no loss of visits.
const DefaultContinuityPenalty = 600

// MaxCarePenalty bounds Options.PreferenceMissPenalty,
// Options.NetworkPenalty and Options.ContinuityPenalty: the routine unassigned penalty, so that no
// preference outweighs making a visit.
const MaxCarePenalty = 50_000

// DefaultUnassignedPenalty is the cost, in seconds of travel, of leaving a
// visit of each priority unassigned: coverage always comes first, and rapid
// response far above reablement above routine.
var DefaultUnassignedPenalty = map[Priority]int64{
	RapidResponse: 10_000_000,
	Reablement:    200_000,
	Routine:       50_000,
}

// OvertimeCost returns the cost of one minute of overtime: the option or
// its default.
func (o *Options) OvertimeCost() int64 {
	if o.OvertimeCostPerMinute == 0 {
		return DefaultOvertimeCostPerMinute
	}
	return o.OvertimeCostPerMinute
}

// PreferenceMiss returns the cost of a visit made by a worker the client
// did not prefer: the option, its default, or 0 when turned off.
func (o *Options) PreferenceMiss() int64 {
	return carePenalty(o.PreferenceMissPenalty, DefaultPreferenceMissPenalty)
}

// NetworkMiss returns the cost of a visit made by a worker of another
// network: the option, its default, or 0 when turned off.
func (o *Options) NetworkMiss() int64 { return carePenalty(o.NetworkPenalty, DefaultNetworkPenalty) }

// ContinuityCost returns the cost of each different worker a client sees
// beyond the first: the option, its default, or 0 when turned off.
func (o *Options) ContinuityCost() int64 {
	return carePenalty(o.ContinuityPenalty, DefaultContinuityPenalty)
}

func carePenalty(v, def int64) int64 {
	switch {
	case v < 0:
		return 0
	case v == 0:
		return def
	}
	return v
}

// HandoverCost returns the disruption cost of a visit a repair gives to
// another worker: the option, its default, or 0 when turned off.
func (o *Options) HandoverCost() int64 { return carePenalty(o.HandoverPenalty, DefaultHandoverPenalty) }

// MovedStartCost returns the disruption cost of a visit a repair moves
// by more than 30 minutes: the option, its default, or 0 when turned off.
func (o *Options) MovedStartCost() int64 {
	return carePenalty(o.MovedStartPenalty, DefaultMovedStartPenalty)
}

// Penalty returns the cost of leaving a visit of priority p unassigned.
func (o *Options) Penalty(p Priority) int64 {
	if v, ok := o.UnassignedPenalty[p]; ok {
		return v
	}
	return DefaultUnassignedPenalty[p]
}

// MaxSkills is the most distinct skills one request may use.
const MaxSkills = 64

// Validate checks that a request is well formed: ids unique and known,
// locations on Earth, times within service hours, durations positive. It
// returns the first problem found as an EINVALID *Error naming the field
// (for example "visits[3].windows[0].end") and its value. It does not judge
// whether the visits can all be served.
func (r *Request) Validate() error {
	workers := make(map[string]int, len(r.Workers))
	for i := range r.Workers {
		if err := r.validateWorker(i, workers); err != nil {
			return err
		}
	}
	clients := make(map[string]int, len(r.Clients))
	for i := range r.Clients {
		if err := r.validateClient(i, clients, workers); err != nil {
			return err
		}
	}
	episodes := make(map[string]int, len(r.Episodes))
	for i := range r.Episodes {
		if err := r.validateEpisode(i, episodes, clients, workers); err != nil {
			return err
		}
	}
	visits := make(map[string]int, len(r.Visits))
	skills := make(map[Skill]bool)
	for i := range r.Visits {
		if err := r.validateVisit(i, visits, clients, workers); err != nil {
			return err
		}
		if err := r.validateVisitEpisode(i, episodes); err != nil {
			return err
		}
		for _, s := range r.Visits[i].Skills {
			skills[s] = true
		}
	}
	for _, w := range r.Workers {
		for _, s := range w.Skills {
			skills[s] = true
		}
	}
	if len(skills) > MaxSkills {
		return Invalid("skills", len(skills), "a request may use at most %d distinct skills", MaxSkills)
	}
	for i := range r.Visits {
		for j, l := range r.Visits[i].Links {
			f := fmt.Sprintf("visits[%d].links[%d]", i, j)
			if _, ok := visits[l.VisitID]; !ok {
				return Invalid(f+".visitId", l.VisitID, "no visit has this id")
			}
			if l.VisitID == r.Visits[i].ID {
				return Invalid(f+".visitId", l.VisitID, "a visit cannot be linked to itself")
			}
			if l.MinGapMinutes < 0 || l.MaxGapMinutes < l.MinGapMinutes {
				return Invalid(f, fmt.Sprintf("%d-%d", l.MinGapMinutes, l.MaxGapMinutes), "gap must satisfy 0 <= minGapMinutes <= maxGapMinutes")
			}
		}
	}
	return r.Options.validate()
}

func (r *Request) validateWorker(i int, seen map[string]int) error {
	w := &r.Workers[i]
	f := fmt.Sprintf("workers[%d]", i)
	if w.ID == "" {
		return Invalid(f+".id", `""`, "worker id is required")
	}
	if j, dup := seen[w.ID]; dup {
		return Invalid(f+".id", w.ID, "duplicate worker id (also workers[%d])", j)
	}
	seen[w.ID] = i
	if !validRole(w.Role) {
		return Invalid(f+".role", w.Role, "unknown role; want one of %v", Roles)
	}
	if !w.TravelMode.Valid() {
		return Invalid(f+".travelMode", w.TravelMode, "unknown travel mode; want drive, walk or transit")
	}
	if err := validLocation(f+".start", w.Start); err != nil {
		return err
	}
	if w.End != nil {
		if err := validLocation(f+".end", *w.End); err != nil {
			return err
		}
	}
	if w.MaxWorkMinutes < 0 {
		return Invalid(f+".maxWorkMinutes", w.MaxWorkMinutes, "must not be negative")
	}
	dates := make(map[Date]bool, len(w.Shifts))
	for j, s := range w.Shifts {
		sf := fmt.Sprintf("%s.shifts[%d]", f, j)
		if _, err := s.Date.Time(); err != nil {
			return Invalid(sf+".date", s.Date, "date must be YYYY-MM-DD")
		}
		if dates[s.Date] {
			return Invalid(sf+".date", s.Date, "worker already has a shift on this date")
		}
		dates[s.Date] = true
		if s.End <= s.Start {
			return Invalid(sf, Window{s.Start, s.End}, "shift must end after it starts")
		}
		if s.MaxWorkMinutes < 0 {
			return Invalid(sf+".maxWorkMinutes", s.MaxWorkMinutes, "must not be negative")
		}
		if s.OvertimeMinutes < 0 || s.OvertimeMinutes > MaxOvertimeMinutes {
			return Invalid(sf+".overtimeMinutes", s.OvertimeMinutes, "must be between 0 and %d", MaxOvertimeMinutes)
		}
		if s.End+Clock(s.OvertimeMinutes*60) > At(24, 0) {
			return Invalid(sf+".overtimeMinutes", s.OvertimeMinutes, "overtime must end by 24:00")
		}
		if b := r.Options.Break; b != nil && b.validate() == nil {
			if err := b.checkBreakFits(sf, &s); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *Request) validateClient(i int, seen, workers map[string]int) error {
	c := &r.Clients[i]
	f := fmt.Sprintf("clients[%d]", i)
	if c.ID == "" {
		return Invalid(f+".id", `""`, "client id is required")
	}
	if j, dup := seen[c.ID]; dup {
		return Invalid(f+".id", c.ID, "duplicate client id (also clients[%d])", j)
	}
	seen[c.ID] = i
	if err := validLocation(f+".location", c.Location); err != nil {
		return err
	}
	for j, id := range c.PreferredWorkers {
		if _, ok := workers[id]; !ok {
			return Invalid(fmt.Sprintf("%s.preferredWorkers[%d]", f, j), id, "no worker has this id")
		}
	}
	for j, id := range c.DeclinedWorkers {
		if _, ok := workers[id]; !ok {
			return Invalid(fmt.Sprintf("%s.declinedWorkers[%d]", f, j), id, "no worker has this id")
		}
	}
	return nil
}

// validateEpisode checks episode i on its own and that its client and
// case manager are in the request.
func (r *Request) validateEpisode(i int, seen, clients, workers map[string]int) error {
	e := &r.Episodes[i]
	f := fmt.Sprintf("episodes[%d]", i)
	if err := e.Validate(); err != nil {
		return Within(f+".", err)
	}
	if j, dup := seen[e.ID]; dup {
		return Invalid(f+".id", e.ID, "duplicate episode id (also episodes[%d])", j)
	}
	seen[e.ID] = i
	if _, ok := clients[e.ClientID]; !ok {
		return Invalid(f+".clientId", e.ClientID, "no client has this id")
	}
	if _, ok := workers[e.CaseManager]; e.CaseManager != "" && !ok {
		return Invalid(f+".caseManager", e.CaseManager, "no worker has this id")
	}
	return nil
}

// validateVisitEpisode checks that visit i, if it names an episode the
// request lists, is of the episode's client and within its dates. A visit
// may name an episode the request does not list (a solve does not need
// it; an import does, see Request.CheckImport).
func (r *Request) validateVisitEpisode(i int, episodes map[string]int) error {
	v := &r.Visits[i]
	ei, ok := episodes[v.Episode]
	if v.Episode == "" || !ok {
		return nil
	}
	e := &r.Episodes[ei]
	f := fmt.Sprintf("visits[%d]", i)
	if e.ClientID != v.ClientID {
		return Invalid(f+".episode", v.Episode, "the episode is for client %s, not %s", e.ClientID, v.ClientID)
	}
	if v.Date < e.Start || v.Date > e.End {
		return Invalid(f+".date", v.Date, "outside episode %s (%s to %s)", e.ID, e.Start, e.End)
	}
	return nil
}

func (r *Request) validateVisit(i int, seen, clients, workers map[string]int) error {
	v := &r.Visits[i]
	f := fmt.Sprintf("visits[%d]", i)
	if v.ID == "" {
		return Invalid(f+".id", `""`, "visit id is required")
	}
	if j, dup := seen[v.ID]; dup {
		return Invalid(f+".id", v.ID, "duplicate visit id (also visits[%d])", j)
	}
	seen[v.ID] = i
	if _, ok := clients[v.ClientID]; !ok {
		return Invalid(f+".clientId", v.ClientID, "no client has this id")
	}
	if _, err := v.Date.Time(); err != nil {
		return Invalid(f+".date", v.Date, "date must be YYYY-MM-DD")
	}
	if v.DurationMinutes <= 0 || v.DurationMinutes > 12*60 {
		return Invalid(f+".durationMinutes", v.DurationMinutes, "must be between 1 and 720")
	}
	for j, w := range v.Windows {
		wf := fmt.Sprintf("%s.windows[%d]", f, j)
		if w.End < w.Start {
			return Invalid(wf, w, "window ends before it starts")
		}
		if w.Start < ServiceHours.Start || w.End > ServiceHours.End {
			return Invalid(wf, w, "window is outside the service hours %s", ServiceHours)
		}
		if j > 0 && w.Start <= v.Windows[j-1].End {
			return Invalid(wf, w, "windows must be in order and must not overlap")
		}
	}
	if v.WorkersNeeded < 0 || v.WorkersNeeded > 2 {
		return Invalid(f+".workersNeeded", v.WorkersNeeded, "must be 1 or 2")
	}
	if !validPriority(v.Priority) {
		return Invalid(f+".priority", v.Priority, "unknown priority; want one of %v", Priorities)
	}
	if v.Priority != RapidResponse && (v.ReferredAt != nil || v.Deadline != nil) {
		return Invalid(f+".priority", v.Priority, "only rapid_response visits have a referral time or deadline")
	}
	if v.SoftEnd != nil && (*v.SoftEnd < ServiceHours.Start || *v.SoftEnd > ServiceHours.End) {
		return Invalid(f+".softEnd", *v.SoftEnd, "soft end is outside the service hours %s", ServiceHours)
	}
	if v.LatenessCost < 0 || (v.LatenessCost > 0 && v.SoftEnd == nil) {
		return Invalid(f+".latenessCost", v.LatenessCost, "must not be negative, and needs a softEnd")
	}
	if v.Pin != nil {
		if _, ok := workers[v.Pin.WorkerID]; !ok {
			return Invalid(f+".pin.workerId", v.Pin.WorkerID, "no worker has this id")
		}
		if v.Pin.Start != nil && (*v.Pin.Start < ServiceHours.Start || *v.Pin.Start > ServiceHours.End) {
			return Invalid(f+".pin.start", *v.Pin.Start, "pinned start is outside the service hours %s", ServiceHours)
		}
	}
	return nil
}

func (o *Options) validate() error {
	if o.TimeLimitSeconds < 0 || math.IsNaN(o.TimeLimitSeconds) || o.TimeLimitSeconds > 3600 {
		return Invalid("options.timeLimitSeconds", o.TimeLimitSeconds, "must be between 0 and 3600")
	}
	if o.Iterations < 0 {
		return Invalid("options.iterations", o.Iterations, "must not be negative")
	}
	if o.SyncToleranceMinutes < 0 || o.SyncToleranceMinutes > 60 {
		return Invalid("options.syncToleranceMinutes", o.SyncToleranceMinutes, "must be between 0 and 60")
	}
	if o.Threads < 0 || o.Threads > 256 {
		return Invalid("options.threads", o.Threads, "must be between 0 and 256")
	}
	if o.PreferenceMissPenalty > MaxCarePenalty {
		return Invalid("options.preferenceMissPenalty", o.PreferenceMissPenalty, "must be at most %d", MaxCarePenalty)
	}
	if o.OvertimeCostPerMinute < 0 || o.OvertimeCostPerMinute > MaxOvertimeCostPerMinute {
		return Invalid("options.overtimeCostPerMinute", o.OvertimeCostPerMinute, "must be between 0 and %d", MaxOvertimeCostPerMinute)
	}
	if o.BalanceCostPerMinute < 0 || o.BalanceCostPerMinute > MaxBalanceCostPerMinute {
		return Invalid("options.balanceCostPerMinute", o.BalanceCostPerMinute, "must be between 0 and %d", MaxBalanceCostPerMinute)
	}
	if o.Break != nil {
		if err := o.Break.validate(); err != nil {
			return err
		}
	}
	if o.NetworkPenalty > MaxCarePenalty {
		return Invalid("options.networkPenalty", o.NetworkPenalty, "must be at most %d", MaxCarePenalty)
	}
	if o.ContinuityPenalty > MaxCarePenalty {
		return Invalid("options.continuityPenalty", o.ContinuityPenalty, "must be at most %d", MaxCarePenalty)
	}
	if o.HandoverPenalty > MaxCarePenalty {
		return Invalid("options.handoverPenalty", o.HandoverPenalty, "must be at most %d", MaxCarePenalty)
	}
	if o.MovedStartPenalty > MaxCarePenalty {
		return Invalid("options.movedStartPenalty", o.MovedStartPenalty, "must be at most %d", MaxCarePenalty)
	}
	for p, v := range o.UnassignedPenalty {
		if !validPriority(p) {
			return Invalid("options.unassignedPenalty", p, "unknown priority")
		}
		if v < 0 {
			return Invalid("options.unassignedPenalty."+string(p), v, "must not be negative")
		}
	}
	return nil
}

// CheckImport checks a request to import into team (see Store.Import):
// Validate, then what the service asks of stored records and Validate
// does not: IDs of 1 to 64 letters, digits, '-', '_' or '.'; skills from
// the team's catalogue; and every episode a visit names listed in the
// request. It returns the first problem as an EINVALID *Error naming the
// record and field ("visits[3].episode"). The request's Team and Options
// are not stored, and not checked beyond Validate.
func (r *Request) CheckImport(team *Team) error {
	if err := r.Validate(); err != nil {
		return err
	}
	for i, w := range r.Workers {
		f := fmt.Sprintf("workers[%d]", i)
		if err := ValidID(f+".id", w.ID); err != nil {
			return err
		}
		if err := team.CheckSkills(f+".skills", w.Skills); err != nil {
			return err
		}
	}
	for i, c := range r.Clients {
		if err := ValidID(fmt.Sprintf("clients[%d].id", i), c.ID); err != nil {
			return err
		}
	}
	listed := make(map[string]bool, len(r.Episodes))
	for i, e := range r.Episodes {
		listed[e.ID] = true
		if err := team.CheckPatternSkills(fmt.Sprintf("episodes[%d].", i), &e); err != nil {
			return err
		}
	}
	for i, v := range r.Visits {
		f := fmt.Sprintf("visits[%d]", i)
		if err := ValidID(f+".id", v.ID); err != nil {
			return err
		}
		if v.Episode != "" && !listed[v.Episode] {
			return Invalid(f+".episode", v.Episode, "no episode of the request has this id; list it under episodes")
		}
		if err := team.CheckSkills(f+".skills", v.Skills); err != nil {
			return err
		}
	}
	return nil
}

// BuildRequest makes the planning request of a team's records over
// [from, to]: every worker, the clients who consented, and their visits in
// the range. Links to visits outside the request are dropped. skipped
// counts the visits left out for want of consent. It does not validate the
// result.
func BuildRequest(team string, from, to Date, workers []Worker, clients []Client, visits []Visit, opts Options) (req *Request, skipped int) {
	req = &Request{Team: team, Workers: []Worker{}, Clients: []Client{}, Visits: []Visit{}, Options: opts}
	consent := make(map[string]bool, len(clients))
	for _, w := range workers {
		w.Shifts = slices.DeleteFunc(slices.Clone(w.Shifts), func(s Shift) bool { return s.Date < from || s.Date > to })
		req.Workers = append(req.Workers, w)
	}
	for _, c := range clients {
		if c.Consent {
			consent[c.ID] = true
			req.Clients = append(req.Clients, c)
		}
	}
	planned := make(map[string]bool, len(visits))
	for _, v := range visits {
		if v.Date < from || v.Date > to {
			continue
		}
		if !consent[v.ClientID] {
			skipped++
			continue
		}
		planned[v.ID] = true
		req.Visits = append(req.Visits, v)
	}
	for i := range req.Visits {
		req.Visits[i].Links = slices.DeleteFunc(slices.Clone(req.Visits[i].Links), func(l Link) bool { return !planned[l.VisitID] })
	}
	return req, skipped
}
