package geo

import (
	"context"
	"fmt"
)

// ByMode is a Source that sends each travel mode to its own source, such as
// a road network for driving, and every other mode to Fallback.
type ByMode struct {
	Sources  map[Mode]Source
	Fallback Source
}

// Matrix asks the source of mode, or Fallback, for the matrix. It returns an
// error if neither exists.
func (b ByMode) Matrix(ctx context.Context, points []Point, mode Mode) (Matrix, error) {
	if s, ok := b.Sources[mode]; ok {
		return s.Matrix(ctx, points, mode)
	}
	if b.Fallback == nil {
		return Matrix{}, fmt.Errorf("travel mode %q: no travel-time source", mode)
	}
	return b.Fallback.Matrix(ctx, points, mode)
}
