package api

import (
	"context"
	"slices"

	"github.com/roundsdev/rounds"
)

// seesWithoutConsent reports whether k may see the details of a client who
// has not consented, or has withdrawn their consent: admins only. Everyone
// else sees such a client's ID and nothing more, in whatever record
// mentions them, read at the time of reading. The audit log needs no
// redaction of its own: only admins read it.
func seesWithoutConsent(k *rounds.APIKey) bool { return k != nil && k.Role == rounds.AccessAdmin }

// consentOnly narrows a filter to the records of clients who consented.
func consentOnly(f *rounds.Filter) {
	yes := true
	f.Consent = &yes
}

// withoutConsent returns the IDs of the team's clients who have not
// consented now: one store query per rounds.MaxPageSize such clients.
func (s *Server) withoutConsent(ctx context.Context, team string) (map[string]bool, error) {
	no := false
	f := rounds.Filter{Consent: &no, Limit: rounds.MaxPageSize}
	ids := map[string]bool{}
	for {
		p, err := s.cfg.Store.Clients().List(ctx, team, f)
		if err != nil {
			return nil, err
		}
		for _, c := range p.Items {
			ids[c.ID] = true
		}
		f.Offset += len(p.Items)
		if len(p.Items) < f.Limit || f.Offset >= p.Total {
			return ids, nil
		}
	}
}

// redactRoster returns r with what it tells of the clients in hidden
// hidden: where their stops are, why their unassigned visits could not be
// made (the skills they need, the workers they accept) and their
// continuity (whether they have preferred workers). Their visits' IDs,
// workers and times stay, so the roster still says who goes when. r is
// not modified: the routes and lists changed are copies.
func redactRoster(r *rounds.Roster, hidden map[string]bool) *rounds.Roster {
	out := *r
	out.Routes = slices.Clone(r.Routes)
	for ri := range out.Routes {
		rt := &out.Routes[ri]
		if !slices.ContainsFunc(rt.Stops, func(s rounds.Stop) bool { return hidden[s.ClientID] }) {
			continue
		}
		rt.Stops = slices.Clone(rt.Stops)
		for si := range rt.Stops {
			if s := &rt.Stops[si]; hidden[s.ClientID] {
				s.Location = rounds.Location{}
			}
		}
	}
	out.Unassigned = slices.Clone(r.Unassigned)
	for i := range out.Unassigned {
		if u := &out.Unassigned[i]; hidden[u.ClientID] {
			u.Detail, u.Suggestion = "", nil
		}
	}
	out.Continuity = slices.DeleteFunc(slices.Clone(r.Continuity), func(c rounds.ClientContinuity) bool { return hidden[c.ClientID] })
	return &out
}

// showRoster hides from a roster version what k may not see, setting
// its Request and Roster (and leaving the roster it had unchanged):
// the planned request, which names every client, from all but admins, and
// what the roster tells of the clients who have not consented now, from
// those who may not see them (whatever the clients had agreed to when the
// version was made). Every answer that carries a roster goes through it;
// a diff carries only what stays (visit IDs, workers and starts).
func (s *Server) showRoster(ctx context.Context, k *rounds.APIKey, v *rounds.RosterVersion) error {
	if k.Role != rounds.AccessAdmin {
		v.Request = nil
	}
	if seesWithoutConsent(k) || v.Roster == nil {
		return nil
	}
	hidden, err := s.withoutConsent(ctx, v.Team)
	if err != nil {
		return err
	}
	v.Roster = redactRoster(v.Roster, hidden)
	return nil
}

// redactClient hides the details of a client who has not consented from
// those who may not see them.
func redactClient(k *rounds.APIKey, c *rounds.Client) {
	if c.Consent || seesWithoutConsent(k) {
		return
	}
	*c = rounds.Client{ID: c.ID}
}

// narrowClients keeps a list of clients filtered by network to those who
// consented, for those who may not see the others: a redacted client in
// that list would give their network away.
func narrowClients(k *rounds.APIKey, f *rounds.Filter) {
	if f.Network != "" && !seesWithoutConsent(k) {
		consentOnly(f)
	}
}

// narrowCare keeps a list of visits or episodes to those of clients who
// consented, for those who may not see the others: the care a client gets
// (skills such as insulin or catheter care, goals) is among their details.
func narrowCare(k *rounds.APIKey, f *rounds.Filter) {
	if !seesWithoutConsent(k) {
		consentOnly(f)
	}
}

// careVisible returns ENOTFOUND, as if there were no such record, if k may
// not see the visits and episodes of client, who has not consented.
func (s *Server) careVisible(ctx context.Context, k *rounds.APIKey, team, entity, id, client string) error {
	if seesWithoutConsent(k) {
		return nil
	}
	c, err := s.cfg.Store.Clients().Get(ctx, team, client)
	if err != nil {
		return err
	}
	if !c.Consent {
		return rounds.Errorf(rounds.ENOTFOUND, "%s %s not found", entity, id)
	}
	return nil
}
