package solver

import (
	"context"
	"reflect"
	"testing"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/fixtures"
	"github.com/roundsdev/rounds/geo"
)

// TestGrowIsBuild: the residual problem grown by a referral's visit (new
// client or existing, one worker or two) is the one Build makes of the
// residual request with the visit, but for the lean parts (neighbour
// lists and vehicle classes), also when its travel matrix reuses the one
// grown before.
func TestGrowIsBuild(t *testing.T) {
	cfg, err := fixtures.SizeByName("small")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Seed, cfg.DoubleHanded, cfg.LinkedMedication, cfg.Preferences = 2, 0.2, true, true
	req, err := fixtures.Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	req.Options.Break = &rounds.BreakRule{}
	req.Options.Iterations, req.Options.Seed, req.Options.Threads = 2000, 1, 1
	req.Options.BalanceCostPerMinute = 3
	ctx := context.Background()
	src := geo.Haversine{}
	r, err := (&Planner{Source: src}).Plan(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	s, err := rounds.LiveDay(req, r, r.Routes[0].Date, nil, rounds.At(11, 0))
	if err != nil {
		t.Fatal(err)
	}
	base, bb, err := liveProblem(ctx, req, s, src)
	if err != nil {
		t.Fatal(err)
	}
	home := req.Clients[0]
	cases := map[string]rounds.Referral{
		"new client": {Client: &rounds.Client{ID: "new", Location: rounds.Location{Lat: home.Location.Lat + 0.003, Lon: home.Location.Lon - 0.002}},
			Skills: []rounds.Skill{"personal_care"}, DurationMinutes: 45},
		"another new client": {Client: &rounds.Client{ID: "new2", Location: rounds.Location{Lat: home.Location.Lat - 0.004, Lon: home.Location.Lon + 0.001}},
			Skills: []rounds.Skill{"personal_care"}, DurationMinutes: 30},
		"existing client, two workers": {ClientID: home.ID, Skills: []rounds.Skill{"personal_care"}, DurationMinutes: 30, WorkersNeeded: 2},
	}
	bufs := &matrixBufs{} // shared: a grown matrix is rewritten in place
	for name, ref := range cases {
		t.Run(name, func(t *testing.T) {
			req1, _, err := ref.WithReferral(req, s.Date, s.At)
			if err != nil {
				t.Fatal(err)
			}
			want, _, err := liveProblem(ctx, req1, s, src)
			if err != nil {
				t.Fatal(err)
			}
			got, err := grow(ctx, base, bb, s.Residual(req1), src, bufs)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*got.meta, *want.meta) {
				t.Errorf("meta differs")
			}
			for _, p := range []*Problem{got, want} {
				p.near, p.nearVeh, p.far, p.class, p.lean, p.meta = nil, nil, nil, nil, false, nil
			}
			if !reflect.DeepEqual(*got, *want) {
				gv, wv := reflect.ValueOf(*got), reflect.ValueOf(*want)
				for i := range gv.NumField() {
					if !reflect.DeepEqual(gv.Field(i).Interface(), wv.Field(i).Interface()) {
						t.Errorf("field %s differs", gv.Type().Field(i).Name)
					}
				}
			}
		})
	}
}
