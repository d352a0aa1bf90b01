package api

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/roundsdev/rounds"
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
	if err := patternSkillsKnown(team, e); err != nil {
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

// patternSkillsKnown returns EINVALID naming the first skill of the
// episode's pattern not in the team's catalogue.
func patternSkillsKnown(team *rounds.Team, e *rounds.Episode) error {
	for i, st := range e.Pattern {
		for j, call := range st.Calls {
			for k, sk := range call.Skills {
				if !team.HasSkill(sk) {
					return rounds.Invalid(fmt.Sprintf("pattern[%d].calls[%d].skills[%d]", i, j, k), sk, "unknown skill; team %s knows %v", team.ID, team.Skills)
				}
			}
		}
	}
	return nil
}
