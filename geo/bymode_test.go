package geo

import (
	"context"
	"testing"
)

// constant is a Source whose every off-diagonal time is one value.
type constant int32

func (c constant) Matrix(_ context.Context, points []Point, _ Mode) (Matrix, error) {
	m := NewMatrix(len(points))
	for i := range points {
		for j := range points {
			if i != j {
				m.Set(i, j, int32(c))
			}
		}
	}
	return m, nil
}

func TestByMode(t *testing.T) {
	pts := []Point{{-0.14, 51.50}, {-0.13, 51.51}}
	src := ByMode{Sources: map[Mode]Source{Drive: constant(7)}, Fallback: constant(99)}
	tests := []struct {
		mode Mode
		want int32
	}{{Drive, 7}, {Walk, 99}, {Transit, 99}}
	for _, tt := range tests {
		t.Run(string(tt.mode), func(t *testing.T) {
			m, err := src.Matrix(context.Background(), pts, tt.mode)
			if err != nil {
				t.Fatal(err)
			}
			if got := m.At(0, 1); got != tt.want {
				t.Errorf("time = %d, want %d", got, tt.want)
			}
		})
	}
	if _, err := (ByMode{}).Matrix(context.Background(), pts, Walk); err == nil {
		t.Error("a mode with no source and no fallback gave no error")
	}
}
