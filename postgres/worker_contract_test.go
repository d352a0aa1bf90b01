package postgres_test

import (
	"fmt"
	"testing"

	"github.com/roundsdev/rounds"
)

// TestWorkerDeleteContract checks, against every store, that a worker a
// client, an episode or a pinned visit still names is not deleted, and
// that the refusal names those records.
func TestWorkerDeleteContract(t *testing.T) {
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			ctx := actorContext(t)
			s := st.new(t)
			mustTeam(t, ctx, s, "del")
			req := importRequest("")
			loc := req.Clients[0].Location
			for _, id := range []string{"w3", "w4", "w5"} {
				w := req.Workers[0]
				w.ID = id
				req.Workers = append(req.Workers, w)
			}
			req.Clients[0].DeclinedWorkers = []string{"w2"}
			req.Clients = append(req.Clients, rounds.Client{ID: "c3", Location: loc, PreferredWorkers: []string{"w1"}})
			req.Episodes[0].CaseManager = "w3"
			req.Visits[0].Pin = &rounds.Pin{WorkerID: "w1"}
			req.Visits[1].Pin = &rounds.Pin{WorkerID: "w5"}
			for i := range 11 {
				req.Visits = append(req.Visits, rounds.Visit{ID: fmt.Sprintf("p%02d", i), ClientID: "c2", Date: "2025-03-03",
					DurationMinutes: 10, Priority: rounds.Routine, Pin: &rounds.Pin{WorkerID: "w5"}})
			}
			wantCode(t, "import", s.Import(ctx, "del", req), "")
			before := counts(t, ctx, s, "del")

			tests := []struct {
				worker, message string
			}{
				{"w1", "worker w1 is still named by client c1 (preferredWorkers), client c3 (preferredWorkers), visit v1 (pin); change or delete them first"},
				{"w2", "worker w2 is still named by client c1 (declinedWorkers); change or delete them first"},
				{"w3", "worker w3 is still named by episode e1 (caseManager); change or delete them first"},
				{"w5", "worker w5 is still named by visit p00 (pin), visit p01 (pin), visit p02 (pin), visit p03 (pin), visit p04 (pin), " +
					"visit p05 (pin), visit p06 (pin), visit p07 (pin), visit p08 (pin), visit p09 (pin) and 2 more; change or delete them first"},
			}
			for _, tt := range tests {
				err := s.Workers().Delete(ctx, "del", tt.worker)
				wantCode(t, "delete "+tt.worker, err, rounds.ECONFLICT)
				if e := err.(*rounds.Error); e.Message != tt.message || e.Field != "id" || e.Value != tt.worker {
					t.Errorf("delete %s: %s = %s: %q\nwant id = %s: %q", tt.worker, e.Field, e.Value, e.Message, tt.worker, tt.message)
				}
			}
			if got := counts(t, ctx, s, "del"); got != before {
				t.Fatalf("refused deletes changed the team: %v, want %v", got, before)
			}
			wantCode(t, "delete w4", s.Workers().Delete(ctx, "del", "w4"), "")
			wantCode(t, "delete w4 again", s.Workers().Delete(ctx, "del", "w4"), rounds.ENOTFOUND)
			want := before
			want[0]--
			want[4]++
			if got := counts(t, ctx, s, "del"); got != want {
				t.Errorf("after deleting w4: %v, want %v", got, want)
			}
		})
	}
}
