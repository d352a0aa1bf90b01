package validate

// The rules a roster must obey. Each Violation names one of them; the
// strings are stable, so clients may match on them.
const (
	// RuleUnknownWorker is broken by a route whose worker is not in the
	// request.
	RuleUnknownWorker = "unknown_worker"
	// RuleNoShift is broken by a route on a date the worker has no shift.
	RuleNoShift = "no_shift"
	// RuleDuplicateRoute is broken by a second route for the same worker
	// and date.
	RuleDuplicateRoute = "duplicate_route"
	// RuleRouteWorker is broken by a route whose travel mode, start or end
	// location is not the worker's.
	RuleRouteWorker = "route_worker"
	// RuleShiftStart is broken by a route that departs before the shift
	// starts.
	RuleShiftStart = "shift_start"
	// RuleShiftEnd is broken by a route that gets back after the shift
	// ends, plus its OvertimeMinutes.
	RuleShiftEnd = "shift_end"
	// RuleReturn is broken by a route whose return time is not the end of
	// its last visit plus the journey home (its departure if it has no
	// visits).
	RuleReturn = "return"
	// RuleRouteSums is broken by a route whose travel, work or wait seconds
	// are not the sums of its legs and visits.
	RuleRouteSums = "route_sums"
	// RuleWorkingTime is broken by a route whose travel plus visit time is
	// over the shift's (or else the worker's) cap.
	RuleWorkingTime = "working_time"
	// RuleOvertime is broken by a route whose OvertimeSeconds is not how
	// long after the shift end it gets back (at most the shift's
	// OvertimeMinutes).
	RuleOvertime = "overtime"
	// RuleUnknownVisit is broken by a stop whose visit is not in the
	// request.
	RuleUnknownVisit = "unknown_visit"
	// RuleWrongDate is broken by a stop on a route of another date than
	// the visit's.
	RuleWrongDate = "wrong_date"
	// RuleStopDetails is broken by a stop whose client, location or
	// priority is not its visit's.
	RuleStopDetails = "stop_details"
	// RuleTravel is broken by a stop whose travel seconds are not the
	// travel time from the previous place by the worker's mode.
	RuleTravel = "travel"
	// RuleArrival is broken by a stop whose arrival is not the end of the
	// previous visit (or the departure) plus the travel time.
	RuleArrival = "arrival"
	// RuleEarlyStart is broken by a visit that starts before the worker
	// arrives.
	RuleEarlyStart = "early_start"
	// RuleWait is broken by a stop whose wait is not its start minus its
	// arrival.
	RuleWait = "wait"
	// RuleWindow is broken by a visit that starts outside all its windows,
	// or outside the service hours when it has none.
	RuleWindow = "window"
	// RuleServiceHours is broken by a visit that finishes after the
	// service hours.
	RuleServiceHours = "service_hours"
	// RuleDuration is broken by a stop whose end is not its start plus the
	// visit's duration.
	RuleDuration = "duration"
	// RuleDeadline is broken by a rapid-response visit that starts after
	// its deadline, or before the referral arrived.
	RuleDeadline = "deadline"
	// RulePin is broken by a pinned visit made by another worker or at
	// another time.
	RulePin = "pin"
	// RuleSkill is broken by a worker who lacks a skill the visit needs.
	RuleSkill = "skill"
	// RuleDeclinedWorker is broken by a worker the client declined.
	RuleDeclinedWorker = "declined_worker"
	// RuleGender is broken by a worker whose gender is not the one the
	// client asked for.
	RuleGender = "gender"
	// RuleServedTwice is broken by a visit on more routes than the workers
	// it needs.
	RuleServedTwice = "served_twice"
	// RuleServedAndUnassigned is broken by a visit both on a route and
	// listed as unassigned.
	RuleServedAndUnassigned = "served_and_unassigned"
	// RuleNotAccounted is broken by a visit neither on a route nor listed
	// as unassigned.
	RuleNotAccounted = "not_accounted"
	// RuleDoubleHanded is broken by a double-handed visit without two
	// distinct workers starting together.
	RuleDoubleHanded = "double_handed"
	// RuleUnassigned is broken by an unassigned entry for an unknown visit,
	// without a reason or detail, with the wrong client or priority, or
	// listed twice.
	RuleUnassigned = "unassigned"
	// RuleLink is broken by a linked visit that does not start within its
	// gap after the visit it is linked to.
	RuleLink = "link"
	// RuleTotals is broken by a total that is not what the routes and the
	// unassigned list add up to.
	RuleTotals = "totals"
	// RuleCost is broken by a cost that is not the sum of the roster's
	// travel, soft costs and unassigned penalties, recomputed from the
	// routes and the request's options.
	RuleCost = "cost"
	// RuleScore is broken by a score entry that differs from the
	// recomputed cost of its rule, an entry for no rule, or a rule left
	// out.
	RuleScore = "score"
)

// RuleBreak is broken by a route whose shift gets a break
// (Options.Break) and that has visits but no break, or a break of the
// wrong length, outside the break window, or not between two stops
// (after a visit or before leaving, before travelling on or while
// waiting); and by a route that has a break it does not need.
const RuleBreak = "break"

// Rules lists every rule, in the order Roster checks them; with Events,
// LiveRules too.
var Rules = []string{
	RuleUnknownWorker, RuleNoShift, RuleDuplicateRoute, RuleRouteWorker, RuleShiftStart, RuleShiftEnd,
	RuleReturn, RuleRouteSums, RuleWorkingTime, RuleOvertime, RuleBreak, RuleUnknownVisit, RuleWrongDate, RuleStopDetails,
	RuleTravel, RuleArrival, RuleEarlyStart, RuleWait, RuleWindow, RuleServiceHours, RuleDuration,
	RuleDeadline, RulePin, RuleSkill, RuleDeclinedWorker, RuleGender, RuleServedTwice,
	RuleServedAndUnassigned, RuleNotAccounted, RuleDoubleHanded, RuleUnassigned, RuleLink,
	RuleTotals, RuleContinuity, RuleCost, RuleScore,
}
