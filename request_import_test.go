package rounds_test

import (
	"fmt"
	"testing"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/fixtures"
)

// TestCheckImport checks that a generated day passes, and that each kind
// of bad record is refused naming its field.
func TestCheckImport(t *testing.T) {
	day, err := fixtures.Generate(fixtures.Small)
	if err != nil {
		t.Fatal(err)
	}
	if len(day.Episodes) == 0 {
		t.Fatal("the generated day lists no episodes")
	}
	team := &rounds.Team{ID: "t"}
	if err := day.CheckImport(team); err != nil {
		t.Fatalf("generated day: %v", err)
	}
	vi := 0
	for day.Visits[vi].Episode == "" {
		vi++
	}
	ei := 0
	for day.Episodes[ei].ID != day.Visits[vi].Episode {
		ei++
	}
	other := day.Clients[0].ID
	if other == day.Visits[vi].ClientID {
		other = day.Clients[1].ID
	}
	atVisit := fmt.Sprintf("visits[%d]", vi)
	tests := []struct {
		name  string
		edit  func(r *rounds.Request, team *rounds.Team)
		field string
	}{
		{"visit of an unlisted episode", func(r *rounds.Request, _ *rounds.Team) { r.Visits[vi].Episode = "E-none" }, atVisit + ".episode"},
		{"episodes left out", func(r *rounds.Request, _ *rounds.Team) { r.Episodes = nil }, atVisit + ".episode"},
		{"episode of an unknown client", func(r *rounds.Request, _ *rounds.Team) { r.Episodes[0].ClientID = "C-none" }, "episodes[0].clientId"},
		{"duplicate episode", func(r *rounds.Request, _ *rounds.Team) { r.Episodes[1].ID = r.Episodes[0].ID }, "episodes[1].id"},
		{"bad episode", func(r *rounds.Request, _ *rounds.Team) { r.Episodes[0].Pathway = rounds.Routine }, "episodes[0].pathway"},
		{"visit outside its episode", func(r *rounds.Request, _ *rounds.Team) {
			r.Episodes[ei].Start, r.Episodes[ei].End = r.Visits[vi].Date.AddDays(1), r.Visits[vi].Date.AddDays(1)
		}, atVisit + ".date"},
		{"visit of another client's episode", func(r *rounds.Request, _ *rounds.Team) { r.Episodes[ei].ClientID = other }, atVisit + ".episode"},
		{"worker id with a space", func(r *rounds.Request, _ *rounds.Team) { r.Workers[0].ID = "W 1" }, "workers[0].id"},
		{"skill outside the catalogue", func(r *rounds.Request, team *rounds.Team) { team.Skills = []rounds.Skill{"none"} }, "workers[0].skills[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := fixtures.Generate(fixtures.Small)
			if err != nil {
				t.Fatal(err)
			}
			team := &rounds.Team{ID: "t"}
			tt.edit(r, team)
			err = r.CheckImport(team)
			if e, ok := err.(*rounds.Error); !ok || e.Code != rounds.EINVALID || e.Field != tt.field {
				t.Errorf("CheckImport = %v, want EINVALID naming %s", err, tt.field)
			}
		})
	}
}
