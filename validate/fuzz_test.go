package validate

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/roundsdev/rounds"
)

// FuzzRoster feeds mutated roster JSON for the fixture request to Roster:
// it must never panic or fail (the request and source are sound), and must
// return the same known rules, each message naming its worker, visit and
// date, on every run.
func FuzzRoster(f *testing.F) {
	f.Add([]byte(mustJSON(f, fixtureRoster())))
	broken := fixtureRoster()
	broken.Routes[0].WorkerID = "w9"
	broken.Routes[1].Stops = append(broken.Routes[1].Stops, broken.Routes[0].Stops...)
	broken.Routes[2].Date = "2026-13-45"
	broken.Unassigned = append(broken.Unassigned, rounds.Unassigned{VisitID: "v3"}, rounds.Unassigned{VisitID: "nope"})
	f.Add([]byte(mustJSON(f, broken)))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"routes":[{"workerId":"w1","date":"2026-11-25","stops":[{"visitId":"v99"},{"visitId":"v1","start":"23:59:59"}]}]}`))
	f.Add([]byte(`{"routes":[{"workerId":"w3","date":"2026-11-25","depart":"24:00","return":"00:00","stops":[{"visitId":"v3"},{"visitId":"v3"},{"visitId":"v3"}]}],"totals":{"assignedByPriority":{"urgent":-1}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var r rounds.Roster
		if json.Unmarshal(data, &r) != nil {
			return
		}
		got, err := Roster(context.Background(), fixtureRequest(), &r, gridSource{})
		if err != nil {
			t.Fatalf("Roster failed on a sound request: %v", err)
		}
		for _, v := range got {
			if !slices.Contains(Rules, v.Rule) || v.Message == "" {
				t.Errorf("violation with unknown rule or no message: %+v", v)
			}
			for _, id := range []string{v.WorkerID, v.VisitID, string(v.Date)} {
				if !strings.Contains(v.Message, id) {
					t.Errorf("message %q does not name %q", v.Message, id)
				}
			}
		}
		again, err := Roster(context.Background(), fixtureRequest(), &r, gridSource{})
		if err != nil || !slices.Equal(got, again) {
			t.Errorf("second run differs: %v, %v\nfirst: %v", again, err, got)
		}
	})
}
