package api

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/roundsdev/rounds"
)

func (s *Server) listRosters(c echo.Context) error {
	f, err := parseFilter(c)
	if err != nil {
		return err
	}
	p, err := s.cfg.Store.Rosters(c.Request().Context(), c.Param("team"), f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

// version reads the "version" query parameter: 0 (latest) if absent.
func version(c echo.Context, name string) (int, error) {
	v := c.QueryParam(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, rounds.Invalid(name, v, "want a version number from 1")
	}
	return n, nil
}

func (s *Server) getRoster(c echo.Context) error {
	for name := range c.QueryParams() {
		if name != "version" {
			return rounds.Invalid(name, c.QueryParam(name), "unknown query parameter; want version")
		}
	}
	n, err := version(c, "version")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	v, err := s.cfg.Store.RosterVersion(ctx, c.Param("team"), c.Param("roster"), n)
	if err != nil {
		return err
	}
	if err := s.showRoster(ctx, keyOf(c), v); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

// PublishRequest is the body of POST .../rosters/{roster}/publish.
type PublishRequest struct {
	Version int `json:"version"`
}

func (s *Server) publishRoster(c echo.Context) error {
	var p PublishRequest
	if err := rounds.DecodeStrict(c.Request().Body, &p); err != nil {
		return err
	}
	if p.Version < 1 {
		return rounds.Invalid("version", p.Version, "want a version number from 1")
	}
	ctx := c.Request().Context()
	v, err := s.cfg.Store.PublishRoster(ctx, c.Param("team"), c.Param("roster"), p.Version)
	if err != nil {
		return err
	}
	if err := s.showRoster(ctx, keyOf(c), v); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

// nextVersion returns the version the edit in the body makes of the
// roster's latest version: timed by solver.Retime and checked by the
// independent validator, not stored. It returns ECONFLICT if the edit is
// of an earlier version, and EINVALID with the broken rules
// (violationsError) if the edit breaks one.
func (s *Server) nextVersion(c echo.Context) (*rounds.RosterVersion, error) {
	var e Edit
	if err := rounds.DecodeStrict(c.Request().Body, &e); err != nil {
		return nil, err
	}
	ctx := c.Request().Context()
	cur, err := s.cfg.Store.RosterVersion(ctx, c.Param("team"), c.Param("roster"), 0)
	if err != nil {
		return nil, err
	}
	if err := latest("version", e.Version, cur.Version, "edit"); err != nil {
		return nil, err
	}
	next, err := e.apply(ctx, cur, s.cfg.Source)
	if err != nil {
		return nil, err
	}
	if err := mustPass(ctx, next.Request, next.Roster, s.cfg.Source, "the edit", "op", e.Op); err != nil {
		return nil, err
	}
	return next, nil
}

func (s *Server) editRoster(c echo.Context) error {
	next, err := s.nextVersion(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if err := s.cfg.Store.AddRosterVersion(ctx, next); err != nil {
		return err
	}
	if err := s.showRoster(ctx, keyOf(c), next); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, next)
}

// checkEdit answers what editRoster would store, and stores nothing: the
// validator's verdict on a move or pin before it is made.
func (s *Server) checkEdit(c echo.Context) error {
	next, err := s.nextVersion(c)
	if err != nil {
		return err
	}
	if err := s.showRoster(c.Request().Context(), keyOf(c), next); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, next)
}

func (s *Server) diffRoster(c echo.Context) error {
	for name := range c.QueryParams() {
		if name != "from" && name != "to" {
			return rounds.Invalid(name, c.QueryParam(name), "unknown query parameter; want from and to")
		}
	}
	from, err := version(c, "from")
	if err != nil {
		return err
	}
	to, err := version(c, "to")
	if err != nil {
		return err
	}
	if from == 0 || to == 0 {
		return rounds.Invalid("from", c.QueryParam("from"), "both from and to versions are required")
	}
	ctx := c.Request().Context()
	a, err := s.cfg.Store.RosterVersion(ctx, c.Param("team"), c.Param("roster"), from)
	if err != nil {
		return err
	}
	b, err := s.cfg.Store.RosterVersion(ctx, c.Param("team"), c.Param("roster"), to)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, Diff{RosterID: a.RosterID, From: from, To: to, Changes: diff(a.Roster, b.Roster)})
}
