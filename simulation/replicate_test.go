package simulation

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/roundsdev/rounds"
)

// TestReplicateIsRun checks that replications run one by one, through
// the JSON a job runner stores, give Run's replications exactly.
func TestReplicateIsRun(t *testing.T) {
	f := smallFile(3, 2)
	f.Scenarios = []Scenario{{Name: "more", Demand: DemandChange{Multiplier: 1.3}}}
	want := run(t, f)
	file, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	names, start, err := f.Check()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(names, []string{Baseline, "more"}) || start != want.Start {
		t.Fatalf("Check gave %v from %s, want [baseline more] from %s", names, start, want.Start)
	}
	for sc := range names {
		for rep := range f.Replications {
			days := 0
			b, err := Replicator{}.Replicate(context.Background(), file, sc, rep, func(p rounds.Progress) { days = p.Days })
			if err != nil {
				t.Fatal(err)
			}
			var got Replication
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want.Scenarios[sc].Replications[rep]) {
				t.Errorf("scenario %d replication %d differs from Run's", sc, rep)
			}
			if days != f.HorizonDays {
				t.Errorf("progress heard of %d days, want %d", days, f.HorizonDays)
			}
		}
	}
	for _, c := range []struct {
		name    string
		sc, rep int
		field   string
	}{{"scenario", 2, 0, "scenario"}, {"replication", 0, 2, "replication"}} {
		_, err := Replicate(context.Background(), f, c.sc, c.rep, Options{})
		if e, ok := err.(*rounds.Error); !ok || e.Field != c.field {
			t.Errorf("%s out of range: got %v, want an error naming %s", c.name, err, c.field)
		}
	}
}
