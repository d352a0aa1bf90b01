package api

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/roundsdev/rounds"
)

// permission is what a route needs its caller's role to allow.
type permission string

// The permissions of the routes.
const (
	permPublic      permission = "public"
	permRead        permission = "read"
	permManageTeams permission = "manage_teams"
	permEditTeam    permission = "edit_team"
	permWriteCare   permission = "write_care"
	permWriteVisits permission = "write_visits"
	permPlan        permission = "plan"
	permSolve       permission = "solve"
	permEditRoster  permission = "edit_roster"
	permPublish     permission = "publish"
	permDispatch    permission = "dispatch"
	permAdmin       permission = "admin"
)

const (
	admin       = rounds.AccessAdmin
	coordinator = rounds.AccessCoordinator
	dispatcher  = rounds.AccessDispatcher
	planner     = rounds.AccessPlanner
	viewer      = rounds.AccessViewer
)

// allowed is the one table of which roles hold which permission.
var allowed = map[permission][]rounds.AccessRole{
	permRead:        {admin, coordinator, dispatcher, planner, viewer},
	permManageTeams: {admin},
	permEditTeam:    {admin, coordinator},
	permWriteCare:   {admin, coordinator},
	permWriteVisits: {admin, coordinator, dispatcher},
	permPlan:        {admin, coordinator, planner},
	permSolve:       {admin, coordinator, dispatcher, planner},
	permEditRoster:  {admin, coordinator, dispatcher},
	permPublish:     {admin, coordinator},
	permDispatch:    {admin, coordinator, dispatcher},
	permAdmin:       {admin},
}

// globalOnly holds the permissions that, besides a role allowed them, need
// a global key (an admin key with no teams): making and deleting teams
// stand above any one team, and a team-scoped key that made a team could
// not touch it.
var globalOnly = map[permission]bool{permManageTeams: true}

// authorize checks the bearer key, the route's permission and, for routes
// under /v1/teams/:team, that the key may touch the team. It puts the key
// in the request context for the store's audit log.
func (s *Server) authorize(r route) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if r.perm == permPublic {
				return next(c)
			}
			k, err := s.authenticate(c)
			if err != nil {
				return err
			}
			if !slices.Contains(allowed[r.perm], k.Role) {
				return &rounds.Error{Code: rounds.EUNAUTHORIZED, Field: "role", Value: string(k.Role),
					Message: "this role may not " + strings.ReplaceAll(string(r.perm), "_", " ")}
			}
			if team := c.Param("team"); team != "" {
				if err := canTouch(k, team); err != nil {
					return err
				}
			}
			if globalOnly[r.perm] && !k.Global() {
				return &rounds.Error{Code: rounds.EUNAUTHORIZED, Field: "teams", Value: strings.Join(k.Teams, ","),
					Message: "only a key with no teams may " + strings.ReplaceAll(string(r.perm), "_", " ")}
			}
			ctx := rounds.NewContextWithKey(c.Request().Context(), k)
			c.SetRequest(c.Request().WithContext(ctx))
			return next(c)
		}
	}
}

// authenticate returns the key of the request's bearer token.
func (s *Server) authenticate(c echo.Context) (*rounds.APIKey, error) {
	token, ok := strings.CutPrefix(c.Request().Header.Get("Authorization"), "Bearer ")
	if !ok {
		return nil, errUnauthenticated
	}
	id, secret, ok := rounds.ParseToken(strings.TrimSpace(token))
	if !ok {
		return nil, errUnauthenticated
	}
	if k, ok := s.keys.get(id); ok && k.Verify(secret) {
		return k, nil
	}
	k, err := s.cfg.Store.Key(c.Request().Context(), id)
	if rounds.ErrorCode(err) == rounds.ENOTFOUND {
		return nil, errUnauthenticated
	}
	if err != nil {
		return nil, err
	}
	if !k.Verify(secret) {
		return nil, errUnauthenticated
	}
	s.keys.put(id, k)
	return k, nil
}

// canTouch returns EUNAUTHORIZED naming the team if k may not act on it.
func canTouch(k *rounds.APIKey, team string) error {
	if k.CanTouch(team) {
		return nil
	}
	return &rounds.Error{Code: rounds.EUNAUTHORIZED, Field: "team", Value: team, Message: "this key may not touch the team"}
}

// keyOf returns the key of an authorized request.
func keyOf(c echo.Context) *rounds.APIKey { return rounds.KeyFromContext(c.Request().Context()) }

// grants reports whether a key of role maker may make a key of role: only
// if it holds every permission of that role. The roles are so ordered
// admin > coordinator > dispatcher, planner > viewer; a dispatcher and a
// planner may not make each other's keys.
func grants(maker, role rounds.AccessRole) bool {
	for _, roles := range allowed {
		if slices.Contains(roles, role) && !slices.Contains(roles, maker) {
			return false
		}
	}
	return true
}

// mayGrant returns EUNAUTHORIZED naming the field if maker may not make k:
// a key grants no role it does not hold (see grants) and no team it may not
// touch, and only a global key makes a key with no teams.
func mayGrant(maker, k *rounds.APIKey) error {
	if !grants(maker.Role, k.Role) {
		return &rounds.Error{Code: rounds.EUNAUTHORIZED, Field: "role", Value: string(k.Role),
			Message: "a " + string(maker.Role) + " key may not make a key of a role it does not hold"}
	}
	if maker.Global() {
		return nil
	}
	if len(k.Teams) == 0 {
		return &rounds.Error{Code: rounds.EUNAUTHORIZED, Field: "teams", Value: "[]",
			Message: "only a key with no teams may make a key with no teams; name some of this key's teams"}
	}
	for i, t := range k.Teams {
		if !maker.CanTouch(t) {
			return &rounds.Error{Code: rounds.EUNAUTHORIZED, Field: fmt.Sprintf("teams[%d]", i), Value: t,
				Message: "this key may not grant a team it may not touch"}
		}
	}
	return nil
}

// Me is the body of GET /v1/me: the caller's key and the permissions its
// role and teams give it, so that a client (the coordinator's page) shows
// only what the key may do.
type Me struct {
	Key rounds.APIKey `json:"key"`
	// Permissions are the names of the permissions the key holds, sorted:
	// read, manage_teams, edit_team, write_care, write_visits, plan,
	// solve, edit_roster, publish, admin.
	Permissions []string `json:"permissions"`
}

func (s *Server) me(c echo.Context) error {
	k := keyOf(c)
	m := Me{Key: *k, Permissions: []string{}}
	for p, roles := range allowed {
		if slices.Contains(roles, k.Role) && (!globalOnly[p] || k.Global()) {
			m.Permissions = append(m.Permissions, string(p))
		}
	}
	slices.Sort(m.Permissions)
	return c.JSON(http.StatusOK, m)
}
