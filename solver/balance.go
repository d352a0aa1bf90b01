package solver

// balance gives every vehicle its fair share of the work and the
// request's balance cost per minute above it: the shift's length (without
// overtime) times the summed visit durations over the summed shift
// lengths. It does nothing when Options.BalanceCostPerMinute is 0. O(V + K).
func (b *builder) balance() {
	rate := b.req.Options.BalanceCostPerMinute
	if rate == 0 {
		return
	}
	var demand, supply int64
	for v := range b.viss {
		demand += int64(b.viss[v].Duration)
	}
	for k := range b.vehs {
		supply += int64(shiftLength(&b.vehs[k]))
	}
	if supply == 0 {
		return
	}
	for k := range b.vehs {
		veh := &b.vehs[k]
		veh.BalanceTarget = int32(demand * int64(shiftLength(veh)) / supply)
		veh.BalanceCost = rate
	}
}

// shiftLength returns the length of a vehicle's shift without overtime.
func shiftLength(veh *Vehicle) int32 {
	if veh.OvertimeCost > 0 {
		return veh.OvertimeStart - veh.Earliest
	}
	return veh.Latest - veh.Earliest
}

// balanceCost returns the balance cost of vehicle k working work units
// (travel plus service time). O(1).
func (p *Problem) balanceCost(k int, work int32) int64 {
	veh := &p.Vehicles[k]
	if above := work - veh.BalanceTarget; veh.BalanceCost > 0 && above > 0 {
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
