// Package validate checks a roster against the hard rules of the request it
// plans. It recomputes every route from scratch (travel, arrivals, waits,
// returns, working time, totals) and shares no code with the solver, so it
// can vouch for any roster: one the solver returns, one read from a file, or
// one a coordinator edited by hand.
package validate

import (
	"context"
	"fmt"
	"time"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/geo"
)

// Violation is one broken rule, said in words a coordinator understands.
type Violation struct {
	// Rule is one of the Rule constants.
	Rule string `json:"rule"`
	// WorkerID, VisitID and Date locate the problem; each is empty when it
	// does not apply.
	WorkerID string      `json:"workerId,omitempty"`
	VisitID  string      `json:"visitId,omitempty"`
	Date     rounds.Date `json:"date,omitempty"`
	Message  string      `json:"message"`
}

// String returns "rule: message".
func (v Violation) String() string { return v.Rule + ": " + v.Message }

// Option changes how Roster judges a roster.
type Option func(*config)

type config struct {
	// syncSeconds is how far apart the two starts of a double-handed visit
	// may be.
	syncSeconds int
	// live, events and at are the live day of Events; published is the
	// roster of Published.
	live      bool
	events    []rounds.Event
	at        rounds.Clock
	published *rounds.Roster
}

// SyncTolerance lets the two workers of a double-handed visit start up to d
// apart (whole seconds; a negative d counts as 0). The default is the
// request's Options.SyncToleranceMinutes, 0 unless set: both start at the
// same second.
func SyncTolerance(d time.Duration) Option {
	return func(c *config) { c.syncSeconds = max(0, int(d/time.Second)) }
}

// Roster checks r against the hard rules of req, with travel times from src,
// and returns every violation found: route by route and stop by stop, then
// unassigned entry by entry, then visit by visit in request order, then the
// totals, then the continuity of care (each client's different workers),
// then the cost and its score rule by rule. None means r is a valid plan
// of req. With Events, r is judged as a live day's roster (see Events):
// the frozen rounds come right after the routes.
//
// It calls src.Matrix once per travel mode used by the routes, over the
// distinct worker starts, worker ends and client locations those routes
// need. It returns an error, and no violations, if req, r or src is nil, if
// req fails Request.Validate (an EINVALID *rounds.Error), if src fails or
// returns a matrix of the wrong size, or on the errors Events names; a
// broken rule is never an error.
//
// The time complexity of Roster is O(S + V + L·M + P²·modes) for S stops, V
// visits, L links, M workers per linked visit and P distinct points, plus
// the cost of src. It modifies neither req nor r.
func Roster(ctx context.Context, req *rounds.Request, r *rounds.Roster, src geo.Source, opts ...Option) ([]Violation, error) {
	c, err := newCheck(ctx, req, r, src, opts)
	if err != nil {
		return nil, err
	}
	c.checkRoutes()
	if c.live != nil {
		c.checkFrozenOrder()
	}
	c.checkUnassigned()
	c.checkVisits()
	c.checkTotals()
	c.checkContinuity()
	c.checkScore()
	return c.out, nil
}

// newCheck returns a checker of r against req with the travel times of
// the routes loaded from src.
func newCheck(ctx context.Context, req *rounds.Request, r *rounds.Roster, src geo.Source, opts []Option) (*checker, error) {
	if req == nil {
		return nil, rounds.Errorf(rounds.EINVALID, "validate roster: request is nil")
	}
	if r == nil {
		return nil, rounds.Errorf(rounds.EINVALID, "validate roster: roster is nil")
	}
	if src == nil {
		return nil, rounds.Errorf(rounds.EINVALID, "validate roster: travel source is nil")
	}
	if err := req.Validate(); err != nil {
		return nil, fmt.Errorf("validate roster: %w", err)
	}
	cfg := config{syncSeconds: req.Options.SyncToleranceMinutes * 60}
	for _, o := range opts {
		o(&cfg)
	}
	c := newChecker(req, r, cfg)
	if cfg.live {
		var err error
		if c.live, err = newLive(req, r, cfg); err != nil {
			return nil, fmt.Errorf("validate live roster: %w", err)
		}
	}
	if err := c.loadTravel(ctx, src); err != nil {
		return nil, fmt.Errorf("validate roster: %w", err)
	}
	return c, nil
}

// checker holds the request indexed by id and what the routes add up to.
type checker struct {
	req     *rounds.Request
	r       *rounds.Roster
	cfg     config
	out     []Violation
	workers map[string]*rounds.Worker
	clients map[string]*rounds.Client
	visits  map[string]*rounds.Visit
	// tables holds the travel times of each mode the routes use.
	tables map[geo.Mode]table
	// served lists, per visit id, every time a route makes the visit.
	served map[string][]appearance
	// unassigned counts, per visit id, the entries in r.Unassigned.
	unassigned map[string]int
	// travel, work and wait are what the routes really add up to;
	// timesKnown is false when a route's times cannot be recomputed
	// (unknown worker or visit).
	travel, work, wait int
	timesKnown         bool
	// overtime sums the routes' overtime seconds, from their returns, and
	// overtimeCost their costs.
	overtime     int
	overtimeCost int64
	// usedWorkers holds every worker id with at least one stop.
	usedWorkers map[string]bool
	// live is the live day of Events, or nil.
	live *live
}

// appearance is one worker making a visit.
type appearance struct {
	workerID string
	start    int
	// actual says the start was reported (Events).
	actual bool
}

func newChecker(req *rounds.Request, r *rounds.Roster, cfg config) *checker {
	c := &checker{
		req:         req,
		r:           r,
		cfg:         cfg,
		workers:     make(map[string]*rounds.Worker, len(req.Workers)),
		clients:     make(map[string]*rounds.Client, len(req.Clients)),
		visits:      make(map[string]*rounds.Visit, len(req.Visits)),
		served:      make(map[string][]appearance),
		unassigned:  make(map[string]int),
		timesKnown:  true,
		usedWorkers: make(map[string]bool),
	}
	for i := range req.Workers {
		c.workers[req.Workers[i].ID] = &req.Workers[i]
	}
	for i := range req.Clients {
		c.clients[req.Clients[i].ID] = &req.Clients[i]
	}
	for i := range req.Visits {
		c.visits[req.Visits[i].ID] = &req.Visits[i]
	}
	return c
}

// add records a violation.
func (c *checker) add(rule, workerID, visitID string, date rounds.Date, format string, args ...any) {
	c.out = append(c.out, Violation{Rule: rule, WorkerID: workerID, VisitID: visitID, Date: date, Message: fmt.Sprintf(format, args...)})
}
