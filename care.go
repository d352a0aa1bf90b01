package rounds

// DefaultPreferenceMissPenalty is the cost, in seconds of travel, of a
// visit to a client with preferred workers made by someone else: five
// minutes of travel. Measured on a generated borough day, 300 raises the
// share of visits by a preferred worker from 16% to 29% at no loss of
// coverage, while 1,800 reaches 51% but the search then covers 10-15
// fewer visits in the same time: the preference pulls workers across the
// borough faster than the search can repair the rounds around them.
const DefaultPreferenceMissPenalty = 300

// DefaultNetworkPenalty is the cost, in seconds of travel, of a visit
// made by a worker of another network than the client's: five minutes,
// for the same reason.
const DefaultNetworkPenalty = 300

// DefaultContinuityPenalty is the cost, in seconds of travel, of each
// different worker a client sees beyond the first: ten minutes. Measured
// on a generated borough week (80 workers, 4,298 visits; 100,000
// iterations, two seeds), it brings the mean number of different workers
// seen by a client with two or more visits from 4.9 to 3.4, for 2.8% more
// travel and 12 fewer visits made (0.3%); 300 reaches 3.8 (6 fewer
// visits), 1,200 3.2 and 2,400 to 5,000 3.0, for 5-9% more travel and 30
// to 40 fewer visits: past a point the clients keep their workers at the
// expense of coverage. On a single borough day 600 brings it from 2.0 to
// 1.5 at no loss of visits.
const DefaultContinuityPenalty = 600

// MaxCarePenalty bounds Options.PreferenceMissPenalty,
// Options.NetworkPenalty and Options.ContinuityPenalty: the routine unassigned penalty, so that no
// preference outweighs making a visit.
const MaxCarePenalty = 50_000

// PreferenceMiss returns the cost of a visit made by a worker the client
// did not prefer: the option, its default, or 0 when turned off.
func (o *Options) PreferenceMiss() int64 {
	return carePenalty(o.PreferenceMissPenalty, DefaultPreferenceMissPenalty)
}

// NetworkMiss returns the cost of a visit made by a worker of another
// network: the option, its default, or 0 when turned off.
func (o *Options) NetworkMiss() int64 { return carePenalty(o.NetworkPenalty, DefaultNetworkPenalty) }

// ContinuityCost returns the cost of each different worker a client sees
// beyond the first: the option, its default, or 0 when turned off.
func (o *Options) ContinuityCost() int64 {
	return carePenalty(o.ContinuityPenalty, DefaultContinuityPenalty)
}

func carePenalty(v, def int64) int64 {
	switch {
	case v < 0:
		return 0
	case v == 0:
		return def
	}
	return v
}

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
