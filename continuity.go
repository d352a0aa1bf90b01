package rounds

// ClientContinuity is the continuity of care one client gets from a
// roster. A double-handed visit counts once per worker.
type ClientContinuity struct {
	ClientID string `json:"clientId"`
	// Visits is the number of the client's stops on the routes.
	Visits int `json:"visits"`
	// DistinctWorkers is how many different workers make them.
	DistinctWorkers int `json:"distinctWorkers"`
	// PreferredShare is the share of them made by one of the client's
	// preferred workers; 0 for a client without preferred workers.
	PreferredShare float64 `json:"preferredShare,omitempty"`
}

// ContinuityOf returns the continuity of each client of req with stops on
// routes, in the order of req.Clients, the mean number of distinct workers
// of the clients with at least two stops, and the share of the stops of
// clients with preferred workers made by a preferred worker (0 when there
// are none). Stops of unknown clients are ignored. O(S + C + P) for S
// stops, C clients and P preferred workers.
func ContinuityOf(req *Request, routes []Route) (out []ClientContinuity, meanDistinct, preferredShare float64) {
	index := make(map[string]int, len(req.Clients))
	for i, c := range req.Clients {
		index[c.ID] = i
	}
	stops := make([]int, len(req.Clients))
	byPreferred := make([]int, len(req.Clients))
	workers := make([]map[string]bool, len(req.Clients))
	for _, rt := range routes {
		for _, s := range rt.Stops {
			i, ok := index[s.ClientID]
			if !ok {
				continue
			}
			if workers[i] == nil {
				workers[i] = map[string]bool{}
			}
			workers[i][rt.WorkerID] = true
			stops[i]++
			for _, id := range req.Clients[i].PreferredWorkers {
				if id == rt.WorkerID {
					byPreferred[i]++
					break
				}
			}
		}
	}
	var multi, distinct, withPref, preferred int
	for i, c := range req.Clients {
		if stops[i] == 0 {
			continue
		}
		cc := ClientContinuity{ClientID: c.ID, Visits: stops[i], DistinctWorkers: len(workers[i])}
		if len(c.PreferredWorkers) > 0 {
			cc.PreferredShare = float64(byPreferred[i]) / float64(stops[i])
			withPref += stops[i]
			preferred += byPreferred[i]
		}
		if stops[i] >= 2 {
			multi++
			distinct += cc.DistinctWorkers
		}
		out = append(out, cc)
	}
	if multi > 0 {
		meanDistinct = float64(distinct) / float64(multi)
	}
	if withPref > 0 {
		preferredShare = float64(preferred) / float64(withPref)
	}
	return out, meanDistinct, preferredShare
}
