package api

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/roundsdev/rounds"
)

// within re-validates one record as the only one of its kind in a request,
// and names the field relative to the record ("workers[0].role" -> "role").
func within(req *rounds.Request, prefix string) error {
	err := req.Validate()
	var e *rounds.Error
	if errors.As(err, &e) {
		c := *e
		c.Field = strings.TrimPrefix(strings.TrimPrefix(c.Field, prefix), ".")
		return &c
	}
	return err
}

// exists returns EINVALID naming field if the team has no record id.
func exists[T any](ctx context.Context, coll rounds.Collection[T], team, field, id string) (*T, error) {
	v, err := coll.Get(ctx, team, id)
	if rounds.ErrorCode(err) == rounds.ENOTFOUND {
		return nil, rounds.Invalid(field, id, "no such record in team %s", team)
	}
	return v, err
}

func (s *Server) checkWorker(_ context.Context, team *rounds.Team, w *rounds.Worker) error {
	if err := within(&rounds.Request{Workers: []rounds.Worker{*w}}, "workers[0]"); err != nil {
		return err
	}
	return team.CheckSkills("skills", w.Skills)
}

func (s *Server) checkClient(ctx context.Context, team *rounds.Team, c *rounds.Client) error {
	req := &rounds.Request{Clients: []rounds.Client{*c}}
	for _, ref := range []struct {
		name string
		ids  []string
	}{{"preferredWorkers", c.PreferredWorkers}, {"declinedWorkers", c.DeclinedWorkers}} {
		for i, id := range ref.ids {
			w, err := exists(ctx, s.cfg.Store.Workers(), team.ID, fmt.Sprintf("%s[%d]", ref.name, i), id)
			if err != nil {
				return err
			}
			req.Workers = append(req.Workers, *w)
		}
	}
	return within(dedupWorkers(req), "clients[0]")
}

// dedupWorkers drops repeated workers (a client may name one twice).
func dedupWorkers(req *rounds.Request) *rounds.Request {
	seen := map[string]bool{}
	var out []rounds.Worker
	for _, w := range req.Workers {
		if !seen[w.ID] {
			seen[w.ID] = true
			out = append(out, w)
		}
	}
	req.Workers = out
	return req
}

func (s *Server) checkEpisode(ctx context.Context, team *rounds.Team, e *rounds.Episode) error {
	if err := e.Validate(); err != nil {
		return err
	}
	if err := team.CheckPatternSkills("", e); err != nil {
		return err
	}
	if _, err := exists(ctx, s.cfg.Store.Clients(), team.ID, "clientId", e.ClientID); err != nil {
		return err
	}
	if e.CaseManager != "" {
		if _, err := exists(ctx, s.cfg.Store.Workers(), team.ID, "caseManager", e.CaseManager); err != nil {
			return err
		}
	}
	return nil
}

func (s *Server) checkVisit(ctx context.Context, team *rounds.Team, v *rounds.Visit) error {
	if err := rounds.ValidID("clientId", v.ClientID); err != nil {
		return err
	}
	client, err := exists(ctx, s.cfg.Store.Clients(), team.ID, "clientId", v.ClientID)
	if err != nil {
		return err
	}
	if v.Episode != "" {
		e, err := exists(ctx, s.cfg.Store.Episodes(), team.ID, "episode", v.Episode)
		if err != nil {
			return err
		}
		// An episode the caller may not read is missing here too: the
		// errors below name its client and dates.
		err = s.careVisible(ctx, rounds.KeyFromContext(ctx), team.ID, "episode", e.ID, e.ClientID)
		if rounds.ErrorCode(err) == rounds.ENOTFOUND {
			return rounds.Invalid("episode", v.Episode, "no such record in team %s", team.ID)
		}
		if err != nil {
			return err
		}
		if e.ClientID != v.ClientID {
			return rounds.Invalid("episode", v.Episode, "the episode is for client %s, not %s", e.ClientID, v.ClientID)
		}
		if v.Date < e.Start || v.Date > e.End {
			return rounds.Invalid("date", v.Date, "outside episode %s (%s to %s)", e.ID, e.Start, e.End)
		}
	}
	req := &rounds.Request{Clients: []rounds.Client{{ID: client.ID, Location: client.Location}}}
	if v.Pin != nil {
		w, err := exists(ctx, s.cfg.Store.Workers(), team.ID, "pin.workerId", v.Pin.WorkerID)
		if err != nil {
			return err
		}
		req.Workers = append(req.Workers, *w)
	}
	for i, l := range v.Links {
		f := fmt.Sprintf("links[%d]", i)
		if _, err := exists(ctx, s.cfg.Store.Visits(), team.ID, f+".visitId", l.VisitID); err != nil {
			return err
		}
		if l.VisitID == v.ID {
			return rounds.Invalid(f+".visitId", l.VisitID, "a visit cannot be linked to itself")
		}
		if l.MinGapMinutes < 0 || l.MaxGapMinutes < l.MinGapMinutes {
			return rounds.Invalid(f, fmt.Sprintf("%d-%d", l.MinGapMinutes, l.MaxGapMinutes), "gap must satisfy 0 <= minGapMinutes <= maxGapMinutes")
		}
	}
	alone := *v
	alone.Links = nil
	req.Visits = []rounds.Visit{alone}
	if err := within(req, "visits[0]"); err != nil {
		return err
	}
	return team.CheckSkills("skills", v.Skills)
}
