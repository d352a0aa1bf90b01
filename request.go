package rounds

import "slices"

// BuildRequest makes the planning request of a team's records over
// [from, to]: every worker, the clients who consented, and their visits in
// the range. Links to visits outside the request are dropped. skipped
// counts the visits left out for want of consent. It does not validate the
// result.
func BuildRequest(team string, from, to Date, workers []Worker, clients []Client, visits []Visit, opts Options) (req *Request, skipped int) {
	req = &Request{Team: team, Workers: []Worker{}, Clients: []Client{}, Visits: []Visit{}, Options: opts}
	consent := make(map[string]bool, len(clients))
	for _, w := range workers {
		w.Shifts = slices.DeleteFunc(slices.Clone(w.Shifts), func(s Shift) bool { return s.Date < from || s.Date > to })
		req.Workers = append(req.Workers, w)
	}
	for _, c := range clients {
		if c.Consent {
			consent[c.ID] = true
			req.Clients = append(req.Clients, c)
		}
	}
	planned := make(map[string]bool, len(visits))
	for _, v := range visits {
		if v.Date < from || v.Date > to {
			continue
		}
		if !consent[v.ClientID] {
			skipped++
			continue
		}
		planned[v.ID] = true
		req.Visits = append(req.Visits, v)
	}
	for i := range req.Visits {
		req.Visits[i].Links = slices.DeleteFunc(slices.Clone(req.Visits[i].Links), func(l Link) bool { return !planned[l.VisitID] })
	}
	return req, skipped
}
