package validate

import (
	"context"
	"fmt"
	"math"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/geo"
)

// day is the date of the hand-made fixture.
const day rounds.Date = "2026-11-25"

// grid returns the location of grid cell (i, j): 0.01° of longitude per i
// and of latitude per j from a corner in west London.
func grid(i, j int) rounds.Location {
	return rounds.Location{Lat: 51.5 + 0.01*float64(j), Lon: -0.2 + 0.01*float64(i)}
}

// gridSource is a Source for places on the grid: a trip takes a fixed time
// per grid step (Manhattan distance), by mode. Times are easy to add up by
// hand.
type gridSource struct{}

// gridStep is the seconds one grid step takes by each mode.
var gridStep = map[geo.Mode]int32{geo.Drive: 300, geo.Walk: 900, geo.Transit: 600}

// Matrix implements geo.Source.
func (gridSource) Matrix(_ context.Context, points []geo.Point, mode geo.Mode) (geo.Matrix, error) {
	step, ok := gridStep[mode]
	if !ok {
		return geo.Matrix{}, fmt.Errorf("mode %q is not supported", mode)
	}
	m := geo.NewMatrix(len(points))
	for i, a := range points {
		for j, b := range points {
			steps := math.Round(math.Abs(a.Lon()-b.Lon())/0.01) + math.Round(math.Abs(a.Lat()-b.Lat())/0.01)
			m.Set(i, j, step*int32(steps))
		}
	}
	return m, nil
}

// clockPtr returns a pointer to the clock h:m.
func clockPtr(h, m int) *rounds.Clock {
	c := rounds.At(h, m)
	return &c
}

// fixtureRequest is a small day of a team: six workers (one driving with a
// shift cap, one walking, one on transit with nothing to do), four clients
// and eight visits, among them a double-handed, a pinned rapid-response, a
// linked and an unqualified one. Travel times on gridSource are whole grid
// steps: 5 min driving, 15 min walking.
func fixtureRequest() *rounds.Request {
	shift := func(sh, sm, eh, em int) []rounds.Shift {
		return []rounds.Shift{{Date: day, Start: rounds.At(sh, sm), End: rounds.At(eh, em)}}
	}
	w2End := grid(4, 1)
	return &rounds.Request{
		Team: "hf-north",
		Workers: []rounds.Worker{
			{ID: "w1", Role: rounds.Nurse, Skills: []rounds.Skill{"wound_care"}, Gender: "female", Start: grid(0, 0), TravelMode: geo.Drive, Shifts: shift(8, 0, 16, 0)},
			{ID: "w2", Role: rounds.CareWorker, Skills: []rounds.Skill{"hoist"}, Gender: "male", Start: grid(4, 0), End: &w2End, TravelMode: geo.Drive,
				Shifts: []rounds.Shift{{Date: day, Start: rounds.At(8, 0), End: rounds.At(16, 0), MaxWorkMinutes: 360}}, MaxWorkMinutes: 480},
			{ID: "w3", Role: rounds.CareWorker, Skills: []rounds.Skill{"hoist"}, Gender: "female", Start: grid(2, 2), TravelMode: geo.Walk, Shifts: shift(8, 0, 14, 0)},
			{ID: "w4", Role: rounds.Physiotherapist, Gender: "male", Start: grid(0, 1), TravelMode: geo.Drive, Shifts: shift(8, 0, 12, 0)},
			{ID: "w5", Role: rounds.CareWorker, Gender: "female", Start: grid(5, 1), TravelMode: geo.Drive, Shifts: shift(16, 0, 21, 0)},
			{ID: "w6", Role: rounds.SocialWorker, Start: grid(0, 2), TravelMode: geo.Transit, Shifts: shift(8, 0, 12, 0)},
		},
		Clients: []rounds.Client{
			{ID: "c1", Location: grid(1, 0), GenderPreference: "female", DeclinedWorkers: []string{"w2"}},
			{ID: "c2", Location: grid(2, 0)},
			{ID: "c3", Location: grid(3, 0)},
			{ID: "c4", Location: grid(5, 0)},
		},
		Visits: []rounds.Visit{
			{ID: "v1", ClientID: "c1", Date: day, DurationMinutes: 30, Windows: []rounds.Window{{Start: rounds.At(9, 0), End: rounds.At(10, 0)}},
				Skills: []rounds.Skill{"wound_care"}, Priority: rounds.Reablement},
			{ID: "v2", ClientID: "c2", Date: day, DurationMinutes: 45, Priority: rounds.Routine},
			{ID: "v3", ClientID: "c3", Date: day, DurationMinutes: 60, Windows: []rounds.Window{{Start: rounds.At(11, 0), End: rounds.At(11, 30)}},
				Skills: []rounds.Skill{"hoist"}, WorkersNeeded: 2, Priority: rounds.Reablement},
			{ID: "v4", ClientID: "c4", Date: day, DurationMinutes: 30, Priority: rounds.RapidResponse, ReferredAt: clockPtr(8, 30),
				Pin: &rounds.Pin{WorkerID: "w2", Start: clockPtr(9, 10)}},
			{ID: "v5", ClientID: "c2", Date: day, DurationMinutes: 30, Priority: rounds.Routine,
				Links: []rounds.Link{{VisitID: "v2", MinGapMinutes: 60, MaxGapMinutes: 240}}},
			{ID: "v6", ClientID: "c4", Date: day, DurationMinutes: 60, Skills: []rounds.Skill{"catheter"}, Priority: rounds.Routine},
			{ID: "v7", ClientID: "c2", Date: day, DurationMinutes: 30, Priority: rounds.Routine},
			{ID: "v8", ClientID: "c4", Date: day, DurationMinutes: 30, Priority: rounds.Routine},
		},
	}
}

// stop returns the stop of a visit at a client's location.
func stop(visit, client string, at rounds.Location, p rounds.Priority, travel int, arrival, start, end rounds.Clock, wait int) rounds.Stop {
	return rounds.Stop{VisitID: visit, ClientID: client, Location: at, Arrival: arrival, Start: start, End: end, TravelSeconds: travel, WaitSeconds: wait, Priority: p}
}

// fixtureRoster is a valid roster of fixtureRequest, worked out by hand.
func fixtureRoster() *rounds.Roster {
	at := rounds.At
	return &rounds.Roster{
		Team: "hf-north",
		Routes: []rounds.Route{
			{WorkerID: "w1", Date: day, TravelMode: geo.Drive, Start: grid(0, 0), End: grid(0, 0), Depart: at(8, 50), Return: at(11, 15),
				Stops: []rounds.Stop{
					stop("v1", "c1", grid(1, 0), rounds.Reablement, 300, at(8, 55), at(9, 0), at(9, 30), 300),
					stop("v2", "c2", grid(2, 0), rounds.Routine, 300, at(9, 35), at(9, 35), at(10, 20), 0),
					stop("v5", "c2", grid(2, 0), rounds.Routine, 0, at(10, 20), at(10, 35), at(11, 5), 900),
				},
				TravelSeconds: 1200, WorkSeconds: 7500, WaitSeconds: 1200},
			{WorkerID: "w2", Date: day, TravelMode: geo.Drive, Start: grid(4, 0), End: grid(4, 1), Depart: at(9, 0), Return: at(12, 10),
				Stops: []rounds.Stop{
					stop("v4", "c4", grid(5, 0), rounds.RapidResponse, 300, at(9, 5), at(9, 10), at(9, 40), 300),
					stop("v3", "c3", grid(3, 0), rounds.Reablement, 600, at(9, 50), at(11, 0), at(12, 0), 4200),
				},
				TravelSeconds: 1500, WorkSeconds: 6900, WaitSeconds: 4500},
			{WorkerID: "w3", Date: day, TravelMode: geo.Walk, Start: grid(2, 2), End: grid(2, 2), Depart: at(10, 0), Return: at(12, 45),
				Stops: []rounds.Stop{
					stop("v3", "c3", grid(3, 0), rounds.Reablement, 2700, at(10, 45), at(11, 0), at(12, 0), 900),
				},
				TravelSeconds: 5400, WorkSeconds: 9000, WaitSeconds: 900},
			{WorkerID: "w4", Date: day, TravelMode: geo.Drive, Start: grid(0, 1), End: grid(0, 1), Depart: at(8, 0), Return: at(9, 0),
				Stops: []rounds.Stop{
					stop("v7", "c2", grid(2, 0), rounds.Routine, 900, at(8, 15), at(8, 15), at(8, 45), 0),
				},
				TravelSeconds: 1800, WorkSeconds: 3600},
			{WorkerID: "w5", Date: day, TravelMode: geo.Drive, Start: grid(5, 1), End: grid(5, 1), Depart: at(19, 0), Return: at(19, 40),
				Stops: []rounds.Stop{
					stop("v8", "c4", grid(5, 0), rounds.Routine, 300, at(19, 5), at(19, 5), at(19, 35), 0),
				},
				TravelSeconds: 600, WorkSeconds: 2400},
			{WorkerID: "w6", Date: day, TravelMode: geo.Transit, Start: grid(0, 2), End: grid(0, 2), Depart: at(8, 0), Return: at(8, 0)},
		},
		Unassigned: []rounds.Unassigned{
			{VisitID: "v6", ClientID: "c4", Priority: rounds.Routine, Reason: rounds.ReasonNoQualifiedWorker, Detail: "no worker has the skill catheter"},
		},
		Totals: rounds.Totals{
			TravelSeconds: 10500, WorkSeconds: 29400, WaitSeconds: 6600,
			Visits: 8, Assigned: 7, Unassigned: 1, WorkersUsed: 5,
			AssignedByPriority:   map[rounds.Priority]int{rounds.RapidResponse: 1, rounds.Reablement: 2, rounds.Routine: 4},
			UnassignedByPriority: map[rounds.Priority]int{rounds.Routine: 1},
			Cost:                 62300,
		},
	}
}

// fixtureScore returns the score of fixtureRoster: its travel, the
// penalty of the routine visit it leaves out and the continuity cost at
// the default penalty (c2, c3 and c4 each see two workers).
func fixtureScore() map[string]int64 {
	s := map[string]int64{rounds.ScoreTravel: 10500, rounds.ScoreLateness: 0, rounds.ScorePreference: 0,
		rounds.ScoreNetwork: 0, rounds.ScoreOvertime: 0, rounds.ScoreContinuity: 3 * rounds.DefaultContinuityPenalty}
	for _, p := range rounds.Priorities {
		s[rounds.UnassignedScoreKey(p)] = 0
	}
	s[rounds.UnassignedScoreKey(rounds.Routine)] = rounds.DefaultUnassignedPenalty[rounds.Routine]
	return s
}
