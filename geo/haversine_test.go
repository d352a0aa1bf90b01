package geo

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// The sources of this package.
var _ = []Source{Haversine{}, Fixed{}, OSRM{}, (*RoadNetwork)(nil)}

var (
	charingCross = Point{-0.1246, 51.5080}
	paddington   = Point{-0.1759, 51.5154}
)

// londonPoints returns n seeded random points in a 30 km box over London.
func londonPoints(tb testing.TB, n int, seed uint64) []Point {
	tb.Helper()
	return pointsIn(rand.New(rand.NewPCG(seed, 1)), orb.Bound{Min: Point{-0.35, 51.38}, Max: Point{0.08, 51.62}}, n)
}

// pointsIn returns n random points in b.
func pointsIn(rng *rand.Rand, b orb.Bound, n int) []Point {
	points := make([]Point, n)
	for i := range points {
		points[i] = Point{b.Min.Lon() + rng.Float64()*(b.Max.Lon()-b.Min.Lon()), b.Min.Lat() + rng.Float64()*(b.Max.Lat()-b.Min.Lat())}
	}
	return points
}

func TestProfileSeconds(t *testing.T) {
	p := Profile{SpeedKmh: 18, Detour: 1.5, FixedSeconds: 60}
	tests := []struct {
		name   string
		metres float64
		want   int32
	}{
		{"no trip", 0, 0},
		{"negative distance", -5, 0},
		{"NaN distance", math.NaN(), 0},
		{"1 km", 1000, 60 + 300},           // 1.5 km at 5 m/s
		{"rounded", 1, 60},                 // 0.3 s
		{"saturated", 1e12, math.MaxInt32}, // 3e11 s
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := p.Seconds(tt.metres); got != tt.want {
				t.Errorf("Seconds(%v) = %d, want %d", tt.metres, got, tt.want)
			}
		})
	}
}

func TestProfileCheck(t *testing.T) {
	tests := []struct {
		name    string
		profile Profile
		field   string // in the error; "" for none
	}{
		{"default drive", DefaultProfiles()[Drive], ""},
		{"zero speed", Profile{Detour: 1}, "SpeedKmh = 0"},
		{"NaN speed", Profile{SpeedKmh: math.NaN(), Detour: 1}, "SpeedKmh = NaN"},
		{"infinite speed", Profile{SpeedKmh: math.Inf(1), Detour: 1}, "SpeedKmh = +Inf"},
		{"negative detour", Profile{SpeedKmh: 10, Detour: -1}, "Detour = -1"},
		{"negative fixed", Profile{SpeedKmh: 10, Detour: 1, FixedSeconds: -3}, "FixedSeconds = -3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErr(t, tt.profile.Check(), tt.field)
		})
	}
}

// checkErr fails tb unless err contains want, or is nil when want is "".
func checkErr(tb testing.TB, err error, want string) {
	tb.Helper()
	switch {
	case want == "" && err != nil:
		tb.Fatalf("error %q, want none", err)
	case want != "" && err == nil:
		tb.Fatalf("no error, want one containing %q", want)
	case want != "" && !strings.Contains(err.Error(), want):
		tb.Fatalf("error %q, want one containing %q", err, want)
	}
}

func TestDefaultProfiles(t *testing.T) {
	profiles := DefaultProfiles()
	for _, mode := range Modes {
		t.Run(string(mode), func(t *testing.T) {
			if err := profiles[mode].Check(); err != nil {
				t.Fatal(err)
			}
		})
	}
	// Charing Cross to Paddington is 3.7 km as the crow flies: driving beats
	// the bus, which beats walking.
	d := Distance(charingCross, paddington)
	drive, transit, walk := profiles[Drive].Seconds(d), profiles[Transit].Seconds(d), profiles[Walk].Seconds(d)
	if !(drive < transit && transit < walk) {
		t.Errorf("over %.0f m: drive %d s, transit %d s, walk %d s; want them in increasing order", d, drive, transit, walk)
	}
}

func TestArcMetres(t *testing.T) {
	tests := []struct {
		name string
		a, b Point
	}{
		{"across the street", charingCross, Point{-0.1245, 51.5081}},
		{"across London", charingCross, paddington},
		{"just under the series cut-off", Point{0, 51}, Point{0, 51.57}},
		{"just over the series cut-off", Point{0, 51}, Point{0, 51.58}},
		{"London to Sydney", charingCross, Point{151.2, -33.9}},
		{"antipodes", Point{0, 0}, Point{180, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, want := arcMetres(chord2(unitVector(tt.a), unitVector(tt.b))), Distance(tt.a, tt.b)
			if math.Abs(got-want) > 1e-9*want+1e-6 {
				t.Errorf("arcMetres = %.6f m, haversine %.6f m", got, want)
			}
		})
	}
}

func TestHaversineMatrix(t *testing.T) {
	points := append(londonPoints(t, 200, 1), charingCross, charingCross)
	custom := Haversine{Profiles: map[Mode]Profile{Walk: {SpeedKmh: 5, Detour: 1.2, FixedSeconds: 30}}}
	for _, tt := range []struct {
		name string
		h    Haversine
		mode Mode
	}{
		{"default drive", Haversine{}, Drive},
		{"default transit", Haversine{}, Transit},
		{"custom walk", custom, Walk},
		{"drive not overridden", custom, Drive},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m, err := tt.h.Matrix(context.Background(), points, tt.mode)
			if err != nil {
				t.Fatal(err)
			}
			if err := m.Check(len(points)); err != nil {
				t.Fatal(err)
			}
			for i, a := range points {
				for j, b := range points {
					want, err := tt.h.Seconds(a, b, tt.mode)
					if err != nil {
						t.Fatal(err)
					}
					if got := m.At(i, j); got < want-1 || got > want+1 {
						t.Fatalf("At(%d, %d) = %d, Seconds = %d", i, j, got, want)
					}
				}
			}
			if n := len(points); m.At(n-2, n-1) != 0 || m.At(0, 0) != 0 {
				t.Errorf("travel time between identical points is not 0")
			}
		})
	}
}

func TestHaversineErrors(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name   string
		ctx    context.Context
		h      Haversine
		points []Point
		mode   Mode
		want   string
	}{
		{"unknown mode", context.Background(), Haversine{}, nil, "cycle", `mode = "cycle"`},
		{"invalid profile", context.Background(), Haversine{Profiles: map[Mode]Profile{Walk: {Detour: 1}}}, nil, Walk, "walk profile: SpeedKmh = 0"},
		{"latitude out of range", context.Background(), Haversine{}, []Point{charingCross, {-0.1, 95}}, Drive, "point 1 = [-0.1 95]"},
		{"NaN", context.Background(), Haversine{}, []Point{{math.NaN(), 51}}, Drive, "point 0"},
		{"cancelled", cancelled, Haversine{}, londonPoints(t, 10, 1), Drive, context.Canceled.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.h.Matrix(tt.ctx, tt.points, tt.mode)
			checkErr(t, err, tt.want)
		})
	}
	if _, err := (Haversine{}).Matrix(cancelled, londonPoints(t, 10, 1), Drive); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: error %v does not wrap context.Canceled", err)
	}
}

func BenchmarkHaversineMatrix(b *testing.B) {
	for _, n := range []int{500, 6500} {
		points := londonPoints(b, n, 1)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := (Haversine{}).Matrix(context.Background(), points, Drive); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestHaversineRow: the times to and from a point appended to a list are
// the last column and row of the matrix over the list with it, to the
// last bit.
func TestHaversineRow(t *testing.T) {
	pts := []Point{{-0.10, 51.50}, {-0.12, 51.51}, {-0.2, 51.45}, {-0.1, 51.50}, {-0.31, 51.62}, {-0.05, 51.55}}
	ctx := context.Background()
	n := len(pts)
	for _, mode := range Modes {
		whole, err := Haversine{}.Matrix(ctx, pts, mode)
		if err != nil {
			t.Fatal(err)
		}
		to, from, err := Haversine{}.Row(ctx, pts[:n-1], pts[n-1], mode)
		if err != nil {
			t.Fatal(err)
		}
		for i := range n - 1 {
			if to[i] != whole.At(i, n-1) || from[i] != whole.At(n-1, i) {
				t.Errorf("%s: point %d: to %d from %d, the matrix %d and %d", mode, i, to[i], from[i], whole.At(i, n-1), whole.At(n-1, i))
			}
		}
	}
	if _, _, err := (Haversine{}).Row(ctx, pts, Point{0, 91}, Drive); err == nil {
		t.Error("a point off the Earth: no error")
	}
}
