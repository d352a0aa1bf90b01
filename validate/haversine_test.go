package validate

import (
	"context"
	"testing"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/geo"
)

// haversineLeg returns the seconds from a to b by mode on src, as a matrix
// of the two points gives them.
func haversineLeg(tb testing.TB, src geo.Haversine, a, b rounds.Location, mode geo.Mode) int {
	tb.Helper()
	m, err := src.Matrix(context.Background(), []geo.Point{a.Point(), b.Point()}, mode)
	if err != nil {
		tb.Fatal(err)
	}
	return int(m.At(0, 1))
}

// haversineFixture returns a nurse's morning in Hammersmith and Fulham and
// a roster of it timed with src: two visits, the first waiting for its
// window.
func haversineFixture(tb testing.TB, src geo.Haversine) (*rounds.Request, *rounds.Roster) {
	tb.Helper()
	base := rounds.Location{Lat: 51.4927, Lon: -0.2240}
	fulham := rounds.Location{Lat: 51.4810, Lon: -0.1950}
	kensington := rounds.Location{Lat: 51.5010, Lon: -0.1920}
	req := &rounds.Request{
		Workers: []rounds.Worker{{ID: "n1", Role: rounds.Nurse, Start: base, TravelMode: geo.Drive,
			Shifts: []rounds.Shift{{Date: day, Start: rounds.At(8, 0), End: rounds.At(16, 0)}}}},
		Clients: []rounds.Client{{ID: "c1", Location: fulham}, {ID: "c2", Location: kensington}},
		Visits: []rounds.Visit{
			{ID: "v1", ClientID: "c1", Date: day, DurationMinutes: 45, Priority: rounds.Reablement,
				Windows: []rounds.Window{{Start: rounds.At(9, 0), End: rounds.At(9, 30)}}},
			{ID: "v2", ClientID: "c2", Date: day, DurationMinutes: 30, Priority: rounds.Routine},
		},
	}
	depart := int(rounds.At(8, 30))
	leg1 := haversineLeg(tb, src, base, fulham, geo.Drive)
	arrive1, start1 := depart+leg1, int(rounds.At(9, 0))
	if arrive1 > start1 {
		tb.Fatalf("fixture arrives at %s, after the window opens", rounds.Clock(arrive1))
	}
	end1 := start1 + 45*60
	leg2 := haversineLeg(tb, src, fulham, kensington, geo.Drive)
	start2 := end1 + leg2
	end2 := start2 + 30*60
	leg3 := haversineLeg(tb, src, kensington, base, geo.Drive)
	travel, wait := leg1+leg2+leg3, start1-arrive1
	r := &rounds.Roster{
		Routes: []rounds.Route{{
			WorkerID: "n1", Date: day, TravelMode: geo.Drive, Start: base, End: base,
			Depart: rounds.Clock(depart), Return: rounds.Clock(end2 + leg3),
			Stops: []rounds.Stop{
				stop("v1", "c1", fulham, rounds.Reablement, leg1, rounds.Clock(arrive1), rounds.Clock(start1), rounds.Clock(end1), wait),
				stop("v2", "c2", kensington, rounds.Routine, leg2, rounds.Clock(start2), rounds.Clock(start2), rounds.Clock(end2), 0),
			},
			TravelSeconds: travel, WorkSeconds: travel + 75*60, WaitSeconds: wait,
		}},
		Unassigned: []rounds.Unassigned{},
		Totals: rounds.Totals{
			TravelSeconds: travel, WorkSeconds: travel + 75*60, WaitSeconds: wait,
			Visits: 2, Assigned: 2, WorkersUsed: 1,
			AssignedByPriority: map[rounds.Priority]int{rounds.Reablement: 1, rounds.Routine: 1},
			Cost:               int64(travel),
		},
	}
	return req, r
}

func TestRosterHaversine(t *testing.T) {
	req, r := haversineFixture(t, geo.Haversine{})
	got, err := Roster(context.Background(), req, r, geo.Haversine{})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range got {
		t.Errorf("valid roster: %s", v)
	}

	// The same roster judged by slower traffic has every leg wrong.
	slow := geo.Haversine{Profiles: map[geo.Mode]geo.Profile{geo.Drive: {SpeedKmh: 8, Detour: 1.3, FixedSeconds: 120}}}
	got, err = Roster(context.Background(), req, r, slow)
	if err != nil {
		t.Fatal(err)
	}
	var legs []string
	for _, v := range got {
		if v.Rule == RuleTravel {
			legs = append(legs, v.VisitID)
		}
	}
	if len(legs) != 2 || legs[0] != "v1" || legs[1] != "v2" {
		t.Errorf("slow traffic: travel violations for visits %v, want [v1 v2]; all: %v", legs, got)
	}
}
