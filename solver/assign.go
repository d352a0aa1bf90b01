package solver

import "slices"

// Assignment costs depend on which vehicle serves a visit, not on where in
// the route: a preference miss (Visit.Preferred, Visit.PreferenceMiss) and
// a network crossing (Visit.Network, Vehicle.Network, Visit.NetworkMiss).
// A route's cost includes the assignment costs of its visits; problems
// without any take none of these paths.

// freezeAssign fills the assignment cost tables, and sets assigns if any
// visit has a positive PreferenceMiss or NetworkMiss. O(V·K/64 + P) for P
// preferred vehicles in all.
func (p *Problem) freezeAssign() {
	nv := len(p.Visits)
	var prefs, nets bool
	for _, vis := range p.Visits {
		prefs = prefs || vis.PreferenceMiss > 0 && len(vis.Preferred) > 0
		nets = nets || vis.NetworkMiss > 0 && vis.Network > 0
	}
	p.assigns = prefs || nets || p.stayMiss > 0
	if !p.assigns {
		return
	}
	p.prefMiss = make([]int64, nv)
	p.netMiss = make([]int64, nv)
	p.visNet = make([]int32, nv)
	p.vehNet = make([]int32, len(p.Vehicles))
	for k, veh := range p.Vehicles {
		p.vehNet[k] = int32(max(veh.Network, 0))
	}
	if prefs {
		p.pref = make([]uint64, nv*p.words)
	}
	for v, vis := range p.Visits {
		p.visNet[v] = int32(max(vis.Network, 0))
		p.netMiss[v] = vis.NetworkMiss
		if len(vis.Preferred) == 0 || vis.PreferenceMiss == 0 {
			continue
		}
		p.prefMiss[v] = vis.PreferenceMiss
		row := p.pref[v*p.words : (v+1)*p.words]
		for _, k := range vis.Preferred {
			row[k>>6] |= 1 << (k & 63)
		}
	}
}

// preferenceCost returns what visit v costs on vehicle k for not being
// served by one of its preferred vehicles. O(1).
func (p *Problem) preferenceCost(v, k int) int64 {
	if p.pref == nil || p.prefMiss[v] == 0 || p.pref[v*p.words+k>>6]&(1<<(k&63)) != 0 {
		return 0
	}
	return p.prefMiss[v]
}

// networkCost returns what visit v costs on vehicle k for crossing into
// another network. O(1).
func (p *Problem) networkCost(v, k int) int64 {
	if !p.assigns {
		return 0
	}
	a, b := p.visNet[v], p.vehNet[k]
	if a == 0 || b == 0 || a == b {
		return 0
	}
	return p.netMiss[v]
}

// assignCost returns the assignment cost of visit v on vehicle k. O(1).
func (p *Problem) assignCost(v, k int32) int64 {
	if !p.assigns {
		return 0
	}
	return p.preferenceCost(int(v), int(k)) + p.networkCost(int(v), int(k)) + p.handoverCost(v, k)
}

// withStays charges cost for each visit v ridden by a vehicle other than
// stay[v][0] and stay[v][1] (-1 for none), its vehicles in a published
// roster: the disruption of handing a visit to another worker in a
// same-day repair (Repair). stay has one entry per visit.
func withStays(stay [][2]int32, cost int64) Option {
	return func(p *Problem) { p.stay, p.stayMiss = stay, cost }
}

// handoverCost returns what visit v costs on vehicle k for leaving the
// vehicles it had (withStays). O(1).
func (p *Problem) handoverCost(v, k int32) int64 {
	if p.stayMiss == 0 || p.stay[v][0] == k || p.stay[v][1] == k {
		return 0
	}
	return p.stayMiss
}

// prefColumn returns, for classify, which visits prefer vehicle k, as a
// bitset in a string; "" without preferences.
func (p *Problem) prefColumn(k int) string {
	if !p.assigns {
		return ""
	}
	col := make([]byte, (len(p.Visits)+7)/8)
	for v := range p.Visits {
		if p.preferenceCost(v, k) == 0 && p.handoverCost(int32(v), int32(k)) == 0 {
			col[v>>3] |= 1 << (v & 7)
		}
	}
	return string(col)
}

// withPreferred appends to near, the nearest vehicles of visit v, its
// allowed preferred vehicles not in it yet, so that the search tries them.
func (p *Problem) withPreferred(v int, near []int32) []int32 {
	if p.pref == nil || p.prefMiss[v] == 0 {
		return near
	}
	for _, k := range p.Visits[v].Preferred {
		if p.Allowed(v, k) && !slices.Contains(near, int32(k)) {
			near = append(near, int32(k))
		}
	}
	return near
}

// assignment returns the summed assignment costs of the visits on the
// routes of s. O(K).
func (s *state) assignment() int64 {
	if !s.p.assigns {
		return 0
	}
	var sum int64
	for k := range s.routes {
		r := &s.routes[k]
		sum += r.as[r.last()]
	}
	return sum
}
