package benchmarks

import (
	"context"
	"testing"
	"github.com/roundsdev/rounds/solver"
)

func TestZZ(t *testing.T) {
	ctx := context.Background()
	d, err := NewLiveDay(ctx, LiveDayOptions{Size: "borough", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("unassigned %d of %d", d.Roster.Totals.Unassigned, d.Roster.Totals.Visits)
	live, _ := solver.NewLive(ctx, d.Request, d.Roster, d.State, d.Source)
	refs := Referrals(d.Request, d.State.Date, d.State.At, 20, 1)
	for i := range refs {
		out, err := live.Options(ctx, &refs[i])
		if err != nil { t.Fatal(err) }
		t.Logf("%v %d: %d %v %s", refs[i].Skills, refs[i].WorkersNeeded, len(out.Options), out.Reasons, out.Detail)
	}
}
