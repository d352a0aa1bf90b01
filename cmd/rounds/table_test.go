package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/roundsdev/rounds"
)

func sampleRoster() *rounds.Roster {
	base := rounds.Location{Lat: 51.49, Lon: -0.22}
	c := rounds.Location{Lat: 51.50, Lon: -0.21}
	return &rounds.Roster{
		Routes: []rounds.Route{
			{WorkerID: "w1", Date: "2026-11-25", TravelMode: "drive", Start: base, End: base, Depart: rounds.At(8, 50), Return: rounds.At(9, 50),
				Stops:         []rounds.Stop{{VisitID: "v1", ClientID: "c1", Location: c, Arrival: rounds.At(9, 0), Start: rounds.At(9, 0), End: rounds.At(9, 30), TravelSeconds: 600, Priority: rounds.Reablement}},
				TravelSeconds: 1200, WorkSeconds: 3000, Break: &rounds.BreakTime{Start: rounds.At(9, 30), End: rounds.At(9, 40)}},
			{WorkerID: "w2", Date: "2026-11-25", TravelMode: "walk", Start: base, End: base, Depart: rounds.At(8, 0), Return: rounds.At(8, 0)},
		},
		Unassigned: []rounds.Unassigned{{VisitID: "v2", ClientID: "c2", Priority: rounds.Routine, Reason: rounds.ReasonNoQualifiedWorker, Detail: "nobody on shift can do wound care"}},
		Totals: rounds.Totals{TravelSeconds: 1200, WorkSeconds: 3000, Visits: 2, Assigned: 1, Unassigned: 1, WorkersUsed: 1,
			AssignedByPriority: map[rounds.Priority]int{rounds.Reablement: 1}, UnassignedByPriority: map[rounds.Priority]int{rounds.Routine: 1},
			Cost: 51200, Score: map[string]int64{rounds.ScoreTravel: 1200, rounds.UnassignedScoreKey(rounds.Routine): 50000},
			MeanDistinctWorkers: 1.5, PreferredShare: 0.25},
	}
}

func TestRosterGeoJSON(t *testing.T) {
	fc := rosterGeoJSON(sampleRoster())
	var lines, points int
	for _, f := range fc.Features {
		switch g := f.Geometry.(type) {
		case orb.LineString:
			lines++
			if len(g) != 3 {
				t.Errorf("route line has %d points, want start, stop, end", len(g))
			}
		case orb.Point:
			points++
			if f.Properties["visitId"] != "v1" {
				t.Errorf("stop point visitId = %v", f.Properties["visitId"])
			}
		}
	}
	if lines != 1 || points != 1 {
		t.Errorf("GeoJSON has %d lines and %d points, want 1 and 1 (empty routes left out)", lines, points)
	}
}

func TestWriteTable(t *testing.T) {
	var b bytes.Buffer
	if err := writeTable(&b, sampleRoster()); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"w1", "v1@09:00 break@09:30", "Unassigned (1)", "no_qualified_worker", "Visits: 1 assigned of 2", "travel 0h20", "sees 1.50 workers on average; 25% of visits by a preferred worker", "Cost 51200 = travel 1200 + unassigned_routine 50000"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "w2") {
		t.Errorf("table lists the idle worker w2:\n%s", out)
	}
}

// TestWriteTableSummarisesUnassigned checks that a roster with many
// visits left out prints their count per reason, most frequent first, and
// lists only the first few of them.
func TestWriteTableSummarisesUnassigned(t *testing.T) {
	r := sampleRoster()
	reasons := []string{rounds.ReasonNoCapacity, rounds.ReasonNoPartner, rounds.ReasonNoCapacity, rounds.ReasonUnreachable,
		rounds.ReasonNoCapacity, rounds.ReasonNoPartner, rounds.ReasonNoCapacity, rounds.ReasonNoCapacity}
	r.Unassigned = nil
	for i, reason := range reasons {
		id := fmt.Sprintf("v%d", 10+i)
		r.Unassigned = append(r.Unassigned, rounds.Unassigned{VisitID: id, ClientID: "c2", Priority: rounds.Reablement, Reason: reason, Detail: "detail of " + id})
	}
	var b bytes.Buffer
	if err := writeTable(&b, r); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	want := "Unassigned (8): no_room_in_rounds 5, no_partner 2, unreachable_in_window 1\n"
	if !strings.Contains(out, want) {
		t.Errorf("table lacks the summary %q:\n%s", want, out)
	}
	for i := range reasons {
		listed := strings.Contains(out, fmt.Sprintf("detail of v%d\n", 10+i))
		if listed != (i < tableUnassignedListed) {
			t.Errorf("visit %d of %d listed = %v, want only the first %d listed:\n%s", i+1, len(reasons), listed, tableUnassignedListed, out)
		}
	}
	if more := fmt.Sprintf("and %d more", len(reasons)-tableUnassignedListed); !strings.Contains(out, more) {
		t.Errorf("table lacks %q:\n%s", more, out)
	}
}
