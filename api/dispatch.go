package api

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"
	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/solver"
	"github.com/roundsdev/rounds/validate"
)

// AcceptRequest is the body of POST /v1/teams/{team}/dispatch/accept: the
// option of a dispatch answer to apply to the roster version it read.
type AcceptRequest struct {
	RosterID string `json:"rosterId"`
	// Version is the version the options were worked out on; it must
	// still be the latest.
	Version int `json:"version"`
	// Referral is the referral as sent for the options, with the visit id,
	// referredAt and at of the answer (else they default to now again).
	Referral rounds.Referral `json:"referral"`
	// Option is the chosen option as the answer gave it.
	Option *rounds.DispatchOption `json:"option"`
}

// staleError is a 409 for a roster version that is no longer the
// latest, with the options worked out afresh on the latest.
type staleError struct {
	err      *rounds.Error
	dispatch *rounds.Dispatch
}

func (e *staleError) Error() string { return e.err.Error() }

func (e *staleError) Unwrap() error { return e.err }

// referralDay returns the live date and time of a referral on roster
// version v: its own, else the roster's only date (or today) and now.
func (s *Server) referralDay(v *rounds.RosterVersion, r *rounds.Referral, prefix string) (rounds.Date, rounds.Clock, error) {
	date, err := s.liveDate(v, prefix+"date", r.Date)
	if err != nil {
		return "", 0, err
	}
	return date, s.liveAt(r.At), nil
}

// accept applies option to the live day of version cur with events: the
// referral's visit and client join the request, and the option's rounds
// are re-timed from where each worker is (solver.LiveRoster) after the
// frozen stops. The option must keep every free visit of the day but
// those it drops, and place the referral's visit. The roster, with the
// other dates' rounds as they were, must pass the independent validator.
// It returns the next version, published, not stored.
func (s *Server) accept(ctx context.Context, cur *rounds.RosterVersion, events []rounds.Event, ref *rounds.Referral, option *rounds.DispatchOption) (*rounds.RosterVersion, error) {
	date, at, err := s.referralDay(cur, ref, "referral.")
	if err != nil {
		return nil, err
	}
	req, visit, err := ref.WithReferral(cur.Request, date, at)
	if err != nil {
		return nil, err
	}
	if err := req.Validate(); err != nil {
		return nil, fmt.Errorf("%w (with the referral)", err)
	}
	state, err := rounds.LiveDay(req, cur.Roster, date, events, at)
	if err != nil {
		return nil, err
	}
	order, err := optionRounds(state, option, visit, date)
	if err != nil {
		return nil, err
	}
	day, err := solver.LiveRoster(ctx, req, cur.Roster, state, s.cfg.Source, order)
	if code := rounds.ErrorCode(err); code == rounds.EINFEASIBLE || code == rounds.EINVALID {
		msg := err.Error()
		return nil, &violationsError{err: rounds.Invalid("option", option.Rank, "the option breaks a hard rule: %s", msg), violations: []string{msg}}
	} else if err != nil {
		return nil, err
	}
	if slices.ContainsFunc(day.Unassigned, func(u rounds.Unassigned) bool { return u.VisitID == visit.ID }) {
		return nil, rounds.Invalid("option", option.Rank, "the option leaves the referral's visit %s unassigned", visit.ID)
	}
	whole := cur.Roster.WithDay(req, date, day)
	if whole.Totals.Cost, whole.Totals.Score, err = validate.Score(ctx, req, whole, s.cfg.Source); err != nil {
		return nil, err
	}
	if err := s.mustPass(ctx, req, whole, "option", option.Rank); err != nil {
		return nil, err
	}
	note := fmt.Sprintf("dispatch %s to %s", visit.ID, option.WorkerID)
	if option.PartnerID != "" {
		note += " and " + option.PartnerID
	}
	return &rounds.RosterVersion{Team: cur.Team, RosterID: cur.RosterID, Version: cur.Version + 1, Status: rounds.RosterPublished,
		Note: note, Request: req, Roster: whole}, nil
}

// mustPass returns a violationsError naming field and value if the
// independent validator finds a broken rule in r.
func (s *Server) mustPass(ctx context.Context, req *rounds.Request, r *rounds.Roster, field string, value any) error {
	violations, err := validate.Roster(ctx, req, r, s.cfg.Source)
	if err != nil {
		return err
	}
	if len(violations) == 0 {
		return nil
	}
	msgs := make([]string, len(violations))
	for i, v := range violations {
		msgs[i] = v.String()
	}
	return &violationsError{err: rounds.Invalid(field, value, "breaks a hard rule: %s", msgs[0]), violations: msgs}
}

// optionRounds returns the rounds of an option for solver.LiveRoster,
// after checking that they hold the referral's visit and every free
// visit of state, once, but those the option drops.
func optionRounds(state *rounds.LiveState, option *rounds.DispatchOption, visit rounds.Visit, date rounds.Date) ([]solver.Round, error) {
	if option == nil {
		return nil, rounds.Invalid("option", "null", "give the chosen option")
	}
	want := map[string]int{visit.ID: visit.Workers()}
	for _, lr := range state.Rounds {
		for _, id := range lr.Free {
			want[id]++
		}
	}
	for _, d := range option.Dropped {
		delete(want, d.VisitID)
	}
	order := make([]solver.Round, len(option.Rounds))
	for i, r := range option.Rounds {
		order[i] = solver.Round{WorkerID: r.WorkerID, Date: date, VisitIDs: r.VisitIDs}
		for j, id := range r.VisitIDs {
			if _, ok := want[id]; !ok {
				return nil, rounds.Invalid(fmt.Sprintf("option.rounds[%d].visitIds[%d]", i, j), id, "not a free visit of the live day, nor the referral's")
			}
			want[id]--
		}
	}
	for id, n := range want {
		if n != 0 {
			return nil, rounds.Invalid("option.rounds", id, "the rounds place visit %s %d times too few (a double-handed visit twice); an option keeps every free visit it does not drop", id, n)
		}
	}
	return order, nil
}

func (s *Server) acceptOption(c echo.Context) error {
	var a AcceptRequest
	if err := rounds.DecodeStrict(c.Request().Body, &a); err != nil {
		return err
	}
	if err := rounds.ValidID("rosterId", a.RosterID); err != nil {
		return err
	}
	if a.Version < 1 {
		return rounds.Invalid("version", a.Version, "want the version the options were worked out on")
	}
	ctx := c.Request().Context()
	team := c.Param("team")
	cur, events, err := s.liveRoster(ctx, team, a.RosterID)
	if err != nil {
		return err
	}
	if a.Version != cur.Version {
		if a.Version > cur.Version {
			return rounds.Invalid("version", a.Version, "the roster is at version %d", cur.Version)
		}
		return s.stale(ctx, cur, events, &a)
	}
	next, err := s.accept(ctx, cur, events, &a.Referral, a.Option)
	if err != nil {
		return err
	}
	if err := s.cfg.Store.AddRosterVersion(ctx, next); rounds.ErrorCode(err) == rounds.ECONFLICT {
		// another dispatcher or a coordinator stored a version first
		if cur, events, err = s.liveRoster(ctx, team, a.RosterID); err != nil {
			return err
		}
		return s.stale(ctx, cur, events, &a)
	} else if err != nil {
		return err
	}
	if err := s.showRoster(ctx, keyOf(c), next); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, next)
}

// stale returns the 409 of an accept on a version that is no longer the
// latest.
func (s *Server) stale(ctx context.Context, cur *rounds.RosterVersion, events []rounds.Event, a *AcceptRequest) error {
	return &staleError{err: &rounds.Error{Code: rounds.ECONFLICT, Field: "version", Value: fmt.Sprint(a.Version),
		Message: fmt.Sprintf("the roster is at version %d: choose again from the fresh options", cur.Version)}}
}
