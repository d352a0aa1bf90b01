package geo

import (
	"fmt"
	"math"

	orbgeo "github.com/paulmach/orb/geo"
)

// Distance returns the great-circle distance in metres from a to b: the
// haversine formula on a sphere of radius orb.EarthRadius.
func Distance(a, b Point) float64 { return orbgeo.DistanceHaversine(a, b) }

// Profile turns a straight-line distance d in metres into a travel time for
// one mode:
//
//	seconds = FixedSeconds + d × Detour / (SpeedKmh / 3.6)
//
// for a trip between two distinct places, and 0 for none.
type Profile struct {
	// SpeedKmh is the average speed along the route, door to door, in km/h.
	SpeedKmh float64
	// Detour is the route length per straight-line kilometre.
	Detour float64
	// FixedSeconds is added to every trip of non-zero length: parking and
	// walking to the door, or walking to the stop and waiting for the bus.
	FixedSeconds int
}

// DefaultProfiles returns a profile for every mode in Modes, suited to inner
// London:
//   - Drive is fitted by Calibrate to the Westminster road network
//     (fixtures/data/westminster_drive.graphml, at RoadNetwork's defaults:
//     20 mph streets at 55% of the limit, walked access legs and 2 minutes
//     to park), on 89,700 trips between 300 seeded points: routes run 1.36
//     times the straight line at 20 km/h, after 260 s of parking, walking to
//     the door and reaching the main roads; 14.7 km/h as the crow flies.
//     Against the network on 300 other points it is off by 82 s (10.8%) on
//     average, and by more than 156 s for one trip in ten; see
//     TestCalibrate.
//   - Walk is 4.5 km/h along streets 1.3 times the straight line.
//   - Transit is a bus at 12 km/h along roads 1.3 times the straight line,
//     plus 10 minutes to reach the stop and wait.
func DefaultProfiles() map[Mode]Profile {
	return map[Mode]Profile{
		Drive:   {SpeedKmh: 20, Detour: 1.36, FixedSeconds: 260},
		Walk:    {SpeedKmh: 4.5, Detour: 1.3},
		Transit: {SpeedKmh: 12, Detour: 1.3, FixedSeconds: 600},
	}
}

// Check returns an error naming the field and its value if p cannot turn a
// distance into a time.
func (p Profile) Check() error {
	switch {
	case !(p.SpeedKmh > 0 && p.SpeedKmh < math.Inf(1)):
		return fmt.Errorf("SpeedKmh = %v: want a positive speed", p.SpeedKmh)
	case !(p.Detour > 0 && p.Detour < math.Inf(1)):
		//lint:ignore ST1005 the message starts with the field's name
		return fmt.Errorf("Detour = %v: want a positive factor", p.Detour)
	case p.FixedSeconds < 0:
		return fmt.Errorf("FixedSeconds = %d: want zero or more", p.FixedSeconds)
	}
	return nil
}

// Seconds returns the travel time in whole seconds over a straight-line
// distance in metres: 0 for a distance of 0, and at most math.MaxInt32.
func (p Profile) Seconds(metres float64) int32 {
	if !(metres > 0) {
		return 0
	}
	return seconds(float64(p.FixedSeconds) + metres*p.secondsPerMetre())
}

// secondsPerMetre returns the moving time per straight-line metre.
func (p Profile) secondsPerMetre() float64 { return p.Detour * 3.6 / p.SpeedKmh }

// seconds rounds a non-negative duration to whole seconds, saturating at
// math.MaxInt32 (also for +Inf and NaN, which only invalid inputs produce).
func seconds(s float64) int32 {
	if !(s < math.MaxInt32) {
		return math.MaxInt32
	}
	return int32(math.Round(s))
}
