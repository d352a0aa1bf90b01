package simulation

import (
	"testing"

	"github.com/roundsdev/rounds"
)

// TestRapidResponseIsDispatched: same-day rapid-response referrals go
// through dispatch in the running day, so that some are seen within two
// hours, none is dispatched that did not arrive, and every visit due is
// still accounted for.
func TestRapidResponseIsDispatched(t *testing.T) {
	f := smallFile(6, 2)
	res := run(t, f)
	for rep, r := range res.Scenarios[0].Replications {
		referred, dispatched := 0, 0
		for _, d := range r.Days {
			l := d.Ledger
			if l.Made+l.RolledOver+l.Breached+l.Cancelled != l.Due {
				t.Errorf("rep %d %s: %+v does not account for every visit due", rep, d.Date, l)
			}
			if d.Dispatched > d.Referrals[rounds.RapidResponse] || d.DispatchedLate > d.Dispatched {
				t.Errorf("rep %d %s: %d dispatched (%d late) of %d rapid-response referrals", rep, d.Date, d.Dispatched, d.DispatchedLate, d.Referrals[rounds.RapidResponse])
			}
			referred += d.Referrals[rounds.RapidResponse]
			dispatched += d.Dispatched
		}
		if referred == 0 {
			t.Fatalf("rep %d: no rapid-response referral in %d days: the test says nothing", rep, len(r.Days))
		}
		within := r.KPIs[RapidResponseWithin2h]
		if dispatched == 0 || within <= 0 || within > 1 {
			t.Errorf("rep %d: %d of %d referrals dispatched, %.2f seen within 2 h", rep, dispatched, referred, within)
		}
		t.Logf("rep %d: %d of %d rapid-response referrals dispatched, %.0f%% seen within 2 h", rep, dispatched, referred, 100*within)
	}
}
