package api

import (
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"
	"github.com/roundsdev/rounds"
)

func (s *Server) listTeams(c echo.Context) error {
	f, err := parseFilter(c)
	if err != nil {
		return err
	}
	k := keyOf(c)
	if k.Global() {
		p, err := s.cfg.Store.Teams(c.Request().Context(), f)
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, p)
	}
	var teams []rounds.Team
	for _, id := range k.Teams {
		t, err := s.cfg.Store.Team(c.Request().Context(), id)
		if rounds.ErrorCode(err) == rounds.ENOTFOUND {
			continue
		}
		if err != nil {
			return err
		}
		teams = append(teams, *t)
	}
	p := &rounds.Page[rounds.Team]{Items: []rounds.Team{}, Total: len(teams), Offset: f.Offset, Limit: f.PageLimit()}
	if f.Offset < len(teams) {
		p.Items = teams[f.Offset:min(len(teams), f.Offset+p.Limit)]
	}
	return c.JSON(http.StatusOK, p)
}

func (s *Server) getTeam(c echo.Context) error {
	t, err := s.cfg.Store.Team(c.Request().Context(), c.Param("team"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, t)
}

// decodeTeam reads a team; on update the path's id fills an empty ID.
func decodeTeam(c echo.Context, pathID string) (*rounds.Team, error) {
	var t rounds.Team
	if err := rounds.DecodeStrict(c.Request().Body, &t); err != nil {
		return nil, err
	}
	if pathID != "" {
		if t.ID == "" {
			t.ID = pathID
		} else if t.ID != pathID {
			return nil, rounds.Invalid("id", t.ID, "does not match the id in the path, %s", pathID)
		}
	}
	return &t, t.Validate()
}

func (s *Server) createTeam(c echo.Context) error {
	t, err := decodeTeam(c, "")
	if err != nil {
		return err
	}
	if err := s.cfg.Store.CreateTeam(c.Request().Context(), t); err != nil {
		return err
	}
	c.Response().Header().Set("Location", "/v1/teams/"+t.ID)
	return c.JSON(http.StatusCreated, t)
}

func (s *Server) updateTeam(c echo.Context) error {
	t, err := decodeTeam(c, c.Param("team"))
	if err != nil {
		return err
	}
	err = s.cfg.Store.UpdateTeam(c.Request().Context(), t)
	s.teams.drop(t.ID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, t)
}

func (s *Server) deleteTeam(c echo.Context) error {
	err := s.cfg.Store.DeleteTeam(c.Request().Context(), c.Param("team"))
	s.teams.drop(c.Param("team"))
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// KeyRequest is the body of POST /v1/keys.
type KeyRequest struct {
	Name  string            `json:"name"`
	Role  rounds.AccessRole `json:"role"`
	Teams []string          `json:"teams"`
}

// NewKey is the answer to POST /v1/keys: the key and, once only, its token.
type NewKey struct {
	rounds.APIKey
	Token string `json:"token"`
}

func (s *Server) createKey(c echo.Context) error {
	var kr KeyRequest
	if err := rounds.DecodeStrict(c.Request().Body, &kr); err != nil {
		return err
	}
	k, token, err := rounds.NewAPIKey(kr.Name, kr.Role, kr.Teams)
	if err != nil {
		return err
	}
	if err := mayGrant(keyOf(c), k); err != nil {
		return err
	}
	if err := s.cfg.Store.CreateKey(c.Request().Context(), k); err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, NewKey{APIKey: *k, Token: token})
}

// listKeys lists the keys the caller covers: every key for a global key,
// else those whose teams are all the caller's.
func (s *Server) listKeys(c echo.Context) error {
	keys, err := s.cfg.Store.Keys(c.Request().Context())
	if err != nil {
		return err
	}
	caller := keyOf(c)
	keys = slices.DeleteFunc(keys, func(k rounds.APIKey) bool { return !caller.Covers(&k) })
	return c.JSON(http.StatusOK, keys)
}

// deleteKey revokes a key the caller covers. A key it does not cover is
// answered as a missing one, so that a scoped key learns nothing of keys
// beyond its teams.
func (s *Server) deleteKey(c echo.Context) error {
	ctx, id := c.Request().Context(), c.Param("id")
	k, err := s.cfg.Store.Key(ctx, id)
	if err != nil {
		return err
	}
	if !keyOf(c).Covers(k) {
		return rounds.Errorf(rounds.ENOTFOUND, "key %s not found", id)
	}
	err = s.cfg.Store.DeleteKey(ctx, id)
	s.keys.drop(id)
	if err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

func (s *Server) readAudit(c echo.Context) error {
	f, err := parseFilter(c)
	if err != nil {
		return err
	}
	// A key reads its own scope's entries whatever the query says; a team
	// narrows the read to that team, if the key may touch it.
	k := keyOf(c)
	scope := rounds.AuditScopeOf(k)
	if team := c.QueryParam("team"); team != "" {
		if err := canTouch(k, team); err != nil {
			return err
		}
		scope = rounds.AuditScope{Teams: []string{team}}
	}
	p, err := s.cfg.Store.Audit(c.Request().Context(), scope, f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

// Health is the body of /healthz and /readyz.
type Health struct {
	Status string `json:"status"`
	Store  string `json:"store,omitempty"`
}

func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, Health{Status: "ok"})
}

func (s *Server) readyz(c echo.Context) error {
	if err := s.cfg.Store.Ping(c.Request().Context()); err != nil {
		s.log.Warn("not ready", "err", err)
		return c.JSON(http.StatusServiceUnavailable, Health{Status: "unavailable", Store: "unreachable"})
	}
	return c.JSON(http.StatusOK, Health{Status: "ok", Store: "ok"})
}
