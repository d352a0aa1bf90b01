package validate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/geo"
)

func TestRosterValid(t *testing.T) {
	req, r := fixtureRequest(), fixtureRoster()
	got, err := Roster(context.Background(), req, r, gridSource{})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range got {
		t.Errorf("valid roster: %s", v)
	}
}

func TestRosterJSONRoundTrip(t *testing.T) {
	b, err := json.Marshal(fixtureRoster())
	if err != nil {
		t.Fatal(err)
	}
	var r rounds.Roster
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	got, err := Roster(context.Background(), fixtureRequest(), &r, gridSource{})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range got {
		t.Errorf("roster read back from JSON: %s", v)
	}
}

// fixture gives a test case the request and roster to corrupt.
type fixture struct {
	req *rounds.Request
	r   *rounds.Roster
}

func (f fixture) route(tb testing.TB, workerID string) *rounds.Route {
	tb.Helper()
	for i := range f.r.Routes {
		if f.r.Routes[i].WorkerID == workerID {
			return &f.r.Routes[i]
		}
	}
	tb.Fatalf("no route for worker %s", workerID)
	return nil
}

func (f fixture) visit(tb testing.TB, id string) *rounds.Visit {
	tb.Helper()
	for i := range f.req.Visits {
		if f.req.Visits[i].ID == id {
			return &f.req.Visits[i]
		}
	}
	tb.Fatalf("no visit %s", id)
	return nil
}

func (f fixture) worker(tb testing.TB, id string) *rounds.Worker {
	tb.Helper()
	for i := range f.req.Workers {
		if f.req.Workers[i].ID == id {
			return &f.req.Workers[i]
		}
	}
	tb.Fatalf("no worker %s", id)
	return nil
}

func (f fixture) client(tb testing.TB, id string) *rounds.Client {
	tb.Helper()
	for i := range f.req.Clients {
		if f.req.Clients[i].ID == id {
			return &f.req.Clients[i]
		}
	}
	tb.Fatalf("no client %s", id)
	return nil
}

// delayLastStop starts the last visit of a worker's route d seconds later
// and shifts everything that follows from it (wait, end, return, sums), so
// that only rules about the start itself can break.
func (f fixture) delayLastStop(tb testing.TB, workerID string, d int) {
	tb.Helper()
	rt := f.route(tb, workerID)
	s := &rt.Stops[len(rt.Stops)-1]
	s.Start += rounds.Clock(d)
	s.End += rounds.Clock(d)
	s.WaitSeconds += d
	rt.Return += rounds.Clock(d)
	rt.WaitSeconds += d
	f.r.Totals.WaitSeconds += d
}

// backInOvertime gives w6's shift (08:00-12:00) minutes of overtime and
// makes its empty route leave and return at 12:30, reporting reported
// seconds of overtime on the route and the right total.
func backInOvertime(tb testing.TB, f fixture, minutes, reported int) {
	tb.Helper()
	f.worker(tb, "w6").Shifts[0].OvertimeMinutes = minutes
	rt := f.route(tb, "w6")
	rt.Depart, rt.Return = rounds.At(12, 30), rounds.At(12, 30)
	rt.OvertimeSeconds = reported
	f.r.Totals.OvertimeSeconds += min(1800, minutes*60)
	f.r.Totals.Cost += int64(min(1800, minutes*60)) * rounds.DefaultOvertimeCostPerMinute / 60
}

func TestRosterRules(t *testing.T) {
	at := rounds.At
	tests := []struct {
		name string
		opts []Option
		edit func(tb testing.TB, f fixture)
		// rule is the only rule that must be broken ("" for none); says
		// is part of the first violation's message.
		rule, says string
	}{
		{
			name: "unknown worker",
			edit: func(tb testing.TB, f fixture) { f.route(tb, "w1").WorkerID = "w9" },
			rule: RuleUnknownWorker, says: "route of 2026-11-25 is for worker w9, who is not in the request",
		},
		{
			name: "route on a day off",
			edit: func(tb testing.TB, f fixture) { f.route(tb, "w6").Date = day.AddDays(1) },
			rule: RuleNoShift, says: "worker w6 has a route on 2026-11-26 but no shift that day",
		},
		{
			name: "two routes for one worker and day",
			edit: func(tb testing.TB, f fixture) { f.r.Routes = append(f.r.Routes, *f.route(tb, "w6")) },
			rule: RuleDuplicateRoute, says: "worker w6 has more than one route on 2026-11-25",
		},
		{
			name: "route walks for a driver",
			edit: func(tb testing.TB, f fixture) { f.route(tb, "w1").TravelMode = geo.Walk },
			rule: RuleRouteWorker, says: "worker w1's route of 2026-11-25 travels walking, but the worker travels driving",
		},
		{
			name: "route ends at the wrong place",
			edit: func(tb testing.TB, f fixture) { f.route(tb, "w2").End = grid(4, 0) },
			rule: RuleRouteWorker, says: "worker w2's route of 2026-11-25 ends at 51.5,-0.16, but the worker ends at 51.51,-0.16",
		},
		{
			name: "departs before the shift",
			edit: func(tb testing.TB, f fixture) {
				rt := f.route(tb, "w6")
				rt.Depart, rt.Return = at(7, 30), at(7, 30)
			},
			rule: RuleShiftStart, says: "worker w6 leaves at 07:30 on 2026-11-25, before their shift starts at 08:00",
		},
		{
			name: "back after the shift",
			edit: func(tb testing.TB, f fixture) {
				rt := f.route(tb, "w6")
				rt.Depart, rt.Return = at(12, 30), at(12, 30)
			},
			rule: RuleShiftEnd, says: "worker w6 gets back at 12:30 on 2026-11-25, after their shift ends at 12:00",
		},
		{
			name: "back in overtime",
			edit: func(tb testing.TB, f fixture) { backInOvertime(tb, f, 45, 1800) },
		},
		{
			name: "back after the overtime",
			edit: func(tb testing.TB, f fixture) { backInOvertime(tb, f, 15, 900) },
			rule: RuleShiftEnd, says: "worker w6 gets back at 12:30 on 2026-11-25, after their shift ends at 12:00 and its 15 min of overtime at 12:15",
		},
		{
			name: "overtime misreported",
			edit: func(tb testing.TB, f fixture) { backInOvertime(tb, f, 45, 600) },
			rule: RuleOvertime, says: "worker w6's route of 2026-11-25 gives 600 s of overtime, but it gets back at 12:30 and the shift ends at 12:00: 1800 s (30 min)",
		},
		{
			name: "break while waiting",
			edit: func(tb testing.TB, f fixture) { withBreak(tb, f, at(10, 0)) },
		},
		{
			name: "break missing",
			edit: func(tb testing.TB, f fixture) {
				withBreak(tb, f, at(10, 0))
				f.route(tb, "w2").Break = nil
			},
			rule: RuleBreak, says: "worker w2's route of 2026-11-25 has no break, but the shift 08:00-16:00 is longer than 7 h and gets one of 30 min",
		},
		{
			name: "break outside its window",
			edit: func(tb testing.TB, f fixture) { withBreak(tb, f, at(10, 30)) },
			rule: RuleBreak, says: "has a break 10:30-11:00 outside the break window 09:00-10:45",
		},
		{
			name: "break overlapping a visit",
			edit: func(tb testing.TB, f fixture) { withBreak(tb, f, at(9, 20)) },
			rule: RuleBreak, says: "has a break 09:20-09:50 that is not between two stops",
		},
		{
			name: "break the shift does not get",
			edit: func(tb testing.TB, f fixture) {
				withBreak(tb, f, at(10, 0))
				f.route(tb, "w3").Break = &rounds.BreakTime{Start: at(9, 0), End: at(9, 30)}
			},
			rule: RuleBreak, says: "worker w3's route of 2026-11-25 has a break 09:00-09:30, but it gets none",
		},
		{
			name: "return not after the journey home",
			edit: func(tb testing.TB, f fixture) { f.route(tb, "w1").Return = at(11, 20) },
			rule: RuleReturn, says: "gets back at 11:20, but the last visit ends at 11:05 and the journey home takes 10 min: 11:15",
		},
		{
			name: "empty route returns later than it departs",
			edit: func(tb testing.TB, f fixture) { f.route(tb, "w6").Return = at(8, 30) },
			rule: RuleReturn, says: "worker w6's route of 2026-11-25 has no visits, so it returns when it departs, 08:00, not 08:30",
		},
		{
			name: "route travel not the sum of its legs",
			edit: func(tb testing.TB, f fixture) { f.route(tb, "w2").TravelSeconds = 1560 },
			rule: RuleRouteSums, says: "worker w2's route of 2026-11-25 gives 1560 s of travel (including the journey home), but its legs and visits add up to 1500 s (25 min)",
		},
		{
			name: "route waiting not the sum of its waits",
			edit: func(tb testing.TB, f fixture) { f.route(tb, "w3").WaitSeconds = 0 },
			rule: RuleRouteSums, says: "gives 0 s of waiting, but its legs and visits add up to 900 s (15 min)",
		},
		{
			name: "over the shift's working time",
			edit: func(tb testing.TB, f fixture) { f.worker(tb, "w2").Shifts[0].MaxWorkMinutes = 100 },
			rule: RuleWorkingTime, says: "worker w2 works 1 h 55 min on 2026-11-25 (travel plus visits), over their limit of 1 h 40 min",
		},
		{
			name: "over the worker's working time",
			edit: func(tb testing.TB, f fixture) { f.worker(tb, "w1").MaxWorkMinutes = 120 },
			rule: RuleWorkingTime, says: "worker w1 works 2 h 5 min on 2026-11-25 (travel plus visits), over their limit of 2 h",
		},
		{
			name: "stop for an unknown visit",
			edit: func(tb testing.TB, f fixture) {
				rt := f.route(tb, "w1")
				rt.Stops = append(rt.Stops, stop("v99", "c2", grid(2, 0), rounds.Routine, 0, at(11, 5), at(11, 5), at(11, 35), 0))
			},
			rule: RuleUnknownVisit, says: "worker w1's route of 2026-11-25 stops for visit v99, which is not in the request",
		},
		{
			name: "visit on another day's route",
			edit: func(tb testing.TB, f fixture) { f.visit(tb, "v4").Date = day.AddDays(1) },
			rule: RuleWrongDate, says: "visit v4 (client c4) is due on 2026-11-26 but is on worker w2's route of 2026-11-25",
		},
		{
			name: "stop names another client",
			edit: func(tb testing.TB, f fixture) { f.route(tb, "w1").Stops[0].ClientID = "c2" },
			rule: RuleStopDetails, says: "the stop for visit v1 (client c1) on worker w1's route of 2026-11-25 gives client c2, but the visit is for client c1",
		},
		{
			name: "stop gives another priority",
			edit: func(tb testing.TB, f fixture) { f.route(tb, "w4").Stops[0].Priority = rounds.RapidResponse },
			rule: RuleStopDetails, says: `gives priority "rapid_response", but the visit is "routine"`,
		},
		{
			name: "leg travel wrong",
			edit: func(tb testing.TB, f fixture) { f.route(tb, "w1").Stops[1].TravelSeconds = 400 },
			rule: RuleTravel, says: "visit v2 (client c2) on worker w1's route of 2026-11-25 gives 6 min 40 s of travel from visit v1, but it takes 5 min driving",
		},
		{
			name: "arrival not after the travel",
			edit: func(tb testing.TB, f fixture) { f.route(tb, "w1").Stops[1].Arrival = at(9, 36) },
			rule: RuleArrival, says: "gives arrival 09:36, but the worker leaves visit v1 at 09:30 and takes 5 min: 09:35",
		},
		{
			name: "visit starts before the worker arrives",
			edit: func(tb testing.TB, f fixture) {
				rt := f.route(tb, "w4")
				rt.Stops[0].Start, rt.Stops[0].End, rt.Return = at(8, 10), at(8, 40), at(8, 55)
			},
			rule: RuleEarlyStart, says: "visit v7 (client c2) starts 08:10 on worker w4's route of 2026-11-25, before the worker arrives at 08:15",
		},
		{
			name: "wait not start minus arrival",
			edit: func(tb testing.TB, f fixture) { f.route(tb, "w1").Stops[0].WaitSeconds = 200 },
			rule: RuleWait, says: "gives a wait of 3 min 20 s, but the worker arrives at 08:55 and starts at 09:00: a wait of 5 min",
		},
		{
			name: "starts before its window",
			edit: func(tb testing.TB, f fixture) {
				f.visit(tb, "v1").Windows = []rounds.Window{{Start: at(9, 15), End: at(10, 0)}}
			},
			rule: RuleWindow, says: "visit v1 (client c1) starts 09:00 before its window 09:15-10:00 on worker w1's route of 2026-11-25",
		},
		{
			name: "starts after its windows",
			edit: func(tb testing.TB, f fixture) {
				f.visit(tb, "v1").Windows = []rounds.Window{{Start: at(8, 0), End: at(8, 30)}, {Start: at(10, 0), End: at(11, 0)}}
			},
			rule: RuleWindow, says: "visit v1 (client c1) starts 09:00 outside its windows 08:00-08:30, 10:00-11:00",
		},
		{
			name: "finishes after the service hours",
			edit: func(tb testing.TB, f fixture) {
				rt := f.route(tb, "w5")
				rt.Depart, rt.Return = at(19, 40), at(20, 20)
				rt.Stops[0].Arrival, rt.Stops[0].Start, rt.Stops[0].End = at(19, 45), at(19, 45), at(20, 15)
			},
			rule: RuleServiceHours, says: "visit v8 (client c4) ends 20:15 on worker w5's route of 2026-11-25, after the service hours 08:00-20:00",
		},
		{
			name: "starts before the service hours",
			edit: func(tb testing.TB, f fixture) {
				f.worker(tb, "w4").Shifts[0].Start = at(7, 0)
				rt := f.route(tb, "w4")
				rt.Depart, rt.Return = at(7, 0), at(8, 0)
				rt.Stops[0].Arrival, rt.Stops[0].Start, rt.Stops[0].End = at(7, 15), at(7, 15), at(7, 45)
			},
			rule: RuleWindow, says: "visit v7 (client c2) starts 07:15 outside the service hours 08:00-20:00 on worker w4's route of 2026-11-25",
		},
		{
			name: "end not start plus duration",
			edit: func(tb testing.TB, f fixture) { f.route(tb, "w4").Stops[0].End = at(8, 50) },
			rule: RuleDuration, says: "visit v7 (client c2) on worker w4's route of 2026-11-25 ends 08:50, but it starts 08:15 and lasts 30 min: it ends 08:45",
		},
		{
			name: "rapid response after its deadline",
			edit: func(tb testing.TB, f fixture) { f.visit(tb, "v4").Deadline = clockPtr(9, 0) },
			rule: RuleDeadline, says: "rapid-response visit v4 (client c4) starts 09:10 on worker w2's route of 2026-11-25, after its deadline 09:00",
		},
		{
			name: "rapid response before its referral",
			edit: func(tb testing.TB, f fixture) { f.visit(tb, "v4").ReferredAt = clockPtr(9, 30) },
			rule: RuleDeadline, says: "rapid-response visit v4 (client c4) starts 09:10 on worker w2's route of 2026-11-25, before its referral at 09:30",
		},
		{
			name: "pinned to another worker",
			edit: func(tb testing.TB, f fixture) { f.visit(tb, "v1").Pin = &rounds.Pin{WorkerID: "w4"} },
			rule: RulePin, says: "visit v1 (client c1) on 2026-11-25 is pinned to worker w4 but made by worker w1",
		},
		{
			name: "pinned to another start",
			edit: func(tb testing.TB, f fixture) { f.visit(tb, "v4").Pin.Start = clockPtr(9, 15) },
			rule: RulePin, says: "visit v4 (client c4) on 2026-11-25 is pinned to start at 09:15 but worker w2 starts it at 09:10",
		},
		{
			name: "worker lacks a skill",
			edit: func(tb testing.TB, f fixture) {
				v := f.visit(tb, "v1")
				v.Skills = append(v.Skills, "catheter")
			},
			rule: RuleSkill, says: "visit v1 (client c1) needs catheter, which worker w1 lacks, on worker w1's route of 2026-11-25",
		},
		{
			name: "client declined the worker",
			edit: func(tb testing.TB, f fixture) {
				c := f.client(tb, "c1")
				c.DeclinedWorkers = append(c.DeclinedWorkers, "w1")
			},
			rule: RuleDeclinedWorker, says: "client c1 declined worker w1, who makes visit v1 (client c1) on worker w1's route of 2026-11-25",
		},
		{
			name: "client asked for another gender",
			edit: func(tb testing.TB, f fixture) { f.client(tb, "c4").GenderPreference = "female" },
			rule: RuleGender, says: "client c4 asked for a female worker, but worker w2 (male) makes visit v4 (client c4)",
		},
		{
			name: "worker of unrecorded gender",
			edit: func(tb testing.TB, f fixture) {
				f.client(tb, "c4").GenderPreference = "female"
				f.worker(tb, "w2").Gender = ""
			},
			rule: RuleGender, says: "worker w2 (gender not recorded) makes visit v4 (client c4)",
		},
		{
			name: "visit on two routes",
			edit: func(tb testing.TB, f fixture) {
				rt := f.route(tb, "w1")
				rt.Stops = append(rt.Stops, stop("v7", "c2", grid(2, 0), rounds.Routine, 0, at(11, 5), at(11, 5), at(11, 35), 0))
				rt.Return = at(11, 45)
				rt.WorkSeconds += 1800
				f.r.Totals.WorkSeconds += 1800
			},
			rule: RuleServedTwice, says: "visit v7 (client c2) on 2026-11-25 needs one worker but is made 2 times, by workers w1, w4",
		},
		{
			name: "visit served and unassigned",
			edit: func(tb testing.TB, f fixture) {
				f.r.Unassigned = append(f.r.Unassigned, rounds.Unassigned{VisitID: "v7", ClientID: "c2", Priority: rounds.Routine, Reason: rounds.ReasonNoCapacity, Detail: "no room"})
				f.r.Totals.Unassigned++
				f.r.Totals.UnassignedByPriority[rounds.Routine]++
			},
			rule: RuleServedAndUnassigned, says: "visit v7 (client c2) on 2026-11-25 is made by worker w4 and also listed as unassigned",
		},
		{
			name: "visit neither served nor unassigned",
			edit: func(tb testing.TB, f fixture) {
				f.r.Unassigned = nil
				f.r.Totals.Unassigned = 0
				f.r.Totals.UnassignedByPriority = nil
			},
			rule: RuleNotAccounted, says: "visit v6 (client c4) on 2026-11-25 is on no route and not listed as unassigned",
		},
		{
			name: "double-handed visit with one worker",
			edit: func(tb testing.TB, f fixture) { f.visit(tb, "v4").WorkersNeeded = 2 },
			rule: RuleDoubleHanded, says: "double-handed visit v4 (client c4) on 2026-11-25 is made by worker w2 alone",
		},
		{
			name: "double-handed visit twice by one worker",
			edit: func(tb testing.TB, f fixture) {
				f.visit(tb, "v7").WorkersNeeded = 2
				rt := f.route(tb, "w4")
				rt.Stops = append(rt.Stops, stop("v7", "c2", grid(2, 0), rounds.Routine, 0, at(8, 45), at(8, 45), at(9, 15), 0))
				rt.Return = at(9, 30)
				rt.WorkSeconds += 1800
				f.r.Totals.WorkSeconds += 1800
			},
			rule: RuleDoubleHanded, says: "double-handed visit v7 (client c2) on 2026-11-25 is made twice by worker w4; it needs two different workers",
		},
		{
			name: "double-handed workers start apart",
			edit: func(tb testing.TB, f fixture) { f.delayLastStop(tb, "w3", 600) },
			rule: RuleDoubleHanded, says: "starts at 11:00 with worker w2 but at 11:10 with worker w3; the starts may differ by 0 s at most",
		},
		{
			name: "double-handed workers start apart within tolerance",
			opts: []Option{SyncTolerance(10 * time.Minute)},
			edit: func(tb testing.TB, f fixture) { f.delayLastStop(tb, "w3", 600) },
		},
		{
			name: "double-handed workers start apart beyond tolerance",
			opts: []Option{SyncTolerance(9 * time.Minute)},
			edit: func(tb testing.TB, f fixture) { f.delayLastStop(tb, "w3", 600) },
			rule: RuleDoubleHanded, says: "the starts may differ by 9 min at most",
		},
		{
			name: "double-handed workers start apart within the request's tolerance",
			edit: func(tb testing.TB, f fixture) {
				f.req.Options.SyncToleranceMinutes = 10
				f.delayLastStop(tb, "w3", 600)
			},
		},
		{
			name: "double-handed workers start apart beyond the request's tolerance",
			edit: func(tb testing.TB, f fixture) {
				f.req.Options.SyncToleranceMinutes = 9
				f.delayLastStop(tb, "w3", 600)
			},
			rule: RuleDoubleHanded, says: "the starts may differ by 9 min at most",
		},
		{
			name: "unassigned without a reason",
			edit: func(tb testing.TB, f fixture) { f.r.Unassigned[0].Reason = "" },
			rule: RuleUnassigned, says: "unassigned visit v6 (client c4) on 2026-11-25 gives no reason",
		},
		{
			name: "unassigned unknown visit",
			edit: func(tb testing.TB, f fixture) {
				f.r.Unassigned = append(f.r.Unassigned, rounds.Unassigned{VisitID: "v99", Reason: rounds.ReasonNoCapacity, Detail: "no room"})
			},
			rule: RuleUnassigned, says: "unassigned entry 2 is for visit v99, which is not in the request",
		},
		{
			name: "unassigned listed twice",
			edit: func(tb testing.TB, f fixture) { f.r.Unassigned = append(f.r.Unassigned, f.r.Unassigned[0]) },
			rule: RuleUnassigned, says: "visit v6 (client c4) on 2026-11-25 is listed more than once as unassigned",
		},
		{
			name: "linked visit too soon",
			edit: func(tb testing.TB, f fixture) { f.visit(tb, "v5").Links[0].MinGapMinutes = 90 },
			rule: RuleLink, says: "visit v5 (client c2) on 2026-11-25 starts at 10:35 (worker w1), 1 h after visit v2 (client c2) starts at 09:35 (worker w1) on 2026-11-25; it must start 90-240 min after it",
		},
		{
			name: "linked visit too late",
			edit: func(tb testing.TB, f fixture) {
				f.visit(tb, "v5").Links[0] = rounds.Link{VisitID: "v2", MinGapMinutes: 30, MaxGapMinutes: 50}
			},
			rule: RuleLink, says: "1 h after visit v2 (client c2) starts at 09:35 (worker w1) on 2026-11-25; it must start 30-50 min after it",
		},
		{
			name: "linked visit before the one it follows",
			edit: func(tb testing.TB, f fixture) {
				f.visit(tb, "v2").Links = []rounds.Link{{VisitID: "v5", MinGapMinutes: 0, MaxGapMinutes: 30}}
				f.visit(tb, "v5").Links = nil
			},
			rule: RuleLink, says: "visit v2 (client c2) on 2026-11-25 starts at 09:35 (worker w1), 1 h before visit v5",
		},
		{
			name: "total travel wrong",
			edit: func(tb testing.TB, f fixture) { f.r.Totals.TravelSeconds++ },
			rule: RuleTotals, says: "the totals give 10501 s of travel, but the routes add up to 10500 s (2 h 55 min)",
		},
		{
			name: "workers used wrong",
			edit: func(tb testing.TB, f fixture) { f.r.Totals.WorkersUsed = 6 },
			rule: RuleTotals, says: "the totals give 6 workers with visits, but the roster has 5",
		},
		{
			name: "assigned by priority wrong",
			edit: func(tb testing.TB, f fixture) { f.r.Totals.AssignedByPriority[rounds.Routine] = 3 },
			rule: RuleTotals, says: "the totals give 3 assigned routine visits, but the roster has 4",
		},
		{
			name: "cost misreported",
			edit: func(tb testing.TB, f fixture) { f.r.Totals.Cost = 100 },
			rule: RuleCost, says: "the roster's cost is 100, but its travel, soft costs and unassigned penalties add up to 62300",
		},
		{
			name: "score consistent",
			edit: func(tb testing.TB, f fixture) { f.r.Totals.Score = fixtureScore() },
		},
		{
			name: "score misreported",
			edit: func(tb testing.TB, f fixture) {
				f.r.Totals.Score = fixtureScore()
				f.r.Totals.Score[rounds.ScoreTravel], f.r.Totals.Score[rounds.UnassignedScoreKey(rounds.Routine)] = 60500, 0
			},
			rule: RuleScore, says: `the score gives 60500 for "travel", but the roster comes to 10500`,
		},
		{
			name: "score with an unknown rule",
			edit: func(tb testing.TB, f fixture) {
				f.r.Totals.Score = fixtureScore()
				f.r.Totals.Score["kindness"] = 0
			},
			rule: RuleScore, says: `the score lists "kindness" (0), which is not a rule of the cost`,
		},
		{
			name: "late after the soft end",
			edit: func(tb testing.TB, f fixture) {
				f.r.Totals.Score = fixtureScore()
				v := f.visit(tb, "v2")
				soft := rounds.At(9, 30)
				v.SoftEnd, v.LatenessCost = &soft, 2
			},
			rule: RuleScore, says: `the score gives 0 for "lateness", but the roster comes to 600`,
		},
		{
			name: "preference and network misses",
			edit: func(tb testing.TB, f fixture) {
				f.r.Totals.Score = fixtureScore()
				f.client(tb, "c2").PreferredWorkers = []string{"w1"}
				f.client(tb, "c2").Network = "north"
				f.worker(tb, "w4").Network = "south"
			},
			rule: RuleScore, says: `the score gives 0 for "network", but the roster comes to`,
		},
		{
			// c2 sees w1 and w4, c3 w2 and w3, c4 w2 and w5: three workers
			// beyond the first, at 200 each
			name: "continuity cost right",
			edit: func(tb testing.TB, f fixture) { scored(f, 200, 600) },
		},
		{
			name: "continuity cost wrong",
			edit: func(tb testing.TB, f fixture) { scored(f, 200, 400) },
			rule: RuleScore, says: `the score gives 400 for "continuity", but the roster comes to 600`,
		},
		{
			name: "continuity cost of the default penalty",
			edit: func(tb testing.TB, f fixture) { scored(f, 0, 3*rounds.DefaultContinuityPenalty+1) },
			rule: RuleScore, says: fmt.Sprintf(`the score gives %d for "continuity", but the roster comes to %d`, 3*rounds.DefaultContinuityPenalty+1, 3*rounds.DefaultContinuityPenalty),
		},
		{
			name: "score does not add up",
			edit: func(tb testing.TB, f fixture) {
				scored(f, 200, 600)
				f.r.Totals.Cost++
			},
			rule: RuleCost, says: "the roster's cost is 61101, but its travel, soft costs and unassigned penalties add up to 61100",
		},
		{
			name: "continuity list right",
			edit: func(tb testing.TB, f fixture) { continuity(f) },
		},
		{
			name: "continuity list wrong",
			edit: func(tb testing.TB, f fixture) {
				continuity(f)
				f.r.Continuity[1].DistinctWorkers = 1
			},
			rule: RuleContinuity, says: "client c2 is listed with 3 visits by 1 different workers, but the routes make 3 visits by 2 workers",
		},
		{
			name: "continuity list misses a client",
			edit: func(tb testing.TB, f fixture) {
				continuity(f)
				f.r.Continuity = f.r.Continuity[1:]
			},
			rule: RuleContinuity, says: "client c1 has 1 visits on the routes but no continuity entry",
		},
		{
			name: "continuity mean wrong",
			edit: func(tb testing.TB, f fixture) {
				continuity(f)
				f.r.Totals.MeanDistinctWorkers = 1.5
			},
			rule: RuleContinuity, says: "the totals give a mean of 1.5 different workers per client with two or more visits, but the routes give 2",
		},
	}
	covered := make(map[string]bool)
	for _, tt := range tests {
		covered[tt.rule] = true
		t.Run(tt.name, func(t *testing.T) {
			f := fixture{req: fixtureRequest(), r: fixtureRoster()}
			tt.edit(t, f)
			got, err := Roster(context.Background(), f.req, f.r, gridSource{}, tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if tt.rule == "" {
				for _, v := range got {
					t.Errorf("want no violation, got %s", v)
				}
				return
			}
			var first *Violation
			for i, v := range got {
				t.Log(v)
				if v.Rule == RuleCost && tt.rule != RuleCost {
					continue // the cost follows from the broken rule
				}
				if v.Rule != tt.rule {
					t.Errorf("want only %s violations, got %s", tt.rule, v)
				} else if first == nil {
					first = &got[i]
				}
				checkNames(t, v)
			}
			if first == nil {
				t.Fatalf("want a %s violation, got none", tt.rule)
			}
			if !strings.Contains(first.Message, tt.says) {
				t.Errorf("message %q\ndoes not say %q", first.Message, tt.says)
			}
		})
	}
	for _, rule := range Rules {
		if !covered[rule] {
			t.Errorf("no test case breaks rule %s", rule)
		}
	}
}

// scored gives f's request a continuity penalty (0: the default) and f's
// roster a score that lists a continuity cost of cont and sums to its
// cost.
func scored(f fixture, penalty, cont int64) {
	f.req.Options.ContinuityPenalty = penalty
	f.r.Totals.Score = fixtureScore()
	f.r.Totals.Score[rounds.ScoreContinuity] = cont
	f.r.Totals.Cost = 60500 + cont
}

// continuity fills f's roster's continuity list and mean as the solver
// does.
func continuity(f fixture) {
	f.r.Continuity, f.r.Totals.MeanDistinctWorkers, f.r.Totals.PreferredShare = rounds.ContinuityOf(f.req, f.r.Routes)
}

// checkNames fails if v's message does not name its worker and visit.
func checkNames(tb testing.TB, v Violation) {
	tb.Helper()
	if v.Message == "" {
		tb.Errorf("violation %+v has no message", v)
	}
	for _, id := range []string{v.WorkerID, v.VisitID, string(v.Date)} {
		if id != "" && !slices.Contains(strings.FieldsFunc(v.Message, notInID), id) {
			tb.Errorf("message %q does not name %s", v.Message, id)
		}
	}
}

// notInID reports whether r cannot be part of an id or date in a message.
func notInID(r rune) bool { return strings.ContainsRune(" ,;:()'", r) }

func TestRosterViolationFields(t *testing.T) {
	f := fixture{req: fixtureRequest(), r: fixtureRoster()}
	f.visit(t, "v1").Windows = []rounds.Window{{Start: rounds.At(9, 15), End: rounds.At(10, 0)}}
	got, err := Roster(context.Background(), f.req, f.r, gridSource{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Violation{{
		Rule: RuleWindow, WorkerID: "w1", VisitID: "v1", Date: day,
		Message: "visit v1 (client c1) starts 09:00 before its window 09:15-10:00 on worker w1's route of 2026-11-25",
	}}
	if !slices.Equal(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if s, w := got[0].String(), "window: visit v1 (client c1) starts 09:00 before its window 09:15-10:00 on worker w1's route of 2026-11-25"; s != w {
		t.Errorf("String() = %q, want %q", s, w)
	}
}

func TestRosterLeavesInputAlone(t *testing.T) {
	req, r := fixtureRequest(), fixtureRoster()
	r.Routes[0].Stops[1].Arrival = rounds.At(9, 36)
	before := mustJSON(t, req) + mustJSON(t, r)
	if _, err := Roster(context.Background(), req, r, gridSource{}); err != nil {
		t.Fatal(err)
	}
	if after := mustJSON(t, req) + mustJSON(t, r); after != before {
		t.Errorf("Roster modified its input:\nbefore %s\nafter  %s", before, after)
	}
}

func mustJSON(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// countingSource records the calls to an inner source.
type countingSource struct {
	inner  geo.Source
	points map[geo.Mode][]int
}

func (s *countingSource) Matrix(ctx context.Context, points []geo.Point, mode geo.Mode) (geo.Matrix, error) {
	s.points[mode] = append(s.points[mode], len(points))
	return s.inner.Matrix(ctx, points, mode)
}

func TestRosterMatrixOncePerMode(t *testing.T) {
	src := &countingSource{inner: gridSource{}, points: make(map[geo.Mode][]int)}
	if _, err := Roster(context.Background(), fixtureRequest(), fixtureRoster(), src); err != nil {
		t.Fatal(err)
	}
	// Driving: w1, w2 (start and end), w4, w5 and clients c1-c4; walking:
	// w3 and c3. w6 travels by transit but has no visits.
	want := map[geo.Mode][]int{geo.Drive: {9}, geo.Walk: {2}}
	if len(src.points) != len(want) {
		t.Errorf("matrix calls %v, want %v", src.points, want)
	}
	for mode, w := range want {
		if !slices.Equal(src.points[mode], w) {
			t.Errorf("%s matrix calls over %v points, want %v", mode, src.points[mode], w)
		}
	}
}

// sourceFunc turns a function into a geo.Source.
type sourceFunc func(ctx context.Context, points []geo.Point, mode geo.Mode) (geo.Matrix, error)

func (f sourceFunc) Matrix(ctx context.Context, points []geo.Point, mode geo.Mode) (geo.Matrix, error) {
	return f(ctx, points, mode)
}

func TestRosterErrors(t *testing.T) {
	errRouting := errors.New("no route to host")
	tests := []struct {
		name string
		req  *rounds.Request
		r    *rounds.Roster
		src  geo.Source
		// code is the rounds error code wanted, says part of the message.
		code, says string
	}{
		{name: "nil request", r: fixtureRoster(), src: gridSource{}, code: rounds.EINVALID, says: "request is nil"},
		{name: "nil roster", req: fixtureRequest(), src: gridSource{}, code: rounds.EINVALID, says: "roster is nil"},
		{name: "nil source", req: fixtureRequest(), r: fixtureRoster(), code: rounds.EINVALID, says: "travel source is nil"},
		{
			name: "malformed request",
			req: func() *rounds.Request {
				req := fixtureRequest()
				req.Visits[2].WorkersNeeded = 3
				return req
			}(),
			r: fixtureRoster(), src: gridSource{},
			code: rounds.EINVALID, says: "visits[2].workersNeeded = 3",
		},
		{
			name: "source fails",
			req:  fixtureRequest(), r: fixtureRoster(),
			src: sourceFunc(func(context.Context, []geo.Point, geo.Mode) (geo.Matrix, error) {
				return geo.Matrix{}, errRouting
			}),
			code: rounds.EINTERNAL, says: "travel times by drive between 9 places: no route to host",
		},
		{
			name: "source returns a short matrix",
			req:  fixtureRequest(), r: fixtureRoster(),
			src: sourceFunc(func(_ context.Context, points []geo.Point, _ geo.Mode) (geo.Matrix, error) {
				return geo.NewMatrix(len(points) - 1), nil
			}),
			code: rounds.EINTERNAL, says: "travel times by drive: travel matrix is 8×8",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Roster(context.Background(), tt.req, tt.r, tt.src)
			if err == nil {
				t.Fatalf("want an error, got none and %d violations", len(got))
			}
			if got != nil {
				t.Errorf("want no violations with an error, got %v", got)
			}
			if code := rounds.ErrorCode(err); code != tt.code {
				t.Errorf("error %q has code %s, want %s", err, code, tt.code)
			}
			if !strings.Contains(err.Error(), tt.says) {
				t.Errorf("error %q does not say %q", err, tt.says)
			}
		})
	}
}

func TestSpan(t *testing.T) {
	tests := []struct {
		seconds int
		want    string
	}{
		{0, "0 s"},
		{45, "45 s"},
		{300, "5 min"},
		{330, "5 min 30 s"},
		{3600, "1 h"},
		{3900, "1 h 5 min"},
		{-600, "minus 10 min"},
		{math.MinInt64, "minus 2562047788015215 h 30 min 8 s"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := span(tt.seconds); got != tt.want {
				t.Errorf("span(%d) = %q, want %q", tt.seconds, got, tt.want)
			}
		})
	}
}
