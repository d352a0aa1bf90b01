package api

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// expandEpisode creates the visits of a stored episode's pattern in one
// transaction and returns them: ECONFLICT if any of them already exists.
func (s *Server) expandEpisode(c echo.Context) error {
	ctx := c.Request().Context()
	team, err := s.team(ctx, c.Param("team"))
	if err != nil {
		return err
	}
	e, err := s.cfg.Store.Episodes().Get(ctx, team.ID, c.Param("id"))
	if err != nil {
		return err
	}
	if err := s.careVisible(ctx, keyOf(c), team.ID, "episode", e.ID, e.ClientID); err != nil {
		return err
	}
	if err := team.CheckPatternSkills("", e); err != nil {
		return err
	}
	visits, err := e.Visits()
	if err != nil {
		return err
	}
	if err := s.cfg.Store.Visits().CreateAll(ctx, team.ID, visits); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, visits)
}
