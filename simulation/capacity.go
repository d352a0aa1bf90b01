package simulation

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/roundsdev/rounds"
)

// CapacitySearch asks for the fewest workers of a role that meet a
// target: Capacity adds or removes workers of the role (AddWorkers,
// RemoveWorkers) and runs every replication of the changed team, on the
// same random numbers at every step, until it has bracketed the fewest.
type CapacitySearch struct {
	// Role is the role whose workers are added or removed.
	Role rounds.Role `json:"role"`
	// Network, if set, adds and removes workers of this network only.
	Network string `json:"network,omitempty"`
	// Scenario, if set, names a scenario of the file whose changes the
	// search starts from; empty starts from the baseline. The file's
	// other scenarios are not run.
	Scenario string `json:"scenario,omitempty"`
	// Target is the goal on one KPI.
	Target Target `json:"target"`
	// MaxAdded is the most workers the search adds; 0 means
	// DefaultMaxAdded.
	MaxAdded int `json:"maxAdded,omitempty"`
}

// DefaultMaxAdded is how many workers a capacity search adds at most
// when it does not say; MaxAdded the most it may say.
const (
	DefaultMaxAdded = 20
	MaxAdded        = 200
)

// Target is a goal on one KPI's mean over the replications: at least
// Value (AtLeast) or at most Value.
type Target struct {
	KPI     string  `json:"kpi"`
	AtLeast bool    `json:"atLeast"`
	Value   float64 `json:"value"`
}

// String writes the target as ParseTarget reads it.
func (t Target) String() string {
	op := "<="
	if t.AtLeast {
		op = ">="
	}
	return t.KPI + op + strconv.FormatFloat(t.Value, 'g', -1, 64)
}

// Met reports whether a KPI's mean meets the target.
func (t Target) Met(mean float64) bool {
	if t.AtLeast {
		return mean >= t.Value
	}
	return mean <= t.Value
}

// ParseTarget reads a target as KPI>=VALUE or KPI<=VALUE
// ("rapid_response_within_2h>=0.95"); a share may be given in percent
// ("coverage>=90%"). It returns an EINVALID *rounds.Error naming the
// field "target" and the value if it is not one.
func ParseTarget(s string) (Target, error) {
	var t Target
	i := strings.IndexAny(s, "<>")
	if i < 0 || i+1 >= len(s) || s[i+1] != '=' {
		return t, rounds.Invalid("target", s, "want KPI>=VALUE or KPI<=VALUE")
	}
	t.KPI, t.AtLeast = strings.TrimSpace(s[:i]), s[i] == '>'
	num := strings.TrimSpace(s[i+2:])
	scale := 1.0
	if strings.HasSuffix(num, "%") {
		num, scale = strings.TrimSuffix(num, "%"), 100
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return t, rounds.Invalid("target", s, "the value %q is not a number", num)
	}
	t.Value = v / scale
	return t, nil
}

// CapacityStep is one run of a capacity search: the workers of the role
// changed by Change (added, or removed if negative), so that it has
// Workers, and the target KPI's estimate.
type CapacityStep struct {
	Change  int      `json:"change"`
	Workers int      `json:"workers"`
	Value   Interval `json:"value"`
	Met     bool     `json:"met"`
}

// CapacityResult is the outcome of a capacity search.
type CapacityResult struct {
	Search CapacitySearch `json:"search"`
	// Workers is how many workers of the role (in the network) the
	// search started from.
	Workers int `json:"workers"`
	// Steps are the runs, in the order made.
	Steps []CapacityStep `json:"steps"`
	// Found says some number of workers up to Workers + MaxAdded meets
	// the target; Fewest is then the fewest, Change the workers added to
	// get there (negative: removed).
	Found  bool `json:"found"`
	Fewest int  `json:"fewest"`
	Change int  `json:"change"`
}

// Capacity searches for the fewest workers of s.Role (of s.Network) that
// meet s.Target, starting from the baseline of f or its scenario
// s.Scenario. It runs the starting team first; if it meets the target it
// searches down to removing every worker of the role (all but one if
// they are the whole team), else up to adding s.MaxAdded, by bisection:
// about log2 of the range runs of every replication, each on the same
// random numbers (common random numbers), so that steps differ by their
// workers, not by their noise. It assumes that more workers of the role
// never turn a met target into a missed one. step, if set, is called
// after each run. It checks f and s first and returns an EINVALID
// *rounds.Error naming the field ("capacity.role") and value of the
// first problem; then Run's errors.
func Capacity(ctx context.Context, f *File, s CapacitySearch, opt Options, step func(CapacityStep)) (*CapacityResult, error) {
	if s.MaxAdded == 0 {
		s.MaxAdded = DefaultMaxAdded
	}
	start, n, whole, err := s.check(f)
	if err != nil {
		return nil, err
	}
	out := &CapacityResult{Search: s, Workers: n}
	met := map[int]bool{}
	eval := func(change int) (bool, error) {
		if m, ok := met[change]; ok {
			return m, nil
		}
		sc := start
		sc.Name = "capacity"
		sc.AddWorkers, sc.RemoveWorkers = slices.Clone(sc.AddWorkers), slices.Clone(sc.RemoveWorkers)
		switch {
		case change > 0:
			sc.AddWorkers = append(sc.AddWorkers, AddWorkers{Role: s.Role, Count: change, Network: s.Network})
		case change < 0:
			sc.RemoveWorkers = append(sc.RemoveWorkers, RemoveWorkers{Role: s.Role, Count: -change, Network: s.Network})
		}
		g := *f
		g.Scenarios = []Scenario{sc}
		p, err := g.prepare()
		if err != nil {
			return false, err
		}
		p.runs = p.runs[1:]
		res, err := p.run(ctx, opt)
		if err != nil {
			return false, fmt.Errorf("%s %+d: %w", s.Role, change, err)
		}
		xs := make([]float64, len(res.Scenarios[0].Replications))
		for i, r := range res.Scenarios[0].Replications {
			xs[i] = r.KPIs[s.Target.KPI]
		}
		st := CapacityStep{Change: change, Workers: n + change, Value: MeanInterval(xs)}
		st.Met = s.Target.Met(st.Value.Mean)
		out.Steps = append(out.Steps, st)
		if step != nil {
			step(st)
		}
		met[change] = st.Met
		return st.Met, nil
	}
	lowest := -n
	if whole {
		lowest = -(n - 1)
	}
	ok, err := eval(0)
	if err != nil {
		return nil, err
	}
	lo, hi := 0, 0 // lo misses the target, hi meets it
	if ok {
		if ok, err = eval(lowest); err != nil {
			return nil, err
		} else if ok {
			out.Found, out.Change, out.Fewest = true, lowest, n+lowest
			return out, nil
		}
		lo = lowest
	} else {
		if ok, err = eval(s.MaxAdded); err != nil || !ok {
			return out, err
		}
		hi = s.MaxAdded
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		ok, err := eval(mid)
		if err != nil {
			return nil, err
		}
		if ok {
			hi = mid
		} else {
			lo = mid
		}
	}
	out.Found, out.Change, out.Fewest = true, hi, n+hi
	return out, nil
}

// check checks the search against f and returns the scenario it starts
// from, how many workers of the role (in the network) that has, and
// whether they are the whole team.
func (s *CapacitySearch) check(f *File) (Scenario, int, bool, error) {
	p, err := f.prepare()
	if err != nil {
		return Scenario{}, 0, false, err
	}
	run := p.runs[0]
	var start Scenario
	if s.Scenario != "" {
		i := slices.IndexFunc(f.Scenarios, func(sc Scenario) bool { return sc.Name == s.Scenario })
		if i < 0 {
			return start, 0, false, rounds.Invalid("capacity.scenario", s.Scenario, "the file has no scenario of this name")
		}
		start, run = f.Scenarios[i], p.runs[i+1]
	}
	switch {
	case !slices.Contains(rounds.Roles, s.Role):
		return start, 0, false, rounds.Invalid("capacity.role", s.Role, "unknown role; want one of %v", rounds.Roles)
	case s.Network != "" && !p.networks[s.Network]:
		return start, 0, false, rounds.Invalid("capacity.network", s.Network, "no worker of the team is in this network; it has %v", slices.Sorted(maps.Keys(p.networks)))
	case !knownKPI(s.Target.KPI):
		return start, 0, false, rounds.Invalid("capacity.target.kpi", s.Target.KPI, "unknown KPI; want one of %v, %sROLE or %sSKILL",
			KPINames()[:5], UtilisationPrefix, UnmetHoursPrefix)
	case math.IsNaN(s.Target.Value) || math.IsInf(s.Target.Value, 0):
		return start, 0, false, rounds.Invalid("capacity.target.value", s.Target.Value, "must be a number")
	case s.MaxAdded < 1 || s.MaxAdded > MaxAdded:
		return start, 0, false, rounds.Invalid("capacity.maxAdded", s.MaxAdded, "must be between 1 and %d", MaxAdded)
	}
	n := 0
	for _, m := range run.team {
		if m.worker.Role == s.Role && (s.Network == "" || m.worker.Network == s.Network) {
			n++
		}
	}
	if n == 0 {
		return start, 0, false, rounds.Invalid("capacity.role", s.Role, "the team has no worker of this role to copy")
	}
	return start, n, n == len(run.team), nil
}

// knownKPI reports whether name is a KPI a replication can have.
func knownKPI(name string) bool {
	if slices.Contains(KPINames(), name) {
		return true
	}
	if skill, ok := strings.CutPrefix(name, UnmetHoursPrefix); ok {
		return skill != ""
	}
	return false
}
