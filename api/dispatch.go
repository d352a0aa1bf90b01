package api

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"
	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/geo"
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
	// Option is the chosen option as the answer gave it; Rank instead
	// picks the option of that rank, worked out again on the version.
	Option *rounds.DispatchOption `json:"option,omitempty"`
	Rank   int                    `json:"rank,omitempty"`
}

// staleError is a 409 for a roster version that is no longer the
// latest, with the options worked out afresh on the latest.
type staleError struct {
	err      *rounds.Error
	dispatch *rounds.Dispatch
}

func (e *staleError) Error() string { return e.err.Error() }

func (e *staleError) Unwrap() error { return e.err }

// DispatchRequest is the body of POST /v1/teams/{team}/dispatch: a
// referral and the roster whose live day is to take it.
type DispatchRequest struct {
	RosterID string          `json:"rosterId"`
	Referral rounds.Referral `json:"referral"`
}

// referralDay returns the live date and time of a referral on roster
// version v: its own, else the roster's only date (or today) and now.
func (s *Server) referralDay(v *rounds.RosterVersion, r *rounds.Referral, prefix string) (rounds.Date, rounds.Clock, error) {
	date, err := s.liveDate(v, prefix+"date", r.Date)
	if err != nil {
		return "", 0, err
	}
	return date, s.liveAt(r.At), nil
}

// live returns the live day of version v with events at date and at,
// made ready for referrals (solver.NewLive), and its state, from the
// server's cache if it holds them.
func (s *Server) live(ctx context.Context, v *rounds.RosterVersion, events []rounds.Event, date rounds.Date, at rounds.Clock) (*solver.Live, *rounds.LiveState, error) {
	key := liveKey{version: v.Version, events: len(events), date: date, at: at}
	d, err := s.lives.get(v.Team+"/"+v.RosterID, key, func(prev *liveDay) (*liveDay, error) {
		state, err := rounds.LiveDay(v.Request, v.Roster, date, events, at)
		if err != nil {
			return nil, err
		}
		if prev != nil && prev.state.SameRest(state) {
			// the new events changed nothing still to plan (a visit
			// reported done as planned): keep the day built
			return &liveDay{live: prev.live, state: state}, nil
		}
		// the cached day outlives this request: build it in no request's context
		l, err := solver.NewLive(context.WithoutCancel(ctx), v.Request, v.Roster, state, s.cfg.Source)
		if err != nil {
			return nil, err
		}
		return &liveDay{live: l, state: state}, nil
	})
	if err != nil {
		return nil, nil, err
	}
	return d.live, d.state, nil
}

// options answers a referral on the live day of version v with events.
func (s *Server) options(ctx context.Context, v *rounds.RosterVersion, events []rounds.Event, ref *rounds.Referral, prefix string) (*rounds.Dispatch, error) {
	date, at, err := s.referralDay(v, ref, prefix)
	if err != nil {
		return nil, err
	}
	l, _, err := s.live(ctx, v, events, date, at)
	if err != nil {
		return nil, err
	}
	d, err := l.Options(ctx, ref)
	if err != nil {
		return nil, err
	}
	d.RosterID, d.Version = v.RosterID, v.Version
	return d, nil
}

func (s *Server) dispatch(c echo.Context) error {
	var body DispatchRequest
	if err := rounds.DecodeStrict(c.Request().Body, &body); err != nil {
		return err
	}
	if err := rounds.ValidID("rosterId", body.RosterID); err != nil {
		return err
	}
	ctx := c.Request().Context()
	v, events, err := s.liveRoster(ctx, c.Param("team"), body.RosterID)
	if err != nil {
		return err
	}
	d, err := s.options(ctx, v, events, &body.Referral, "referral.")
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

// accept applies the chosen option (or the option of rank) to the live
// day of version cur with events (solver.Accept): the referral's visit
// and client join the request, and the option's rounds are re-timed from
// where each worker is after the frozen stops. A given option must keep
// every free visit of the day but those it drops, and place the
// referral's visit. The roster, with the other dates' rounds as they
// were, must pass the independent validator. It returns the next
// version, published, not stored.
func (s *Server) accept(ctx context.Context, cur *rounds.RosterVersion, events []rounds.Event, a *AcceptRequest) (*rounds.RosterVersion, error) {
	ref := &a.Referral
	date, at, err := s.referralDay(cur, ref, "referral.")
	if err != nil {
		return nil, err
	}
	l, state, err := s.live(ctx, cur, events, date, at)
	if err != nil {
		return nil, err
	}
	option := a.Option
	var visit rounds.Visit
	switch {
	case option != nil && a.Rank != 0:
		return nil, rounds.Invalid("rank", a.Rank, "give the option or its rank, not both")
	case option == nil:
		d, err := l.Options(ctx, ref)
		if err != nil {
			return nil, err
		}
		if a.Rank < 1 || a.Rank > len(d.Options) {
			return nil, rounds.Invalid("rank", a.Rank, "want an option or a rank from 1 to %d", len(d.Options))
		}
		option, visit = &d.Options[a.Rank-1], d.Visit
	default:
		if _, visit, err = ref.WithReferral(cur.Request, date, at); err != nil {
			return nil, err
		}
		if err := checkOption(state, option, visit); err != nil {
			return nil, err
		}
	}
	day, req, err := solver.Accept(ctx, cur.Request, cur.Roster, state, ref, option, s.cfg.Source)
	if code := rounds.ErrorCode(err); code == rounds.EINFEASIBLE {
		msg := err.Error()
		return nil, &violationsError{err: rounds.Invalid("option", option.Rank, "the option breaks a hard rule: %s", msg), violations: []string{msg}}
	} else if err != nil {
		return nil, err
	}
	if slices.ContainsFunc(day.Unassigned, func(u rounds.Unassigned) bool { return u.VisitID == visit.ID }) {
		return nil, rounds.Invalid("option", option.Rank, "the option leaves the referral's visit %s unassigned", visit.ID)
	}
	whole, err := liveWhole(ctx, req, cur.Roster, date, day, events, at, s.cfg.Source, "option", option.Rank)
	if err != nil {
		return nil, err
	}
	note := fmt.Sprintf("dispatch %s to %s", visit.ID, option.WorkerID)
	if option.PartnerID != "" {
		note += " and " + option.PartnerID
	}
	return &rounds.RosterVersion{Team: cur.Team, RosterID: cur.RosterID, Version: cur.Version + 1, Status: rounds.RosterPublished,
		Note: note, Request: req, Roster: whole}, nil
}

// liveWhole returns published, a roster of req, with its date's rounds
// replaced by day (a live day's roster), costed and checked as a live
// day's roster by the independent validator: the visits done at their
// reported times, the frozen stops kept, positions reached from. A
// broken rule is a violationsError naming field and value.
func liveWhole(ctx context.Context, req *rounds.Request, published *rounds.Roster, date rounds.Date, day *rounds.Roster,
	events []rounds.Event, at rounds.Clock, src geo.Source, field string, value any) (*rounds.Roster, error) {
	live := []validate.Option{validate.Events(events, at), validate.Published(published)}
	whole := published.WithDay(req, date, day)
	var err error
	if whole.Totals.Cost, whole.Totals.Score, err = validate.Score(ctx, req, whole, src, live...); err != nil {
		return nil, err
	}
	if err := mustPass(ctx, req, whole, src, "", field, value, live...); err != nil {
		return nil, err
	}
	return whole, nil
}

// mustPass returns a violationsError naming field and value if the
// independent validator, with travel times from src and opts, finds a
// broken rule in r; its message says what breaks it (what, if not
// empty).
func mustPass(ctx context.Context, req *rounds.Request, r *rounds.Roster, src geo.Source, what, field string, value any, opts ...validate.Option) error {
	violations, err := validate.Roster(ctx, req, r, src, opts...)
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
	if what != "" {
		what += " "
	}
	return &violationsError{err: rounds.Invalid(field, value, "%sbreaks a hard rule: %s", what, msgs[0]), violations: msgs}
}

// latest returns an error naming field if got is not the roster's
// latest version cur: ECONFLICT if it is an earlier one (someone else
// stored a version first), EINVALID otherwise. doing says what the
// caller should do ("edit", "repair").
func latest(field string, got, cur int, doing string) error {
	if got == cur {
		return nil
	}
	err := rounds.Invalid(field, got, "the roster is at version %d; %s the latest version", cur, doing)
	if got > 0 && got < cur {
		err.Code = rounds.ECONFLICT
	}
	return err
}

// checkOption checks that the rounds of an option hold the referral's
// visit and every free visit of state, once (twice if double-handed),
// but those the option drops.
func checkOption(state *rounds.LiveState, option *rounds.DispatchOption, visit rounds.Visit) error {
	want := map[string]int{visit.ID: visit.Workers()}
	for _, lr := range state.Rounds {
		for _, id := range lr.Free {
			want[id]++
		}
	}
	for _, d := range option.Dropped {
		delete(want, d.VisitID)
	}
	for i, r := range option.Rounds {
		for j, id := range r.VisitIDs {
			if _, ok := want[id]; !ok {
				return rounds.Invalid(fmt.Sprintf("option.rounds[%d].visitIds[%d]", i, j), id, "not a free visit of the live day, nor the referral's")
			}
			want[id]--
		}
	}
	for id, n := range want {
		if n != 0 {
			return rounds.Invalid("option.rounds", id, "the rounds place visit %s %d times too few (a double-handed visit twice); an option keeps every free visit it does not drop", id, n)
		}
	}
	return nil
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
	next, err := s.accept(ctx, cur, events, &a)
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
	s.versions.put(team+"/"+a.RosterID, next, events)
	s.warm(next, events)
	shown := *next
	if err := s.showRoster(ctx, keyOf(c), &shown); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, &shown)
}

// warm builds, in the background, the live day of version v with events
// at the date and time of the newest one built for its roster, so that
// the first dispatcher to ask after a change does not wait for the build.
// A build that fails is not kept, and the dispatcher who asks next sees
// its error.
func (s *Server) warm(v *rounds.RosterVersion, events []rounds.Event) {
	k, ok := s.lives.newestKey(v.Team + "/" + v.RosterID)
	if !ok {
		return
	}
	go s.live(context.Background(), v, events, k.date, k.at)
}

// stale returns the 409 of an accept on a version that is no longer the
// latest, with the referral's options on the latest version cur.
func (s *Server) stale(ctx context.Context, cur *rounds.RosterVersion, events []rounds.Event, a *AcceptRequest) error {
	d, err := s.options(ctx, cur, events, &a.Referral, "referral.")
	if err != nil {
		return err
	}
	return &staleError{dispatch: d, err: &rounds.Error{Code: rounds.ECONFLICT, Field: "version", Value: fmt.Sprint(a.Version),
		Message: fmt.Sprintf("the roster is at version %d: choose again from the fresh options", cur.Version)}}
}
