package solver

import (
	"strings"
	"testing"

	"github.com/roundsdev/rounds/geo"
)

func TestNewProblemRejectsBadInput(t *testing.T) {
	m := geo.NewMatrix(3)
	good := Vehicle{Start: 0, End: 0, Latest: 100}
	visit := Visit{Location: 1, Windows: []Window{{0, 10}}}
	tests := []struct {
		name     string
		travel   []geo.Matrix
		vehicles []Vehicle
		visits   []Visit
		want     string
	}{
		{"no matrix", nil, []Vehicle{good}, nil, "travel"},
		{"no vehicle", []geo.Matrix{m}, nil, nil, "vehicles"},
		{"start outside", []geo.Matrix{m}, []Vehicle{{Start: 3, Latest: 1}}, nil, "vehicles[0].start = 3"},
		{"unknown profile", []geo.Matrix{m}, []Vehicle{{Profile: 1, Latest: 1}}, nil, "vehicles[0].profile = 1"},
		{"latest before earliest", []geo.Matrix{m}, []Vehicle{{Earliest: 5, Latest: 1}}, nil, "vehicles[0].latest = 1"},
		{"location outside", []geo.Matrix{m}, []Vehicle{good}, []Visit{{Location: -1}}, "visits[0].location = -1"},
		{"window reversed", []geo.Matrix{m}, []Vehicle{good}, []Visit{{Location: 1, Windows: []Window{{5, 4}}}}, "visits[0].windows[0] = 5-4"},
		{"windows overlap", []geo.Matrix{m}, []Vehicle{good}, []Visit{{Location: 1, Windows: []Window{{0, 5}, {5, 9}}}}, "visits[0].windows[1] = 5-9"},
		{"unknown vehicle", []geo.Matrix{m}, []Vehicle{good}, []Visit{{Location: 1, Windows: []Window{{0, 5}}, Vehicles: []int{1}}}, "visits[0].vehicles[0] = 1"},
		{"bad matrix", []geo.Matrix{{N: 3, Values: make([]int32, 4)}}, []Vehicle{good}, []Visit{visit}, "travel[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewProblem(tt.travel, tt.vehicles, tt.visits)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestAllowedCombinesListAndSkills(t *testing.T) {
	m := geo.NewMatrix(2)
	vehicles := []Vehicle{{Latest: 9, Skills: 0b01}, {Latest: 9, Skills: 0b11}, {Latest: 9}}
	visits := []Visit{
		{Location: 1, Windows: []Window{{0, 9}}, Skills: 0b10},
		{Location: 1, Windows: []Window{{0, 9}}, Vehicles: []int{0, 2}},
		{Location: 1, Windows: []Window{{0, 9}}, Vehicles: []int{}},
	}
	p, err := NewProblem([]geo.Matrix{m}, vehicles, visits)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]bool{{false, true, false}, {true, false, true}, {false, false, false}}
	for v, row := range want {
		for k, ok := range row {
			if got := p.Allowed(v, k); got != ok {
				t.Errorf("Allowed(%d, %d) = %v, want %v", v, k, got, ok)
			}
		}
	}
}

func TestWindowsSearch(t *testing.T) {
	m := geo.NewMatrix(2)
	p, err := NewProblem([]geo.Matrix{m}, []Vehicle{{Latest: 100}}, []Visit{{Location: 1, Windows: []Window{{10, 20}, {40, 50}}}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		t               int32
		early, late     int32
		earlyOK, lateOK bool
	}{
		{5, 10, 0, true, false},
		{15, 15, 15, true, true},
		{30, 40, 20, true, true},
		{45, 45, 45, true, true},
		{60, 0, 50, false, true},
	}
	for _, tt := range tests {
		e, eok := p.earliestStart(0, tt.t)
		l, lok := p.latestStart(0, tt.t)
		if eok != tt.earlyOK || (eok && e != tt.early) || lok != tt.lateOK || (lok && l != tt.late) {
			t.Errorf("at %d: earliest %d,%v latest %d,%v; want %d,%v %d,%v", tt.t, e, eok, l, lok, tt.early, tt.earlyOK, tt.late, tt.lateOK)
		}
	}
}

// TestNeighboursWeighTime checks that the neighbour lists put visits whose
// windows fit together before nearer ones hours apart, and vehicles whose
// shift can take a visit before nearer ones whose shift cannot.
func TestNeighboursWeighTime(t *testing.T) {
	// locations: 0 depot, 1 the visit, 2 near it, 3 farther
	m := geo.NewMatrix(4)
	for i := 0; i < 4; i++ {
		for j := 0; j < 4; j++ {
			if i != j {
				m.Set(i, j, 500)
			}
		}
	}
	m.Set(1, 2, 100)
	m.Set(2, 1, 100)
	m.Set(1, 3, 400)
	m.Set(3, 1, 400)
	morning, evening := []Window{{3600, 7200}}, []Window{{30000, 33000}}
	visits := []Visit{{Location: 1, Duration: 600, Windows: morning}}
	for i := 0; i < 3; i++ {
		visits = append(visits,
			Visit{Location: 2, Duration: 600, Windows: evening},
			Visit{Location: 3, Duration: 600, Windows: morning})
	}
	vehicles := []Vehicle{
		{Start: 1, End: 1, Earliest: 40000, Latest: 50000}, // on the spot, but after the window
		{Start: 0, End: 0, Earliest: 0, Latest: 86400},
	}
	p, err := NewProblem([]geo.Matrix{m}, vehicles, visits)
	if err != nil {
		t.Fatal(err)
	}
	for i, u := range p.near[0] {
		if morningVisit := p.Visits[u].Location == 3; morningVisit != (i < 3) {
			t.Fatalf("near[0] = %v: want the three morning visits (odd indices) first", p.near[0])
		}
	}
	if got := p.nearVeh[0]; len(got) != 2 || got[0] != 1 {
		t.Fatalf("nearVeh[0] = %v, want vehicle 1, whose shift can take the visit, first", got)
	}
}
