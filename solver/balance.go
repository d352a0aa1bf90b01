package solver

import "github.com/roundsdev/rounds"

// balance gives every vehicle its fair share of the visit time and the
// request's balance cost per minute above it: the shift's length (without
// overtime) times the summed visit durations of its date over the summed
// shift lengths of that date (a double-handed visit counts once per
// worker). Travel is left out on both sides, so a worker with long drives
// is not charged for them. It does nothing when
// Options.BalanceCostPerMinute is 0. O(V + K).
func (b *builder) balance() {
	rate := b.req.Options.BalanceCostPerMinute
	if rate == 0 {
		return
	}
	demand := make(map[rounds.Date]int64)
	supply := make(map[rounds.Date]int64)
	for v := range b.viss {
		demand[b.req.Visits[v].Date] += int64(b.viss[v].Duration)
	}
	for k := range b.vehs {
		supply[b.vehDate(k)] += int64(shiftLength(&b.vehs[k]))
	}
	for k := range b.vehs {
		veh := &b.vehs[k]
		if s := supply[b.vehDate(k)]; s > 0 {
			veh.BalanceTarget = int32(demand[b.vehDate(k)] * int64(shiftLength(veh)) / s)
		}
		veh.BalanceCost = rate
	}
}

// vehDate returns the date of vehicle k's shift.
func (b *builder) vehDate(k int) rounds.Date {
	return b.req.Workers[b.meta.vehWorker[k]].Shifts[b.meta.vehShift[k]].Date
}

// shiftLength returns the length of a vehicle's shift without overtime.
func shiftLength(veh *Vehicle) int32 {
	if veh.OvertimeCost > 0 {
		return veh.OvertimeStart - veh.Earliest
	}
	return veh.Latest - veh.Earliest
}

// balanceCost returns the balance cost of vehicle k spending service
// units of time in visits. O(1).
func (p *Problem) balanceCost(k int, service int32) int64 {
	veh := &p.Vehicles[k]
	if above := service - veh.BalanceTarget; veh.BalanceCost > 0 && above > 0 {
		return int64(above) * veh.BalanceCost / 60
	}
	return 0
}

// routeBalance returns the summed balance costs of the routes. O(K) with
// balance costs, O(1) without.
func (s *state) routeBalance() int64 {
	if !s.p.balance {
		return 0
	}
	var sum int64
	for k := range s.routes {
		sum += s.routes[k].bal
	}
	return sum
}
