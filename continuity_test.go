package rounds

import (
	"reflect"
	"testing"
)

func TestContinuityOf(t *testing.T) {
	req := &Request{Clients: []Client{
		{ID: "ann", PreferredWorkers: []string{"w1"}},
		{ID: "bob"},
		{ID: "cat", PreferredWorkers: []string{"w2", "w3"}},
		{ID: "dan"},
	}}
	route := func(worker string, clients ...string) Route {
		rt := Route{WorkerID: worker}
		for _, c := range clients {
			rt.Stops = append(rt.Stops, Stop{ClientID: c})
		}
		return rt
	}
	tests := []struct {
		name     string
		routes   []Route
		want     []ClientContinuity
		distinct float64
		share    float64
	}{
		{"no stops", nil, nil, 0, 0},
		{"one worker each", []Route{route("w1", "ann", "ann", "bob")},
			[]ClientContinuity{{"ann", 2, 1, 1}, {"bob", 1, 1, 0}}, 1, 1},
		{"over days", []Route{route("w1", "ann", "cat"), route("w2", "ann", "cat", "bob"), route("w1", "ann", "bob", "nobody")},
			[]ClientContinuity{{"ann", 3, 2, 2.0 / 3}, {"bob", 2, 2, 0}, {"cat", 2, 2, 0.5}}, 2, 3.0 / 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, distinct, share := ContinuityOf(req, tt.routes)
			if !reflect.DeepEqual(got, tt.want) || distinct != tt.distinct || share != tt.share {
				t.Errorf("ContinuityOf = %v, %v, %v; want %v, %v, %v", got, distinct, share, tt.want, tt.distinct, tt.share)
			}
		})
	}
}

func TestCarePenaltyOptions(t *testing.T) {
	tests := []struct {
		name       string
		opt        Options
		pref, netw int64
	}{
		{"defaults", Options{}, DefaultPreferenceMissPenalty, DefaultNetworkPenalty},
		{"set", Options{PreferenceMissPenalty: 100, NetworkPenalty: 7}, 100, 7},
		{"off", Options{PreferenceMissPenalty: -1, NetworkPenalty: -1}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if p, n := tt.opt.PreferenceMiss(), tt.opt.NetworkMiss(); p != tt.pref || n != tt.netw {
				t.Errorf("PreferenceMiss, NetworkMiss = %d, %d; want %d, %d", p, n, tt.pref, tt.netw)
			}
		})
	}
}

func TestContinuityCost(t *testing.T) {
	for _, tt := range []struct{ option, want int64 }{{0, DefaultContinuityPenalty}, {-1, 0}, {900, 900}} {
		o := Options{ContinuityPenalty: tt.option}
		if got := o.ContinuityCost(); got != tt.want {
			t.Errorf("ContinuityPenalty %d: cost %d, want %d", tt.option, got, tt.want)
		}
	}
}
