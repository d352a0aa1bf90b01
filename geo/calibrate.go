package geo

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"
)

// Calibration reports how closely great-circle profiles reproduce the travel
// times of a road network between a set of points.
type Calibration struct {
	// Pairs is the number of ordered pairs of points compared: those apart.
	Pairs int
	// Prior and Fitted are the accuracy of the profile given to Calibrate
	// and of the one it fitted.
	Prior, Fitted Accuracy
}

// Accuracy summarises the errors of estimated travel times against reference
// ones, both in whole seconds as Sources return them.
type Accuracy struct {
	MAE  float64 // mean absolute error, in seconds
	MAPE float64 // mean absolute percentage error, in percent
	P90  float64 // 90th percentile of the absolute error, in seconds
}

// String returns the figures as "MAE 61 s, MAPE 14.2%, p90 120 s".
func (a Accuracy) String() string {
	return fmt.Sprintf("MAE %.0f s, MAPE %.1f%%, p90 %.0f s", a.MAE, a.MAPE, a.P90)
}

// Calibrate fits a drive Profile to the times net.Matrix returns between
// every ordered pair of distinct points, and reports the errors of prior and
// of the fitted profile against them. Detour is the summed route lengths over
// the summed straight-line distances. FixedSeconds and the seconds per
// straight-line metre are fitted by least absolute deviations (iteratively
// reweighted least squares), which minimises the mean absolute error and
// is not pulled by the few trips that detour around a one-way system or are
// walked; SpeedKmh follows from them and Detour.
//
// It returns an error as net.Matrix does, or if fewer than two pairs of
// points are apart.
//
// The time complexity of Calibrate is O(n·|E|.log|V| + n².log n) for n points.
func Calibrate(ctx context.Context, net *RoadNetwork, points []Point, prior Profile) (Profile, Calibration, error) {
	if err := prior.Check(); err != nil {
		return Profile{}, Calibration{}, fmt.Errorf("calibrate: prior: %w", err)
	}
	n := len(points)
	road := make([]float64, n*n)        // seconds, as net.Matrix has them
	routeMetres := make([]float64, n*n) // metres along the route
	err := net.routes(ctx, points, func(i, j int, secs, metres float64) {
		road[i*n+j], routeMetres[i*n+j] = float64(seconds(secs)), metres
	})
	if err != nil {
		return Profile{}, Calibration{}, fmt.Errorf("calibrate: %w", err)
	}

	var straight, t []float64
	var straightSum, routeSum float64
	for k, secs := range road {
		if secs == 0 {
			continue // the diagonal, or one place
		}
		d := Distance(points[k/n], points[k%n])
		straight, t = append(straight, d), append(t, secs)
		straightSum += d
		routeSum += routeMetres[k]
	}
	if len(t) < 2 {
		return Profile{}, Calibration{}, errors.New("calibrate: fewer than two pairs of points apart")
	}
	alpha, beta := leastAbsolute(straight, t)
	detour := routeSum / straightSum
	fitted := Profile{SpeedKmh: detour * 3.6 / beta, Detour: detour, FixedSeconds: int(math.Round(max(alpha, 0)))}
	if err := fitted.Check(); err != nil {
		return Profile{}, Calibration{}, fmt.Errorf("calibrate: fitted profile: %w", err)
	}
	return fitted, Calibration{
		Pairs:  len(t),
		Prior:  accuracy(prior, straight, t),
		Fitted: accuracy(fitted, straight, t),
	}, nil
}

// leastAbsolute returns the line y = alpha + beta·x that minimises the sum of
// absolute deviations, by least squares reweighted by the inverse of each
// deviation (at least a second) until the line moves by less than a
// millisecond over a kilometre.
func leastAbsolute(x, y []float64) (alpha, beta float64) {
	weights := make([]float64, len(x))
	for i := range weights {
		weights[i] = 1
	}
	for range 100 {
		a, b := stat.LinearRegression(x, y, weights, false)
		converged := math.Abs(a-alpha) < 1e-3 && math.Abs(b-beta)*1000 < 1e-3
		alpha, beta = a, b
		if converged {
			break
		}
		for i := range weights {
			weights[i] = 1 / max(math.Abs(alpha+beta*x[i]-y[i]), 1)
		}
	}
	return alpha, beta
}

// accuracy returns the accuracy of p's times over the straight-line
// distances against the reference times t.
func accuracy(p Profile, straight, t []float64) Accuracy {
	abs := make([]float64, len(t))
	var a Accuracy
	for k, d := range straight {
		abs[k] = math.Abs(float64(p.Seconds(d)) - t[k])
		a.MAE += abs[k]
		a.MAPE += 100 * abs[k] / t[k]
	}
	a.MAE /= float64(len(t))
	a.MAPE /= float64(len(t))
	slices.Sort(abs)
	a.P90 = stat.Quantile(0.9, stat.Empirical, abs, nil)
	return a
}
