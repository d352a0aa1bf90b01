package simulation

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/solver"
)

// Options tune a run.
type Options struct {
	// Source gives the travel times, for the plans and the day.
	Source geo.Source
	// Parallel is how many replications run at once; 0 means one per core.
	Parallel int
	// Progress, if set, is called after each simulated day with the days
	// done and the days of the whole run (days × replications ×
	// scenarios). Calls come from one goroutine at a time.
	Progress func(done, total int)
}

// Ledger accounts for every visit due on a day: each ends the day made,
// rolled over to the next day, breached or cancelled, so Due = Made +
// RolledOver + Breached + Cancelled.
type Ledger struct {
	// Due counts the visits due: the episodes' visits of the day, the
	// visits rolled over from the day before, and the same-day
	// rapid-response assessments.
	Due int `json:"due"`
	// Made counts the visits made.
	Made int `json:"made"`
	// RolledOver counts the reablement visits not made, due again the
	// next day (once).
	RolledOver int `json:"rolledOver"`
	// Breached counts the visits not made that do not roll over: rapid
	// response, and reablement visits already rolled over once.
	Breached int `json:"breached"`
	// Cancelled counts the visits the client cancelled on the day.
	Cancelled int `json:"cancelled"`
}

// Day is one simulated day of a replication.
type Day struct {
	Date rounds.Date `json:"date"`
	// Referrals counts the referrals that arrived on the day, by pathway.
	Referrals map[rounds.Priority]int `json:"referrals"`
	// Carried counts the visits rolled over from the day before (part of
	// Due).
	Carried int `json:"carried"`
	// Unplanned counts the visits the evening's plan left unassigned.
	Unplanned int `json:"unplanned"`
	// Dispatched counts the same-day rapid-response referrals dispatch
	// placed in the running day; DispatchedLate those of them it could
	// place only after their two hours.
	Dispatched     int    `json:"dispatched"`
	DispatchedLate int    `json:"dispatchedLate"`
	Ledger         Ledger `json:"ledger"`
}

// Replication is one run of a scenario over the horizon.
type Replication struct {
	// KPIs are the measures of the service over the horizon (see KPI
	// names).
	KPIs map[string]float64 `json:"kpis"`
	Days []Day              `json:"days"`
}

// ScenarioResult is every replication of one scenario.
type ScenarioResult struct {
	Name         string        `json:"name"`
	Replications []Replication `json:"replications"`
}

// Result is the outcome of a run: the baseline's replications first,
// then each scenario's, replication i of every scenario on the same
// random numbers.
type Result struct {
	Start        rounds.Date      `json:"start"`
	HorizonDays  int              `json:"horizonDays"`
	Replications int              `json:"replications"`
	Seed         int64            `json:"seed"`
	Scenarios    []ScenarioResult `json:"scenarios"`
}

// Run simulates the baseline and every scenario of f for every
// replication. It checks f first and returns an EINVALID *rounds.Error
// naming the field and value of the first problem, before any day is
// planned. Replication i of every scenario draws the same referrals (as
// far as a lower rate goes), the same visit lengths, journeys and
// cancellations, and seeds its plans alike, so that differences between
// scenarios are the scenarios' and not the noise. With plans bounded by
// iterations the result depends only on f. It returns ctx's error if ctx
// ends, and the solver's errors.
func Run(ctx context.Context, f *File, opt Options) (*Result, error) {
	p, err := f.prepare()
	if err != nil {
		return nil, err
	}
	return p.run(ctx, opt)
}

// run simulates every scenario of p (p.runs) for every replication.
func (p *plan) run(ctx context.Context, opt Options) (*Result, error) {
	f := p.file
	if opt.Source == nil {
		opt.Source = geo.Haversine{}
	}
	par := opt.Parallel
	if par <= 0 {
		par = runtime.GOMAXPROCS(0)
	}
	res := &Result{Start: p.start, HorizonDays: f.HorizonDays, Replications: f.Replications, Seed: f.Seed}
	type job struct{ sc, rep int }
	var jobs []job
	for sc, run := range p.runs {
		res.Scenarios = append(res.Scenarios, ScenarioResult{Name: run.name, Replications: make([]Replication, f.Replications)})
		for rep := range f.Replications {
			jobs = append(jobs, job{sc, rep})
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu    sync.Mutex
		done  int
		first error
		wg    sync.WaitGroup
		next  = make(chan job)
	)
	total := len(jobs) * f.HorizonDays
	tick := func() {
		mu.Lock()
		defer mu.Unlock()
		done++
		if opt.Progress != nil {
			opt.Progress(done, total)
		}
	}
	for range min(par, len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range next {
				r := &replication{plan: p, run: p.runs[j.sc], rep: j.rep, src: opt.Source, tick: tick}
				out, err := r.simulate(ctx)
				mu.Lock()
				if err != nil && first == nil {
					first = fmt.Errorf("%s, replication %d: %w", p.runs[j.sc].name, j.rep+1, err)
					cancel()
				}
				if err == nil {
					res.Scenarios[j.sc].Replications[j.rep] = *out
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for _, j := range jobs {
		select {
		case next <- j:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if first != nil {
		return nil, first
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return res, nil
}

// replication is one scenario's run of one replication.
type replication struct {
	plan *plan
	run  *scenarioPlan
	rep  int
	src  geo.Source
	tick func()

	demand  *demandModel
	clients map[string]rounds.Client
	// due holds the episodes' visits by date, until their day.
	due map[rounds.Date][]rounds.Visit
	// episodeOf names the episode of every visit, rolled-over copies
	// included.
	episodeOf map[string]string
	// regulars counts, per client, the visits each worker made.
	regulars map[string]map[string]int
	kpi      *tally
}

// rolledSuffix ends the id of a visit rolled over to the next day.
const rolledSuffix = "-r"

// simulate runs the horizon: the referrals from before it (so that it
// starts with a steady caseload), then, for each day, the evening's plan,
// the day as it runs, the day's referrals and the carrying over of what
// could not be served.
func (r *replication) simulate(ctx context.Context) (*Replication, error) {
	p := r.plan
	r.demand = &demandModel{d: &p.demand, homes: p.homes, seed: p.file.Seed, rep: r.rep, start: p.start, mult: r.run.mult}
	r.clients = map[string]rounds.Client{}
	r.due = map[rounds.Date][]rounds.Visit{}
	r.episodeOf = map[string]string{}
	r.regulars = map[string]map[string]int{}
	r.kpi = newTally()
	for d := -warmDays; d < 0; d++ {
		if err := r.refer(r.demand.day(d), 0); err != nil {
			return nil, err
		}
	}
	out := &Replication{}
	var carried []rounds.Visit
	for d := range p.file.HorizonDays {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		day, next, err := r.day(ctx, d, carried)
		if err != nil {
			return nil, fmt.Errorf("day %s: %w", p.dayOf(d), err)
		}
		out.Days = append(out.Days, *day)
		carried = next
		r.tick()
	}
	out.KPIs = r.kpi.kpis()
	return out, nil
}

// refer adds referrals' episodes: their visits from day from on become
// due on their dates. It returns the episodes' expansion errors, which a
// valid demand model never makes.
func (r *replication) refer(refs []Referral, from int) error {
	first := r.plan.dayOf(from)
	for i := range refs {
		ref := &refs[i]
		vs, err := ref.Episode.Visits()
		if err != nil {
			return fmt.Errorf("referral %s: %w", ref.Episode.ID, err)
		}
		r.clients[ref.Client.ID] = ref.Client
		for _, v := range vs {
			if v.Date < first {
				continue
			}
			r.due[v.Date] = append(r.due[v.Date], v)
			r.episodeOf[v.ID] = ref.Episode.ID
		}
	}
	return nil
}

// day simulates horizon day d with the visits carried from the day
// before, and returns the day and the visits it carries to the next.
func (r *replication) day(ctx context.Context, d int, carried []rounds.Visit) (*Day, []rounds.Visit, error) {
	p := r.plan
	date := p.dayOf(d)
	wd := weekdayOf(date)
	hours := r.run.hours[wd]
	// The evening before: every referral up to yesterday is known.
	planned := append(r.due[date], carried...)
	delete(r.due, date)
	req := r.request(d, hours, planned)
	roster := &rounds.Roster{} // nobody on shift: nothing is made
	for _, v := range req.Visits {
		roster.Unassigned = append(roster.Unassigned, rounds.Unassigned{VisitID: v.ID, ClientID: v.ClientID, Priority: v.Priority, Reason: rounds.ReasonNoWorkerOnShift})
	}
	if len(req.Workers) > 0 && len(req.Visits) > 0 {
		var err error
		if roster, err = (&solver.Planner{Source: r.src}).Plan(ctx, req); err != nil {
			return nil, nil, err
		}
	}
	cancelled := map[string]bool{}
	for _, v := range req.Visits {
		if r.cancelledOn(v.ID) {
			cancelled[v.ID] = true
		}
	}
	refs := r.demand.day(d)
	sameDay, err := r.arrive(refs, d)
	if err != nil {
		return nil, nil, err
	}
	ran, err := r.runDay(ctx, date, req, roster, cancelled, hours, assessments(sameDay))
	if err != nil {
		return nil, nil, err
	}
	out := &Day{Date: date, Referrals: map[rounds.Priority]int{rounds.RapidResponse: 0, rounds.Reablement: 0},
		Carried: len(carried), Unplanned: len(roster.Unassigned), Dispatched: ran.dispatched, DispatchedLate: ran.late}
	for _, ref := range refs {
		out.Referrals[ref.Episode.Pathway]++
	}
	var next []rounds.Visit
	account := func(v *rounds.Visit, m made, isMade, isCancelled bool) {
		l := &out.Ledger
		l.Due++
		switch {
		case isCancelled:
			l.Cancelled++
		case isMade:
			l.Made++
			if r.regulars[v.ClientID] == nil {
				r.regulars[v.ClientID] = map[string]int{}
			}
			for _, w := range m.workers {
				r.regulars[v.ClientID][w]++
			}
		case v.Priority == rounds.Reablement && !strings.HasSuffix(v.ID, rolledSuffix):
			l.RolledOver++
			next = append(next, rollOver(v, date))
			r.episodeOf[v.ID+rolledSuffix] = r.episodeOf[v.ID]
		default:
			l.Breached++
		}
		r.kpi.visit(v, m, isMade && !isCancelled, isCancelled, r.episodeOf[v.ID])
		delete(r.episodeOf, v.ID)
	}
	for i := range req.Visits {
		v := &req.Visits[i]
		m, ok := ran.made[v.ID]
		account(v, m, ok, cancelled[v.ID])
	}
	for i := range sameDay {
		v := &sameDay[i]
		m, ok := ran.made[v.ID]
		account(v, m, ok, r.cancelledOn(v.ID))
	}
	r.kpi.day(ran)
	return out, next, nil
}

// arrive takes the referrals of day d as they arrive during the day: it
// adds their episodes, whose later visits (and every reablement visit)
// are planned from the next evening on, and returns the visits due on day
// d itself: the rapid-response assessments, each to start within two
// hours of its referral, which dispatch places in the running day
// (runDay), and any other visit a custom pattern has on the first day,
// which nobody takes.
func (r *replication) arrive(refs []Referral, d int) ([]rounds.Visit, error) {
	if err := r.refer(refs, d); err != nil {
		return nil, err
	}
	date := r.plan.dayOf(d)
	due := r.due[date]
	delete(r.due, date)
	return due, nil
}

// assessments returns the same-day visits that go to dispatch, those
// with a referral time, in the order they arrive (then by id).
func assessments(sameDay []rounds.Visit) []rounds.Visit {
	var out []rounds.Visit
	for _, v := range sameDay {
		if v.ReferredAt != nil {
			out = append(out, v)
		}
	}
	slices.SortFunc(out, func(a, b rounds.Visit) int {
		if *a.ReferredAt != *b.ReferredAt {
			return int(*a.ReferredAt - *b.ReferredAt)
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// maxRegulars is how many regular workers a client prefers.
const maxRegulars = 2

// preferred returns the client's regular workers on shift: the (at most
// maxRegulars) who made most of their visits so far, the first id of
// equals first, as a coordinator planning tomorrow would ask for them.
func (r *replication) preferred(client string, onShift map[string]bool) []string {
	var ids []string
	for w := range r.regulars[client] {
		if onShift[w] {
			ids = append(ids, w)
		}
	}
	counts := r.regulars[client]
	slices.SortFunc(ids, func(a, b string) int {
		if counts[a] != counts[b] {
			return counts[b] - counts[a]
		}
		return strings.Compare(a, b)
	})
	return ids[:min(len(ids), maxRegulars)]
}

// rollOver returns the copy of a reablement visit not made on date that
// is due the day after, at any time the service is open, without links.
func rollOver(v *rounds.Visit, date rounds.Date) rounds.Visit {
	c := *v
	c.ID += rolledSuffix
	c.Date = date.AddDays(1)
	c.Windows, c.Links = nil, nil
	c.Skills = slices.Clone(v.Skills)
	return c
}

// request is the evening's planning request of day d: the workers on
// shift that day (cut to the service hours), the clients with visits,
// preferring their regular workers, and the visits (their windows cut to
// the hours), with the scenario's weights and the file's bound.
func (r *replication) request(d int, hours rounds.Window, visits []rounds.Visit) *rounds.Request {
	p := r.plan
	date := p.dayOf(d)
	wd := weekdayOf(date)
	req := &rounds.Request{Team: "simulation", Options: p.solveOptions(r.run, r.rep, d)}
	onShift := map[string]bool{}
	for _, m := range r.run.team {
		sh := m.week[wd]
		if sh == nil || sh.End <= hours.Start || sh.Start >= hours.End {
			continue
		}
		s := *sh
		s.Date = date
		if s.Start < hours.Start || s.End > hours.End {
			s = reshape(s, max(s.Start, hours.Start), min(s.End, hours.End))
		}
		w := m.worker
		w.Shifts = []rounds.Shift{s}
		req.Workers = append(req.Workers, w)
		onShift[w.ID] = true
	}
	seen := map[string]bool{}
	ids := map[string]bool{}
	for _, v := range visits {
		v.Windows = cut(v.Windows, hours, v.DurationMinutes)
		if v.ReferredAt != nil && *v.ReferredAt < hours.Start {
			at := hours.Start
			v.ReferredAt = &at
		}
		ids[v.ID] = true
		req.Visits = append(req.Visits, v)
		if !seen[v.ClientID] {
			seen[v.ClientID] = true
			c := r.clients[v.ClientID]
			c.PreferredWorkers = r.preferred(v.ClientID, onShift)
			req.Clients = append(req.Clients, c)
		}
	}
	for i := range req.Visits { // a link to a visit not due today goes
		req.Visits[i].Links = slices.DeleteFunc(slices.Clone(req.Visits[i].Links), func(l rounds.Link) bool { return !ids[l.VisitID] })
	}
	slices.SortFunc(req.Clients, func(a, b rounds.Client) int { return strings.Compare(a.ID, b.ID) })
	return req
}

// cut returns a visit's windows (ranges for its start) cut so that it
// starts and ends within the hours; if none is left, the hours less the
// visit's length. Within the service hours it changes nothing.
func cut(windows []rounds.Window, hours rounds.Window, minutes int) []rounds.Window {
	if hours == rounds.ServiceHours {
		return windows
	}
	last := max(hours.Start, hours.End-rounds.Clock(minutes*60))
	var out []rounds.Window
	for _, w := range windows {
		if s, e := max(w.Start, hours.Start), min(w.End, last); s <= e {
			out = append(out, rounds.Window{Start: s, End: e})
		}
	}
	if len(out) == 0 {
		out = []rounds.Window{{Start: hours.Start, End: last}}
	}
	return out
}
