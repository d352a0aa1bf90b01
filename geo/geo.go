// Package geo turns places into travel times: great-circle distances, speed
// profiles per travel mode, dense travel-time matrices and the sources that
// fill them (a haversine model, a file, an OSRM table service, a road network).
//
// geo imports nothing else from rounds.
package geo

import (
	"context"
	"fmt"

	"github.com/paulmach/orb"
)

// Point is a WGS84 position, longitude first (orb order).
type Point = orb.Point

// Mode is a way of travelling between visits.
type Mode string

// The travel modes a worker may use.
const (
	Drive   Mode = "drive"
	Walk    Mode = "walk"
	Transit Mode = "transit"
)

// Modes lists every travel mode, in a fixed order.
var Modes = []Mode{Drive, Walk, Transit}

// Valid reports whether m is one of Modes.
func (m Mode) Valid() bool {
	for _, x := range Modes {
		if m == x {
			return true
		}
	}
	return false
}

// Matrix is a dense square travel-time matrix held in one flat slice:
// the time from i to j is Values[i*N+j]. Units are the caller's: integer
// seconds for care rosters, tenths for the DIMACS benchmark convention.
type Matrix struct {
	N      int
	Values []int32
}

// NewMatrix returns an n×n matrix of zeros.
func NewMatrix(n int) Matrix {
	return Matrix{N: n, Values: make([]int32, n*n)}
}

// At returns the travel time from i to j.
func (m Matrix) At(i, j int) int32 { return m.Values[i*m.N+j] }

// Set stores the travel time from i to j.
func (m Matrix) Set(i, j int, v int32) { m.Values[i*m.N+j] = v }

// Check returns an error if the matrix is not n×n or holds a negative time.
func (m Matrix) Check(n int) error {
	if m.N != n || len(m.Values) != n*n {
		return fmt.Errorf("travel matrix is %d×%d with %d values, want %d×%d", m.N, m.N, len(m.Values), n, n)
	}
	for k, v := range m.Values {
		if v < 0 {
			return fmt.Errorf("travel matrix[%d][%d] = %d is negative", k/n, k%n, v)
		}
	}
	return nil
}

// Source fills travel-time matrices. Implementations must be safe for
// concurrent use.
type Source interface {
	// Matrix returns the travel time in whole seconds between every ordered
	// pair of points for the mode. It returns an error if the mode is not
	// supported or a point cannot be routed.
	Matrix(ctx context.Context, points []Point, mode Mode) (Matrix, error)
}

// checkPoints returns an error naming the first point that is not a WGS84
// longitude, latitude pair.
func checkPoints(points []Point) error {
	for i, p := range points {
		if !validPoint(p) {
			return fmt.Errorf("point %d = %v: not a WGS84 longitude, latitude", i, p)
		}
	}
	return nil
}

// validPoint reports whether p is a WGS84 longitude, latitude pair.
func validPoint(p Point) bool {
	return p.Lon() >= -180 && p.Lon() <= 180 && p.Lat() >= -90 && p.Lat() <= 90
}
