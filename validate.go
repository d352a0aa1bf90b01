package rounds

import (
	"errors"
	"fmt"
	"math"
)

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
		var ee *Error
		if errors.As(err, &ee) {
			c := *ee
			c.Field = f + "." + c.Field
			return &c
		}
		return err
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

// Penalty returns the cost of leaving a visit of priority p unassigned.
func (o *Options) Penalty(p Priority) int64 {
	if v, ok := o.UnassignedPenalty[p]; ok {
		return v
	}
	return DefaultUnassignedPenalty[p]
}

func validLocation(field string, l Location) error {
	if math.IsNaN(l.Lat) || math.IsNaN(l.Lon) || l.Lat < -90 || l.Lat > 90 || l.Lon < -180 || l.Lon > 180 {
		return Invalid(field, fmt.Sprintf("%g,%g", l.Lat, l.Lon), "latitude must be within ±90 and longitude within ±180")
	}
	if l.Lat == 0 && l.Lon == 0 {
		return Invalid(field, "0,0", "location is missing")
	}
	return nil
}

func validRole(r Role) bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

func validPriority(p Priority) bool {
	for _, x := range Priorities {
		if p == x {
			return true
		}
	}
	return false
}
