package geo

import (
	"context"
	"fmt"
	"math"
	"runtime"

	"github.com/paulmach/orb"
)

// Haversine is a Source that estimates travel times from great-circle
// distances and a Profile per mode. The zero value uses DefaultProfiles.
type Haversine struct {
	// Profiles overrides the default profile of the modes it holds.
	Profiles map[Mode]Profile
}

// Profile returns the profile h uses for mode. It returns an error if mode is
// not one of Modes or its profile fails Check.
func (h Haversine) Profile(mode Mode) (Profile, error) {
	if !mode.Valid() {
		return Profile{}, fmt.Errorf("mode = %q: not one of %v", mode, Modes)
	}
	p, ok := h.Profiles[mode]
	if !ok {
		p = DefaultProfiles()[mode]
	}
	if err := p.Check(); err != nil {
		return Profile{}, fmt.Errorf("%s profile: %w", mode, err)
	}
	return p, nil
}

// Seconds returns the travel time in whole seconds from a to b by mode. It
// returns an error as Profile does.
func (h Haversine) Seconds(a, b Point, mode Mode) (int32, error) {
	p, err := h.Profile(mode)
	if err != nil {
		return 0, err
	}
	return p.Seconds(Distance(a, b)), nil
}

// Matrix returns the travel time in whole seconds between every ordered pair
// of points by mode, as Seconds would (give or take a second of rounding).
// Rows are filled in parallel and ctx is checked before each one; the result
// does not depend on the scheduling. It returns an error as Profile does, or
// if a point is not a WGS84 position.
//
// The time complexity of Matrix is O(n²) for n points.
func (h Haversine) Matrix(ctx context.Context, points []Point, mode Mode) (Matrix, error) {
	p, err := h.Profile(mode)
	if err != nil {
		return Matrix{}, err
	}
	if err := checkPoints(points); err != nil {
		return Matrix{}, err
	}
	n := len(points)
	unit := make([][3]float64, n)
	for i, pt := range points {
		unit[i] = unitVector(pt)
	}
	m := NewMatrix(n)
	fixed, perMetre := float64(p.FixedSeconds), p.secondsPerMetre()
	// The great-circle distance is symmetric to the last bit (chord2 squares
	// the same differences either way round), so each row computes the pairs
	// to its right and a second pass copies them to the left of the diagonal.
	err = parallel(ctx, n, runtime.GOMAXPROCS(0), func() func(int) error {
		return func(i int) error {
			row, a := m.Values[i*n:(i+1)*n], unit[i]
			for j := i + 1; j < n; j++ {
				if c2 := chord2(a, unit[j]); c2 > 0 {
					row[j] = seconds(fixed + arcMetres(c2)*perMetre)
				}
			}
			return nil
		}
	})
	if err == nil {
		err = parallel(ctx, n, runtime.GOMAXPROCS(0), func() func(int) error {
			return func(i int) error {
				row := m.Values[i*n : (i+1)*n]
				for j := range i {
					row[j] = m.Values[j*n+i]
				}
				return nil
			}
		})
	}
	if err != nil {
		return Matrix{}, err
	}
	return m, nil
}

// unitVector returns the point on the unit sphere at p.
func unitVector(p Point) [3]float64 {
	lon, lat := p.Lon()*math.Pi/180, p.Lat()*math.Pi/180
	return [3]float64{math.Cos(lat) * math.Cos(lon), math.Cos(lat) * math.Sin(lon), math.Sin(lat)}
}

// chord2 returns the squared distance between two unit vectors.
func chord2(a, b [3]float64) float64 {
	dx, dy, dz := a[0]-b[0], a[1]-b[1], a[2]-b[2]
	return dx*dx + dy*dy + dz*dz
}

// arcMetres returns the great-circle distance in metres between two points
// whose unit vectors are a squared chord length c2 apart: the same
// distance as the haversine formula, without a trigonometric call per pair
// below 60 km.
func arcMetres(c2 float64) float64 {
	c := math.Sqrt(c2)
	if c < 1e-2 {
		// 2·asin(c/2) = c + c³/24 + O(c⁵); the rest is below 1e-10 of c.
		return orb.EarthRadius * c * (1 + c2/24)
	}
	return orb.EarthRadius * 2 * math.Asin(min(c/2, 1))
}

// Row returns the travel times from each of points to p (to) and from p
// to each (from) by mode: the last column and row of Matrix over points
// with p appended, to the last bit, since each time depends only on its
// two points and their order in the list. It lets a caller grow a matrix
// by one point in O(N). It returns an error as Matrix does.
func (h Haversine) Row(ctx context.Context, points []Point, p Point, mode Mode) (to, from []int32, err error) {
	prof, err := h.Profile(mode)
	if err != nil {
		return nil, nil, err
	}
	if err := checkPoints(append(points[:len(points):len(points)], p)); err != nil {
		return nil, nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	to = make([]int32, len(points))
	b := unitVector(p)
	fixed, perMetre := float64(prof.FixedSeconds), prof.secondsPerMetre()
	for i, q := range points {
		if c2 := chord2(unitVector(q), b); c2 > 0 {
			to[i] = seconds(fixed + arcMetres(c2)*perMetre)
		}
	}
	return to, to, nil
}
