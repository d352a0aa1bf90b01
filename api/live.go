package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"
	"github.com/roundsdev/rounds"
)

// EventsRequest is the body of POST .../rosters/{roster}/events: one
// event or several, in the order they happened.
type EventsRequest struct {
	Events []rounds.Event `json:"events"`
}

// Events is a roster's event history, the answer to GET and POST
// .../events: the live version it was checked against and the events,
// oldest first. Added counts the events a POST stored (0 if each was
// already stored: the same events sent again).
type Events struct {
	RosterID string         `json:"rosterId"`
	Version  int            `json:"version"`
	Added    int            `json:"added"`
	Events   []rounds.Event `json:"events"`
}

// Live is a roster's live day at one time: the live version and its
// rounds.LiveState.
type Live struct {
	RosterID string `json:"rosterId"`
	Version  int    `json:"version"`
	rounds.LiveState
}

// maxEventRetries is how often POST .../events checks its events again
// when callers of other server processes extended the history first:
// each time one of the callers racing for a roster wins, so it is enough
// for that many processes reporting on one roster at the same moment.
const maxEventRetries = 32

// now returns the service's date and time of day.
func (s *Server) now() (rounds.Date, rounds.Clock) {
	t := s.cfg.Now()
	h, m, sec := t.Clock()
	return rounds.Date(t.Format(rounds.DateLayout)), rounds.Clock(h*3600 + m*60 + sec)
}

// liveDate returns the date of roster v's live day: date if given (named
// field; the roster must have a round on it), else the roster's only
// date, else today's if the roster has rounds on it.
func (s *Server) liveDate(v *rounds.RosterVersion, field string, date rounds.Date) (rounds.Date, error) {
	var dates []rounds.Date
	for _, rt := range v.Roster.Routes {
		if !slices.Contains(dates, rt.Date) {
			dates = append(dates, rt.Date)
		}
	}
	if date == "" {
		today, _ := s.now()
		switch {
		case len(dates) == 1:
			return dates[0], nil
		case slices.Contains(dates, today):
			return today, nil
		}
		return "", rounds.Invalid(field, `""`, "the roster covers %d dates and not today (%s): say which", len(dates), today)
	}
	if _, err := date.Time(); err != nil {
		return "", rounds.Invalid(field, date, "date must be YYYY-MM-DD")
	}
	if !slices.Contains(dates, date) {
		return "", rounds.Invalid(field, date, "the roster has no round on this date")
	}
	return date, nil
}

// liveAt returns the time of day a live request is for: at if given,
// else the current minute (so that the dispatchers of one minute share
// one live day, see liveCache).
func (s *Server) liveAt(at *rounds.Clock) rounds.Clock {
	if at != nil {
		return *at
	}
	_, now := s.now()
	return now - now%60
}

// liveRoster returns the live version of a roster and its events: from
// the server's cache while the store's head (LiveHead, one small query)
// says they are current, else from the store (the events alone when only
// they changed). The version and events are
// shared with other requests: they must not be modified.
func (s *Server) liveRoster(ctx context.Context, team, roster string) (*rounds.RosterVersion, []rounds.Event, error) {
	version, n, err := s.cfg.Store.LiveHead(ctx, team, roster)
	if err != nil {
		return nil, nil, err
	}
	key := team + "/" + roster
	v, events, ok := s.versions.get(key, version)
	if ok && len(events) == n {
		return v, events, nil
	}
	if !ok {
		v, err = s.versions.load(key, version, func() (*rounds.RosterVersion, error) { return s.cfg.Store.LiveVersion(ctx, team, roster) })
		if err != nil {
			return nil, nil, err
		}
	}
	if events, err = s.cfg.Store.Events(ctx, team, roster); err != nil {
		return nil, nil, err
	}
	s.versions.put(key, v, events)
	return v, events, nil
}

func (s *Server) addEvents(c echo.Context) error {
	var body EventsRequest
	if err := rounds.DecodeStrict(c.Request().Body, &body); err != nil {
		return err
	}
	if len(body.Events) == 0 {
		return rounds.Invalid("events", "[]", "send at least one event")
	}
	ctx := c.Request().Context()
	team, roster := c.Param("team"), c.Param("roster")
	defer s.recording.lock(team + "/" + roster)()
	for try := 0; ; try++ {
		v, stored, err := s.liveRoster(ctx, team, roster)
		if err != nil {
			return err
		}
		kept, err := rounds.ValidateEvents(v.Request, v.Roster, append(slices.Clip(stored), body.Events...))
		if err != nil {
			return bodyField(err, len(stored), v.Version)
		}
		added := kept[len(stored):]
		status := http.StatusOK
		if len(added) > 0 {
			err = s.cfg.Store.AddEvents(ctx, team, roster, len(stored), added)
			if rounds.ErrorCode(err) == rounds.ECONFLICT && try < maxEventRetries {
				continue // another caller extended the history: check again
			}
			if err != nil {
				return err
			}
			status = http.StatusCreated
			s.versions.put(team+"/"+roster, v, kept)
			s.warm(v, kept)
		}
		return c.JSON(status, Events{RosterID: roster, Version: v.Version, Added: len(added), Events: kept})
	}
}

// bodyField renames the field of an error of ValidateEvents on the stored
// events followed by the body's, "events[i]...", to the body's own index.
// An error about a stored event means the history no longer fits the
// live version: ECONFLICT.
func bodyField(err error, stored, version int) error {
	var e *rounds.Error
	var i int
	var rest string
	if !errors.As(err, &e) {
		return err
	}
	if n, _ := fmt.Sscanf(e.Field, "events[%d]%s", &i, &rest); n == 0 {
		return err
	}
	out := *e
	if i < stored {
		out.Code = rounds.ECONFLICT
		out.Message = fmt.Sprintf("stored event %d no longer fits version %d of the roster: %s", i, version, e.Message)
		return &out
	}
	out.Field = fmt.Sprintf("events[%d]%s", i-stored, rest)
	return &out
}

func (s *Server) listEvents(c echo.Context) error {
	ctx := c.Request().Context()
	v, events, err := s.liveRoster(ctx, c.Param("team"), c.Param("roster"))
	if err != nil {
		return err
	}
	events = slices.Clone(events)
	if err := s.showEvents(ctx, keyOf(c), v, events); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, Events{RosterID: v.RosterID, Version: v.Version, Events: events})
}

func (s *Server) getLive(c echo.Context) error {
	var at *rounds.Clock
	var date rounds.Date
	for name := range c.QueryParams() {
		q := c.QueryParam(name)
		switch name {
		case "at":
			t, err := rounds.ParseClock(q)
			if err != nil {
				return rounds.Invalid("at", q, "want a time of day HH:MM")
			}
			at = &t
		case "date":
			date = rounds.Date(q)
		default:
			return rounds.Invalid(name, q, "unknown query parameter; want at and date")
		}
	}
	ctx := c.Request().Context()
	v, events, err := s.liveRoster(ctx, c.Param("team"), c.Param("roster"))
	if err != nil {
		return err
	}
	if date, err = s.liveDate(v, "date", date); err != nil {
		return err
	}
	state, err := rounds.LiveDay(v.Request, v.Roster, date, events, s.liveAt(at))
	if err != nil {
		return err
	}
	if err := s.showLive(ctx, keyOf(c), v, state); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, Live{RosterID: v.RosterID, Version: v.Version, LiveState: *state})
}

// showLive hides from a live state, in place, where the workers are when
// that is the home of a client k may not see (see showRoster): the From
// of a round after such a client's visit, or at a position reported
// there.
func (s *Server) showLive(ctx context.Context, k *rounds.APIKey, v *rounds.RosterVersion, state *rounds.LiveState) error {
	homes, err := s.hiddenHomes(ctx, k, v)
	if err != nil || len(homes) == 0 {
		return err
	}
	for i := range state.Rounds {
		if lr := &state.Rounds[i]; homes[lr.From] {
			lr.From = rounds.Location{}
		}
	}
	return nil
}

// showEvents hides, in place, the location of a worker's position
// reported at the home of a client k may not see.
func (s *Server) showEvents(ctx context.Context, k *rounds.APIKey, v *rounds.RosterVersion, events []rounds.Event) error {
	homes, err := s.hiddenHomes(ctx, k, v)
	if err != nil || len(homes) == 0 {
		return err
	}
	for i := range events {
		if l := events[i].Location; l != nil && homes[*l] {
			events[i].Location = nil
		}
	}
	return nil
}

// hiddenHomes returns the homes, in v's request, of the clients of v's
// team that k may not see; nil if k sees them all.
func (s *Server) hiddenHomes(ctx context.Context, k *rounds.APIKey, v *rounds.RosterVersion) (map[rounds.Location]bool, error) {
	if seesWithoutConsent(k) || v.Request == nil {
		return nil, nil
	}
	hidden, err := s.withoutConsent(ctx, v.Team)
	if err != nil || len(hidden) == 0 {
		return nil, err
	}
	homes := map[rounds.Location]bool{}
	for _, c := range v.Request.Clients {
		if hidden[c.ID] {
			homes[c.Location] = true
		}
	}
	return homes, nil
}
