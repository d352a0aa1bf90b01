package solver

import (
	"math/rand"
	"testing"

	"github.com/roundsdev/rounds/geo"
)

// clashProblem returns one vehicle and two visits that need the same
// instant, so that at most one of them can be served.
func clashProblem(tb testing.TB, penA, penB int64) *Problem {
	tb.Helper()
	m := geo.NewMatrix(3)
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			if i != j {
				m.Set(i, j, 10)
			}
		}
	}
	at := []Window{{Start: 100, End: 100}}
	p, err := NewProblem([]geo.Matrix{m}, []Vehicle{{Latest: 1000}}, []Visit{
		{Location: 1, Duration: 50, Windows: at, Penalty: penA},
		{Location: 2, Duration: 50, Windows: at, Penalty: penB},
	})
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func TestEjectRuin(t *testing.T) {
	tests := []struct {
		name       string
		penA, penB int64
		ejects     bool
	}{
		{"higher penalty takes the place", 1000, 5000, true},
		{"equal penalty may trade places", 5000, 5000, true},
		{"lower penalty stays out", 5000, 1000, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := clashProblem(t, tc.penA, tc.penB)
			s := newState(p)
			s.begin()
			s.insert(0, 0, 1)
			w := newScratch(p)
			w.removed = w.removed[:0]
			got := s.ejectRuin(rand.New(rand.NewSource(1)), w)
			if (got == 1) != tc.ejects || !tc.ejects && got != -1 {
				t.Fatalf("ejectRuin = %d, ejecting %v", got, tc.ejects)
			}
			want := []int32{0}
			if tc.ejects {
				want = []int32{1}
				if len(w.removed) != 1 || w.removed[0] != 0 {
					t.Errorf("removed %v, want [0]", w.removed)
				}
			}
			if r := s.routes[0].visits; len(r) != 1 || r[0] != want[0] {
				t.Errorf("route %v, want %v", r, want)
			}
			s.settle()
			if s.missing != 1 || s.cost() != s.routed+p.penalty[1-want[0]] {
				t.Errorf("missing %d cost %d after the step", s.missing, s.cost())
			}
		})
	}
}
