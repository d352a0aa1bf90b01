package geo

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

// TestCalibrate fits the drive profile on one seeded sample of Westminster
// and checks it, and DefaultProfiles, on another.
func TestCalibrate(t *testing.T) {
	net := westminster(t)
	train, test := networkPoints(t, net, 300, 1), networkPoints(t, net, 300, 2)
	// The drive profile before calibration: the network's 17.7 km/h on
	// London's usual detour, and parking.
	guess := Profile{SpeedKmh: 17.7, Detour: 1.3, FixedSeconds: 120}
	fitted, cal, err := Calibrate(context.Background(), net, train, guess)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d trips: guess %+v: %v", cal.Pairs, guess, cal.Prior)
	t.Logf("fitted {SpeedKmh:%.2f Detour:%.3f FixedSeconds:%d}: %v", fitted.SpeedKmh, fitted.Detour, fitted.FixedSeconds, cal.Fitted)

	_, held, err := Calibrate(context.Background(), net, test, fitted)
	if err != nil {
		t.Fatal(err)
	}
	_, def, err := Calibrate(context.Background(), net, test, DefaultProfiles()[Drive])
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("held out: fitted %v; default %v; refitted %v", held.Prior, def.Prior, held.Fitted)

	if cal.Fitted.MAPE >= cal.Prior.MAPE || cal.Fitted.MAE >= cal.Prior.MAE {
		t.Errorf("fitted %v, no better than the guess %v", cal.Fitted, cal.Prior)
	}
	// Measured: 10.8% and 82 s.
	if held.Prior.MAPE > 12.5 || held.Prior.MAE > 95 {
		t.Errorf("fitted profile on held-out points: %v, want MAPE ≤ 12.5%% and MAE ≤ 95 s", held.Prior)
	}
	// The default drive profile is as good as a fit on the held-out points.
	if def.Prior.MAE > 1.05*held.Fitted.MAE || def.Prior.MAPE > 12.5 {
		t.Errorf("default drive profile on held-out points: %v, refitted %v: recalibrate DefaultProfiles", def.Prior, held.Fitted)
	}
}

func TestCalibrateErrors(t *testing.T) {
	tests := []struct {
		name   string
		points []Point
		prior  Profile
		want   string
	}{
		{"invalid prior", []Point{charingCross, paddington}, Profile{}, "calibrate: prior: SpeedKmh = 0"},
		{"one place", []Point{charingCross, charingCross, charingCross}, DefaultProfiles()[Drive], "calibrate: fewer than two pairs of points apart"},
		{"off the network", []Point{charingCross, {0, 0}}, DefaultProfiles()[Drive], "calibrate: road network: point 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Calibrate(context.Background(), westminster(t), tt.points, tt.prior)
			checkErr(t, err, tt.want)
		})
	}
}

func TestLeastAbsolute(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	x, y := make([]float64, 1000), make([]float64, 1000)
	for i := range x {
		x[i] = rng.Float64() * 5000
		y[i] = 250 + 0.25*x[i] + rng.NormFloat64()
		if i%10 == 0 { // a tenth of the trips take a long detour
			y[i] += 2000 * rng.Float64()
		}
	}
	alpha, beta := leastAbsolute(x, y)
	if math.Abs(alpha-250) > 1 || math.Abs(beta-0.25) > 1e-3 {
		t.Errorf("line %.2f + %.5f·x, want 250 + 0.25·x", alpha, beta)
	}
}
