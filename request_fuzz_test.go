package rounds_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/fixtures"
)

// FuzzBuildRequest feeds arbitrary bodies to the request decoder and
// the decoded requests to BuildRequest: neither may
// panic, and every built request keeps only consenting clients' visits in
// range and passes Request.Validate whenever its input did.
func FuzzBuildRequest(f *testing.F) {
	cfg := fixtures.Small
	cfg.Workers, cfg.Visits, cfg.Seed = 3, 12, 1
	day, err := fixtures.Generate(cfg)
	if err != nil {
		f.Fatal(err)
	}
	for i := range day.Clients {
		day.Clients[i].Consent = i%2 == 0
	}
	seed, _ := json.Marshal(day)
	f.Add(seed, "2025-12-01", "2025-12-01")
	f.Add([]byte(`{"workers":[],"clients":[],"visits":[]}`), "2025-01-01", "2025-01-02")
	f.Add([]byte(`{"visits":[{"id":"v","date":"2025-13-01","durationMinutes":-1}]}`), "x", "y")
	f.Fuzz(func(t *testing.T, body []byte, from, to string) {
		req, err := rounds.DecodeRequest(bytes.NewReader(body))
		if err != nil {
			if rounds.ErrorCode(err) != rounds.EINVALID {
				t.Fatalf("decode error %v is not EINVALID", err)
			}
			return
		}
		out, skipped := rounds.BuildRequest(req.Team, rounds.Date(from), rounds.Date(to), req.Workers, req.Clients, req.Visits, req.Options)
		consent := map[string]bool{}
		for _, c := range out.Clients {
			if !c.Consent {
				t.Fatalf("client %s without consent in the request", c.ID)
			}
			consent[c.ID] = true
		}
		for _, v := range out.Visits {
			if !consent[v.ClientID] || v.Date < rounds.Date(from) || v.Date > rounds.Date(to) {
				t.Fatalf("visit %s (client %s, %s) should not be planned for %s..%s", v.ID, v.ClientID, v.Date, from, to)
			}
		}
		if len(out.Visits)+skipped > len(req.Visits) {
			t.Fatalf("%d planned + %d skipped > %d visits", len(out.Visits), skipped, len(req.Visits))
		}
		if err := out.Validate(); err != nil {
			t.Fatalf("built request of a valid one is invalid: %v", err)
		}
	})
}
