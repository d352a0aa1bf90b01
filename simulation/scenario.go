package simulation

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/fixtures"
	"github.com/roundsdev/rounds/geo"
)

// File is a scenario file: the team, its demand, the horizon and how
// often to run it, and the scenarios to compare with the baseline (the
// team and demand as they are). docs/simulation.md documents it.
type File struct {
	Team Team `json:"team"`
	// Demand is the demand model; nil means DefaultDemand for the size of
	// the team.
	Demand *Demand `json:"demand,omitempty"`
	// Start is the first simulated day; empty means fixtures.DefaultDate
	// (a Monday).
	Start rounds.Date `json:"start,omitempty"`
	// HorizonDays is how many days each replication simulates (1 to
	// MaxHorizonDays).
	HorizonDays int `json:"horizonDays"`
	// Replications is how many times each scenario runs, each on its own
	// random numbers, shared by the scenarios (1 to MaxReplications).
	Replications int `json:"replications"`
	// Seed makes the run reproducible: the same file and seed give the
	// same result when the daily plans are bounded by iterations.
	Seed int64 `json:"seed"`
	// Solve bounds each evening's plan.
	Solve Solve `json:"solve,omitempty"`
	// Scenarios are the named changes to compare with the baseline.
	Scenarios []Scenario `json:"scenarios,omitempty"`
}

// Limits on a scenario file.
const (
	MaxHorizonDays  = 365
	MaxReplications = 100
	MaxScenarios    = 20
)

// Baseline is the name of the scenario without changes.
const Baseline = "baseline"

// Team is the staff a simulation plans with: generated, or listed. Each
// worker's shifts repeat every week by weekday.
type Team struct {
	// Size generates the team with fixtures.Generate: "small", "borough"
	// or "area", with Seed; Boroughs and Workers override the size's.
	// The team's week is the 7 days from the horizon's start.
	Size     string   `json:"size,omitempty"`
	Seed     int64    `json:"seed,omitempty"`
	Boroughs []string `json:"boroughs,omitempty"`
	Workers  int      `json:"workers,omitempty"`
	// Staff lists the team instead of Size, as in a planning request. A
	// worker works on each weekday one of their shifts falls on, those
	// hours every week; a team whose shifts all fall on one date works
	// every day.
	Staff []rounds.Worker `json:"staff,omitempty"`
}

// Solve bounds the evening's plan of each simulated day. Iterations make
// a run reproducible; a time limit does not.
type Solve struct {
	// Iterations bounds each plan by search iterations; 0 with no time
	// limit means DefaultIterations.
	Iterations int `json:"iterations,omitempty"`
	// TimeLimitSeconds bounds each plan by time instead (up to 3600).
	TimeLimitSeconds float64 `json:"timeLimitSeconds,omitempty"`
}

// DefaultIterations bounds each day's plan when Solve sets no bound.
const DefaultIterations = 20_000

// Scenario is a named set of changes to the baseline's team and demand.
type Scenario struct {
	Name string `json:"name"`
	// AddWorkers adds workers, each a copy of the first worker of the role
	// (in the network, if given) with their skills and weekly shifts.
	AddWorkers []AddWorkers `json:"addWorkers,omitempty"`
	// RemoveWorkers removes workers by id, or the last Count of a role.
	RemoveWorkers []RemoveWorkers `json:"removeWorkers,omitempty"`
	// MoveWorkers moves workers to another network.
	MoveWorkers []MoveWorkers `json:"moveWorkers,omitempty"`
	// Shifts changes the hours of shifts.
	Shifts []ShiftHours `json:"shifts,omitempty"`
	// ServiceHours changes the hours the service opens on some weekdays.
	ServiceHours []ServiceHours `json:"serviceHours,omitempty"`
	// Demand scales the referrals.
	Demand DemandChange `json:"demand,omitzero"`
	// TravelModes changes how workers get about.
	TravelModes []TravelModeChange `json:"travelModes,omitempty"`
	// Weights changes the weights of the planning rules.
	Weights *Weights `json:"weights,omitempty"`
}

// AddWorkers adds Count workers of a role.
type AddWorkers struct {
	Role  rounds.Role `json:"role"`
	Count int         `json:"count"`
	// Network, if set, is the network the new workers join; they start
	// where the first of its workers starts.
	Network string `json:"network,omitempty"`
}

// RemoveWorkers removes the workers named by IDs, or else the last Count
// workers of Role (of Network, if set), as vacant posts.
type RemoveWorkers struct {
	IDs     []string    `json:"ids,omitempty"`
	Role    rounds.Role `json:"role,omitempty"`
	Count   int         `json:"count,omitempty"`
	Network string      `json:"network,omitempty"`
}

// MoveWorkers moves the workers named by IDs to Network: they belong to
// it and start and end their day at its base (where most of its workers
// start).
type MoveWorkers struct {
	IDs     []string `json:"ids"`
	Network string   `json:"network"`
}

// ShiftHours sets the hours of the shifts of a role (every role if
// empty), of Network if set, on Weekdays (every day if empty). The cap on
// working time keeps its share of the shift.
type ShiftHours struct {
	Role     rounds.Role  `json:"role,omitempty"`
	Network  string       `json:"network,omitempty"`
	Weekdays []string     `json:"weekdays,omitempty"`
	Start    rounds.Clock `json:"start"`
	End      rounds.Clock `json:"end"`
}

// ServiceHours sets when the service opens and closes on Weekdays
// (every day if empty): shifts and visit windows are cut to the hours; a
// visit whose windows all fall outside may start at any time they are
// open.
type ServiceHours struct {
	Weekdays []string     `json:"weekdays,omitempty"`
	Open     rounds.Clock `json:"open"`
	Close    rounds.Clock `json:"close"`
}

// DemandChange scales the referral rates: Multiplier all of them, and
// RapidResponse and Reablement their pathway's on top. 0 (or absent)
// keeps a rate.
type DemandChange struct {
	Multiplier    float64 `json:"multiplier,omitempty"`
	RapidResponse float64 `json:"rapidResponse,omitempty"`
	Reablement    float64 `json:"reablement,omitempty"`
}

// MaxDemandMultiplier bounds each DemandChange factor.
const MaxDemandMultiplier = 10

// TravelModeChange sets the travel mode of the workers of a role (every
// role if empty) and of Network, if set.
type TravelModeChange struct {
	Mode    geo.Mode    `json:"mode"`
	Role    rounds.Role `json:"role,omitempty"`
	Network string      `json:"network,omitempty"`
}

// Weights change the planning rules' weights (see rounds.Options); nil
// fields keep the defaults.
type Weights struct {
	ContinuityPenalty     *int64 `json:"continuityPenalty,omitempty"`
	NetworkPenalty        *int64 `json:"networkPenalty,omitempty"`
	PreferenceMissPenalty *int64 `json:"preferenceMissPenalty,omitempty"`
	OvertimeCostPerMinute *int64 `json:"overtimeCostPerMinute,omitempty"`
	BalanceCostPerMinute  *int64 `json:"balanceCostPerMinute,omitempty"`
}

// ReadFile reads a scenario file, refusing unknown fields or values of
// the wrong type with an EINVALID *rounds.Error naming the field. Run
// checks the rest.
func ReadFile(r io.Reader) (*File, error) {
	var f File
	if err := rounds.DecodeStrict(r, &f); err != nil {
		return nil, err
	}
	return &f, nil
}

// weekdayNames are the weekday names a scenario uses, Monday first.
var weekdayNames = []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

// weekdayOf returns a date's weekday, Monday 0.
func weekdayOf(d rounds.Date) int {
	t, _ := d.Time()
	return (int(t.Weekday()) + 6) % 7
}

// member is a worker of a scenario's team and their week: the shift they
// work on each weekday, Monday first, or nil.
type member struct {
	worker rounds.Worker
	week   [7]*rounds.Shift
}

// plan is a checked file, ready to run: the baseline team and every
// scenario's team, demand and options.
type plan struct {
	file     *File
	demand   Demand
	homes    *fixtures.Homes
	start    rounds.Date
	team     []member
	networks map[string]bool
	runs     []*scenarioPlan // the baseline first
}

// scenarioPlan is one scenario applied to the baseline.
type scenarioPlan struct {
	name    string
	team    []member
	hours   [7]rounds.Window
	mult    [2]float64
	options rounds.Options
}

// prepare checks f and applies its scenarios. It returns an EINVALID
// *rounds.Error naming the field and value of the first problem.
func (f *File) prepare() (*plan, error) {
	switch {
	case f.HorizonDays < 1 || f.HorizonDays > MaxHorizonDays:
		return nil, rounds.Invalid("horizonDays", f.HorizonDays, "must be between 1 and %d (a year)", MaxHorizonDays)
	case f.Replications < 1 || f.Replications > MaxReplications:
		return nil, rounds.Invalid("replications", f.Replications, "must be between 1 and %d", MaxReplications)
	case len(f.Scenarios) > MaxScenarios:
		return nil, rounds.Invalid("scenarios", len(f.Scenarios), "at most %d scenarios besides the baseline", MaxScenarios)
	case f.Solve.Iterations < 0:
		return nil, rounds.Invalid("solve.iterations", f.Solve.Iterations, "must not be negative")
	case !(f.Solve.TimeLimitSeconds >= 0 && f.Solve.TimeLimitSeconds <= 3600):
		return nil, rounds.Invalid("solve.timeLimitSeconds", f.Solve.TimeLimitSeconds, "must be between 0 and 3600")
	}
	p := &plan{file: f, start: f.Start, networks: map[string]bool{}}
	if p.start == "" {
		p.start = fixtures.DefaultDate
	}
	if _, err := p.start.Time(); err != nil {
		return nil, rounds.Invalid("start", f.Start, "date must be YYYY-MM-DD")
	}
	boroughs, err := p.staff()
	if err != nil {
		return nil, err
	}
	if f.Demand != nil {
		p.demand = *f.Demand
	} else {
		p.demand = DefaultDemand(len(p.team))
	}
	if err := p.demand.Validate(); err != nil {
		return nil, rounds.Within("demand.", err)
	}
	if len(p.demand.Boroughs) > 0 {
		boroughs = p.demand.Boroughs
	}
	if p.homes, err = fixtures.NewHomes(boroughs); err != nil {
		return nil, rounds.Within("demand.", err)
	}
	names := map[string]int{Baseline: -1}
	p.runs = append(p.runs, p.baseline())
	for i := range f.Scenarios {
		sc := &f.Scenarios[i]
		field := fmt.Sprintf("scenarios[%d]", i)
		if err := rounds.ValidID(field+".name", sc.Name); err != nil {
			return nil, err
		}
		if j, dup := names[sc.Name]; dup {
			if j < 0 {
				return nil, rounds.Invalid(field+".name", sc.Name, "the baseline is always run; name the scenario otherwise")
			}
			return nil, rounds.Invalid(field+".name", sc.Name, "duplicate scenario name (also scenarios[%d])", j)
		}
		names[sc.Name] = i
		run, err := p.apply(field, sc)
		if err != nil {
			return nil, err
		}
		p.runs = append(p.runs, run)
	}
	return p, nil
}

// staff makes the baseline team and returns the boroughs the clients live
// in by default.
func (p *plan) staff() ([]string, error) {
	t := &p.file.Team
	var workers []rounds.Worker
	var boroughs []string
	switch {
	case t.Size != "" && len(t.Staff) > 0:
		return nil, rounds.Invalid("team.staff", len(t.Staff), "give a size or a staff list, not both")
	case t.Size != "":
		cfg, err := fixtures.SizeByName(t.Size)
		if err != nil {
			return nil, rounds.Within("team.", err)
		}
		cfg.Seed, cfg.Date, cfg.Days = t.Seed, p.start, 7
		if t.Boroughs != nil {
			cfg.Boroughs = t.Boroughs
		}
		if t.Workers != 0 {
			cfg.Workers = t.Workers
		}
		req, err := fixtures.Generate(cfg)
		if err != nil {
			return nil, rounds.Within("team.", err)
		}
		workers, boroughs = req.Workers, cfg.Boroughs
	case len(t.Staff) > 0:
		if t.Boroughs != nil || t.Workers != 0 || t.Seed != 0 {
			return nil, rounds.Invalid("team.boroughs", fmt.Sprint(t.Boroughs), "boroughs, workers and seed go with a size; a staff list's clients live in demand.boroughs")
		}
		req := &rounds.Request{Workers: t.Staff}
		if err := req.Validate(); err != nil {
			return nil, rounds.Refield(err, "workers", "team.staff")
		}
		workers = t.Staff
	default:
		return nil, rounds.Invalid("team", "{}", "give a size (small, borough or area) or a staff list")
	}
	dates := map[rounds.Date]bool{}
	for _, w := range workers {
		for _, s := range w.Shifts {
			dates[s.Date] = true
		}
	}
	every := len(dates) == 1
	for _, w := range workers {
		m := member{worker: w}
		m.worker.Shifts = nil
		for _, s := range w.Shifts {
			if every {
				for d := range m.week {
					m.week[d] = &s
				}
			} else if wd := weekdayOf(s.Date); m.week[wd] == nil {
				m.week[wd] = &s
			}
		}
		p.team = append(p.team, m)
		if w.Network != "" {
			p.networks[w.Network] = true
		}
	}
	if len(p.team) == 0 || len(dates) == 0 {
		return nil, rounds.Invalid("team", len(p.team), "the team has no worker with a shift")
	}
	return boroughs, nil
}

// baseline returns the scenario without changes.
func (p *plan) baseline() *scenarioPlan {
	run := &scenarioPlan{name: Baseline, team: cloneTeam(p.team), mult: [2]float64{1, 1}}
	for d := range run.hours {
		run.hours[d] = rounds.ServiceHours
	}
	return run
}

// cloneTeam copies a team deeply enough for a scenario to change it.
func cloneTeam(team []member) []member {
	out := make([]member, len(team))
	for i, m := range team {
		out[i] = m
		for d, s := range m.week {
			if s != nil {
				c := *s
				out[i].week[d] = &c
			}
		}
	}
	return out
}

// apply checks one scenario (field names it) and applies it to the
// baseline.
func (p *plan) apply(field string, sc *Scenario) (*scenarioPlan, error) {
	run := p.baseline()
	run.name = sc.Name
	for j, a := range sc.AddWorkers {
		if err := p.addWorkers(run, fmt.Sprintf("%s.addWorkers[%d]", field, j), a); err != nil {
			return nil, err
		}
	}
	for j, r := range sc.RemoveWorkers {
		if err := p.removeWorkers(run, fmt.Sprintf("%s.removeWorkers[%d]", field, j), r); err != nil {
			return nil, err
		}
	}
	for j, mv := range sc.MoveWorkers {
		if err := p.moveWorkers(run, fmt.Sprintf("%s.moveWorkers[%d]", field, j), mv); err != nil {
			return nil, err
		}
	}
	for j, s := range sc.Shifts {
		if err := p.shiftHours(run, fmt.Sprintf("%s.shifts[%d]", field, j), s); err != nil {
			return nil, err
		}
	}
	for j, h := range sc.ServiceHours {
		f := fmt.Sprintf("%s.serviceHours[%d]", field, j)
		days, err := weekdays(f+".weekdays", h.Weekdays)
		if err != nil {
			return nil, err
		}
		if h.Open < rounds.ServiceHours.Start || h.Close > rounds.ServiceHours.End || h.Close <= h.Open {
			return nil, rounds.Invalid(f, rounds.Window{Start: h.Open, End: h.Close}, "the hours must be a window within %s", rounds.ServiceHours)
		}
		for _, d := range days {
			run.hours[d] = rounds.Window{Start: h.Open, End: h.Close}
		}
	}
	for k, c := range []struct {
		name  string
		value float64
	}{{"multiplier", sc.Demand.Multiplier}, {"rapidResponse", sc.Demand.RapidResponse}, {"reablement", sc.Demand.Reablement}} {
		if !(c.value >= 0 && c.value <= MaxDemandMultiplier) {
			return nil, rounds.Invalid(field+".demand."+c.name, c.value, "a multiplier must be between 0 and %d (0 keeps the rate)", MaxDemandMultiplier)
		}
		if c.value == 0 {
			continue
		}
		switch k {
		case 0:
			run.mult[0] *= c.value
			run.mult[1] *= c.value
		default:
			run.mult[k-1] *= c.value
		}
	}
	for j, t := range sc.TravelModes {
		f := fmt.Sprintf("%s.travelModes[%d]", field, j)
		if !t.Mode.Valid() {
			return nil, rounds.Invalid(f+".mode", t.Mode, "unknown travel mode; want one of %v", geo.Modes)
		}
		idx, err := p.matching(run, f, t.Role, t.Network)
		if err != nil {
			return nil, err
		}
		for _, i := range idx {
			run.team[i].worker.TravelMode = t.Mode
		}
	}
	if w := sc.Weights; w != nil {
		o := &run.options
		for _, c := range []struct {
			v   *int64
			dst *int64
		}{{w.ContinuityPenalty, &o.ContinuityPenalty}, {w.NetworkPenalty, &o.NetworkPenalty},
			{w.PreferenceMissPenalty, &o.PreferenceMissPenalty}, {w.OvertimeCostPerMinute, &o.OvertimeCostPerMinute},
			{w.BalanceCostPerMinute, &o.BalanceCostPerMinute}} {
			if c.v != nil {
				*c.dst = *c.v
			}
		}
		if err := (&rounds.Request{Options: *o}).Validate(); err != nil {
			return nil, rounds.Refield(err, "options.", field+".weights.")
		}
	}
	if len(run.team) == 0 {
		return nil, rounds.Invalid(field+".removeWorkers", len(p.team), "the scenario removes every worker")
	}
	return run, nil
}

// weekdays returns the indices (Monday 0) of named weekdays, or all seven
// for none.
func weekdays(field string, names []string) ([]int, error) {
	if len(names) == 0 {
		return []int{0, 1, 2, 3, 4, 5, 6}, nil
	}
	var out []int
	for i, n := range names {
		d := slices.Index(weekdayNames, strings.ToLower(n))
		if d < 0 {
			return nil, rounds.Invalid(fmt.Sprintf("%s[%d]", field, i), n, "unknown weekday; want one of %v", weekdayNames)
		}
		out = append(out, d)
	}
	return out, nil
}

// matching returns the indices of the scenario's workers of a role (any
// if empty) and network (any if empty), checking both names.
func (p *plan) matching(run *scenarioPlan, field string, role rounds.Role, network string) ([]int, error) {
	if role != "" && !slices.Contains(rounds.Roles, role) {
		return nil, rounds.Invalid(field+".role", role, "unknown role; want one of %v", rounds.Roles)
	}
	if network != "" && !p.networks[network] {
		return nil, rounds.Invalid(field+".network", network, "no worker of the team is in this network; it has %v", slices.Sorted(maps.Keys(p.networks)))
	}
	var out []int
	for i, m := range run.team {
		if (role == "" || m.worker.Role == role) && (network == "" || m.worker.Network == network) {
			out = append(out, i)
		}
	}
	return out, nil
}

func (p *plan) addWorkers(run *scenarioPlan, f string, a AddWorkers) error {
	if a.Role == "" {
		return rounds.Invalid(f+".role", `""`, "a role is required; want one of %v", rounds.Roles)
	}
	if a.Count < 1 || a.Count > 1000 {
		return rounds.Invalid(f+".count", a.Count, "must be between 1 and 1000")
	}
	of, err := p.matching(run, f, a.Role, a.Network)
	if err != nil {
		return err
	}
	if len(of) == 0 {
		if of, _ = p.matching(run, f, a.Role, ""); len(of) == 0 {
			return rounds.Invalid(f+".role", a.Role, "the team has no worker of this role to copy")
		}
	}
	tmpl := run.team[of[0]]
	if a.Network != "" && tmpl.worker.Network != a.Network {
		in, _ := p.matching(run, f, "", a.Network)
		tmpl.worker.Network, tmpl.worker.Start, tmpl.worker.End = a.Network, run.team[in[0]].worker.Start, run.team[in[0]].worker.End
	}
	ids := map[string]bool{}
	for _, m := range run.team {
		ids[m.worker.ID] = true
	}
	for n := 1; a.Count > 0; n++ {
		id := fmt.Sprintf("new-%s-%d", a.Role, n)
		if ids[id] {
			continue
		}
		m := cloneTeam([]member{tmpl})[0]
		m.worker.ID, m.worker.Name = id, "New "+strings.ReplaceAll(string(a.Role), "_", " ")
		run.team = append(run.team, m)
		ids[id] = true
		a.Count--
	}
	return nil
}

func (p *plan) removeWorkers(run *scenarioPlan, f string, r RemoveWorkers) error {
	if len(r.IDs) > 0 {
		if r.Role != "" || r.Count != 0 || r.Network != "" {
			return rounds.Invalid(f+".ids", fmt.Sprint(r.IDs), "remove by ids or by role and count, not both")
		}
		for k, id := range r.IDs {
			i := slices.IndexFunc(run.team, func(m member) bool { return m.worker.ID == id })
			if i < 0 {
				return rounds.Invalid(fmt.Sprintf("%s.ids[%d]", f, k), id, "no worker of the team has this id")
			}
			run.team = slices.Delete(run.team, i, i+1)
		}
		return nil
	}
	if r.Role == "" {
		return rounds.Invalid(f+".role", `""`, "give ids, or a role and a count")
	}
	of, err := p.matching(run, f, r.Role, r.Network)
	if err != nil {
		return err
	}
	if r.Count < 1 || r.Count > len(of) {
		return rounds.Invalid(f+".count", r.Count, "must be between 1 and the %d workers of role %s there are", len(of), r.Role)
	}
	for _, i := range slices.Backward(of[len(of)-r.Count:]) {
		run.team = slices.Delete(run.team, i, i+1)
	}
	return nil
}

func (p *plan) moveWorkers(run *scenarioPlan, f string, mv MoveWorkers) error {
	if mv.Network == "" {
		return rounds.Invalid(f+".network", `""`, "a network is required; the team has %v", slices.Sorted(maps.Keys(p.networks)))
	}
	in, err := p.matching(run, f, "", mv.Network)
	if err != nil {
		return err
	}
	if len(mv.IDs) == 0 {
		return rounds.Invalid(f+".ids", "[]", "name the workers to move")
	}
	// The network's base: where most of its workers start.
	starts := map[rounds.Location]int{}
	base := run.team[in[0]].worker.Start
	for _, i := range in {
		at := run.team[i].worker.Start
		if starts[at]++; starts[at] > starts[base] {
			base = at
		}
	}
	for k, id := range mv.IDs {
		i := slices.IndexFunc(run.team, func(m member) bool { return m.worker.ID == id })
		if i < 0 {
			return rounds.Invalid(fmt.Sprintf("%s.ids[%d]", f, k), id, "no worker of the team has this id")
		}
		w := &run.team[i].worker
		w.Network, w.Start, w.End = mv.Network, base, nil
	}
	return nil
}

func (p *plan) shiftHours(run *scenarioPlan, f string, s ShiftHours) error {
	if s.Start < rounds.ServiceHours.Start || s.End > rounds.ServiceHours.End || s.End <= s.Start {
		return rounds.Invalid(f, rounds.Window{Start: s.Start, End: s.End}, "a shift must be a window within %s", rounds.ServiceHours)
	}
	days, err := weekdays(f+".weekdays", s.Weekdays)
	if err != nil {
		return err
	}
	idx, err := p.matching(run, f, s.Role, s.Network)
	if err != nil {
		return err
	}
	for _, i := range idx {
		for _, d := range days {
			if sh := run.team[i].week[d]; sh != nil {
				*sh = reshape(*sh, s.Start, s.End)
			}
		}
	}
	return nil
}

// reshape gives a shift new hours; its cap on working time keeps its
// share of the shift.
func reshape(sh rounds.Shift, start, end rounds.Clock) rounds.Shift {
	old := sh.End - sh.Start
	if sh.MaxWorkMinutes > 0 {
		sh.MaxWorkMinutes = max(1, int(int64(sh.MaxWorkMinutes)*int64(end-start)/int64(old)))
	}
	sh.Start, sh.End = start, end
	return sh
}

// dayOf returns the date of horizon day d.
func (p *plan) dayOf(d int) rounds.Date { return p.start.AddDays(d) }

// solveOptions returns a day's solve options: the scenario's weights,
// the file's bound, one thread and a seed of the replication and day.
func (p *plan) solveOptions(run *scenarioPlan, rep, day int) rounds.Options {
	o := run.options
	o.Iterations, o.TimeLimitSeconds = p.file.Solve.Iterations, p.file.Solve.TimeLimitSeconds
	if o.Iterations == 0 && o.TimeLimitSeconds == 0 {
		o.Iterations = DefaultIterations
	}
	o.Threads = 1
	o.Seed = int64(stream(p.file.Seed, keySolve, uint64(rep), uint64(day)).Uint64() >> 2)
	return o
}
