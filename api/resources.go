package api

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/roundsdev/rounds"
)

// resource serves one kind of team-owned record over its Collection.
type resource[T any] struct {
	s      *Server
	name   string // plural path segment
	entity string
	coll   func(rounds.Store) rounds.Collection[T]
	// id points at the record's ID field.
	id func(*T) *string
	// check validates a record against its team and the records it names.
	check func(ctx context.Context, team *rounds.Team, v *T) error
	// redact hides what the caller may not see; nil shows everything.
	redact func(k *rounds.APIKey, v *T)
	// narrow keeps a list to what the caller may see; nil lists everything.
	narrow func(k *rounds.APIKey, f *rounds.Filter)
	// clientOf, if set, returns the client a record is about; a caller who
	// may not see that client's care reads no such record (careVisible).
	clientOf func(*T) string
}

func (r *resource[T]) list(c echo.Context) error {
	f, err := parseFilter(c)
	if err != nil {
		return err
	}
	if r.narrow != nil {
		r.narrow(keyOf(c), &f)
	}
	p, err := r.coll(r.s.cfg.Store).List(c.Request().Context(), c.Param("team"), f)
	if err != nil {
		return err
	}
	if r.redact != nil {
		for i := range p.Items {
			r.redact(keyOf(c), &p.Items[i])
		}
	}
	return c.JSON(http.StatusOK, p)
}

func (r *resource[T]) get(c echo.Context) error {
	ctx := c.Request().Context()
	v, err := r.coll(r.s.cfg.Store).Get(ctx, c.Param("team"), c.Param("id"))
	if err != nil {
		return err
	}
	if r.clientOf != nil {
		if err := r.s.careVisible(ctx, keyOf(c), c.Param("team"), r.entity, c.Param("id"), r.clientOf(v)); err != nil {
			return err
		}
	}
	if r.redact != nil {
		r.redact(keyOf(c), v)
	}
	return c.JSON(http.StatusOK, v)
}

// decode reads and checks a record from the body; on update the path's id
// fills an empty ID and must match a given one.
func (r *resource[T]) decode(c echo.Context, pathID string) (*T, error) {
	var v T
	if err := rounds.DecodeStrict(c.Request().Body, &v); err != nil {
		return nil, err
	}
	id := r.id(&v)
	if pathID != "" {
		if *id == "" {
			*id = pathID
		} else if *id != pathID {
			return nil, rounds.Invalid("id", *id, "does not match the id in the path, %s", pathID)
		}
	}
	if err := rounds.ValidID("id", *id); err != nil {
		return nil, err
	}
	ctx := c.Request().Context()
	team, err := r.s.team(ctx, c.Param("team"))
	if err != nil {
		return nil, err
	}
	if err := r.check(ctx, team, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

func (r *resource[T]) create(c echo.Context) error {
	v, err := r.decode(c, "")
	if err != nil {
		return err
	}
	if err := r.coll(r.s.cfg.Store).Create(c.Request().Context(), c.Param("team"), v); err != nil {
		return err
	}
	c.Response().Header().Set("Location", fmt.Sprintf("/v1/teams/%s/%s/%s", c.Param("team"), r.name, *r.id(v)))
	return c.JSON(http.StatusCreated, v)
}

func (r *resource[T]) update(c echo.Context) error {
	v, err := r.decode(c, c.Param("id"))
	if err != nil {
		return err
	}
	if err := r.coll(r.s.cfg.Store).Update(c.Request().Context(), c.Param("team"), v); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

func (r *resource[T]) delete(c echo.Context) error {
	if err := r.coll(r.s.cfg.Store).Delete(c.Request().Context(), c.Param("team"), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// queryParams are the list filters a query string may hold.
var queryParams = []string{"from", "to", "role", "network", "clientId", "episode", "priority", "offset", "limit"}

// parseFilter reads the list filters from the query string, rejecting
// unknown parameters and bad values.
func parseFilter(c echo.Context) (rounds.Filter, error) {
	var f rounds.Filter
	q := c.QueryParams()
	for name := range q {
		if !slices.Contains(queryParams, name) && name != "team" {
			return f, rounds.Invalid(name, q.Get(name), "unknown query parameter; want one of %s", strings.Join(queryParams, ", "))
		}
	}
	for _, d := range []struct {
		name string
		to   *rounds.Date
	}{{"from", &f.From}, {"to", &f.To}} {
		if v := q.Get(d.name); v != "" {
			if _, err := rounds.Date(v).Time(); err != nil {
				return f, rounds.Invalid(d.name, v, "date must be YYYY-MM-DD")
			}
			*d.to = rounds.Date(v)
		}
	}
	for _, n := range []struct {
		name string
		to   *int
		max  int
	}{{"offset", &f.Offset, 1 << 30}, {"limit", &f.Limit, rounds.MaxPageSize}} {
		if v := q.Get(n.name); v != "" {
			i, err := strconv.Atoi(v)
			if err != nil || i < 0 || i > n.max {
				return f, rounds.Invalid(n.name, v, "want a whole number from 0 to %d", n.max)
			}
			*n.to = i
		}
	}
	if v := q.Get("role"); v != "" {
		if !slices.Contains(rounds.Roles, rounds.Role(v)) {
			return f, rounds.Invalid("role", v, "unknown role; want one of %v", rounds.Roles)
		}
		f.Role = rounds.Role(v)
	}
	if v := q.Get("priority"); v != "" {
		if !slices.Contains(rounds.Priorities, rounds.Priority(v)) {
			return f, rounds.Invalid("priority", v, "unknown priority; want one of %v", rounds.Priorities)
		}
		f.Priority = rounds.Priority(v)
	}
	f.Network, f.ClientID, f.Episode = q.Get("network"), q.Get("clientId"), q.Get("episode")
	return f, nil
}
