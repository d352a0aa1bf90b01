package rounds

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func sampleRoster() *Roster {
	base := Location{Lat: 51.49, Lon: -0.22}
	c := Location{Lat: 51.50, Lon: -0.21}
	return &Roster{
		Routes: []Route{
			{WorkerID: "w1", Date: "2026-11-25", TravelMode: "drive", Start: base, End: base, Depart: At(8, 50), Return: At(9, 50),
				Stops:         []Stop{{VisitID: "v1", ClientID: "c1", Location: c, Arrival: At(9, 0), Start: At(9, 0), End: At(9, 30), TravelSeconds: 600, Priority: Reablement}},
				TravelSeconds: 1200, WorkSeconds: 3000, Break: &BreakTime{Start: At(9, 30), End: At(9, 40)}},
			{WorkerID: "w2", Date: "2026-11-25", TravelMode: "walk", Start: base, End: base, Depart: At(8, 0), Return: At(8, 0)},
		},
		Unassigned: []Unassigned{{VisitID: "v2", ClientID: "c2", Priority: Routine, Reason: ReasonNoQualifiedWorker, Detail: "nobody on shift can do wound care"}},
		Totals: Totals{TravelSeconds: 1200, WorkSeconds: 3000, Visits: 2, Assigned: 1, Unassigned: 1, WorkersUsed: 1,
			AssignedByPriority: map[Priority]int{Reablement: 1}, UnassignedByPriority: map[Priority]int{Routine: 1},
			Cost: 51200, Score: map[string]int64{ScoreTravel: 1200, UnassignedScoreKey(Routine): 50000},
			MeanDistinctWorkers: 1.5, PreferredShare: 0.25},
	}
}

func TestRosterGeoJSON(t *testing.T) {
	fc := sampleRoster().GeoJSON()
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

func TestRosterWriteTable(t *testing.T) {
	var b bytes.Buffer
	if err := sampleRoster().WriteTable(&b); err != nil {
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

// TestRosterWriteTableSummarisesUnassigned checks that a roster with many
// visits left out prints their count per reason, most frequent first, and
// lists only the first few of them.
func TestRosterWriteTableSummarisesUnassigned(t *testing.T) {
	r := sampleRoster()
	reasons := []string{ReasonNoCapacity, ReasonNoPartner, ReasonNoCapacity, ReasonUnreachable,
		ReasonNoCapacity, ReasonNoPartner, ReasonNoCapacity, ReasonNoCapacity}
	r.Unassigned = nil
	for i, reason := range reasons {
		id := fmt.Sprintf("v%d", 10+i)
		r.Unassigned = append(r.Unassigned, Unassigned{VisitID: id, ClientID: "c2", Priority: Reablement, Reason: reason, Detail: "detail of " + id})
	}
	var b bytes.Buffer
	if err := r.WriteTable(&b); err != nil {
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
