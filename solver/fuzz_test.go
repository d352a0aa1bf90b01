package solver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/fixtures"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/solver"
	"github.com/roundsdev/rounds/validate"
)

// FuzzPlan feeds arbitrary bodies through the request decoder, the
// request-to-problem builder and a short solve: nothing may panic, a bad
// request is an EINVALID error, and every roster passes the independent
// validator.
func FuzzPlan(f *testing.F) {
	cfg := fixtures.Small
	cfg.Workers, cfg.Visits, cfg.Seed = 3, 12, 1
	day, err := fixtures.Generate(cfg)
	if err != nil {
		f.Fatal(err)
	}
	seed, _ := json.Marshal(day)
	f.Add(seed)
	f.Add([]byte(`{"workers":[],"clients":[],"visits":[]}`))
	f.Add(bytes.Replace(seed, []byte(`"durationMinutes":`), []byte(`"durationMinutes":6`), -1))
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := rounds.DecodeRequest(bytes.NewReader(body))
		if err != nil {
			return
		}
		if len(req.Visits) > 200 || len(req.Workers) > 50 {
			return // keep each input fast
		}
		req.Options = rounds.Options{Iterations: 20, Threads: 1, Seed: 1}
		src := geo.Haversine{}
		ro, err := (&solver.Planner{Source: src}).Plan(context.Background(), req)
		if err != nil {
			if code := rounds.ErrorCode(err); code != rounds.EINVALID {
				t.Fatalf("plan error %v has code %s, want invalid", err, code)
			}
			return
		}
		violations, err := validate.Roster(context.Background(), req, ro, src)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range violations {
			t.Error(v)
		}
	})
}
