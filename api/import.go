package api

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/roundsdev/rounds"
)

// Imported is the answer to POST /v1/teams/:team/import: how many records
// of each kind the import stored.
type Imported struct {
	Workers  int `json:"workers"`
	Clients  int `json:"clients"`
	Episodes int `json:"episodes"`
	Visits   int `json:"visits"`
}

// importRequest stores a whole planning request (what rounds generate
// writes) in a team, all or nothing: 422 naming the first bad record and
// field, 409 naming the first record whose ID the team already holds.
func (s *Server) importRequest(c echo.Context) error {
	var req rounds.Request
	if err := rounds.DecodeStrict(c.Request().Body, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	team, err := s.team(ctx, c.Param("team"))
	if err != nil {
		return err
	}
	if err := req.CheckImport(team); err != nil {
		return err
	}
	if err := s.cfg.Store.Import(ctx, team.ID, &req); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, Imported{Workers: len(req.Workers), Clients: len(req.Clients), Episodes: len(req.Episodes), Visits: len(req.Visits)})
}
