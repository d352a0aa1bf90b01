package rounds

import (
	"fmt"
	"math"

	"github.com/roundsdev/rounds/geo"
)

// Location is a WGS84 position.
type Location struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// Point returns the location as an orb point (longitude first).
func (l Location) Point() geo.Point { return geo.Point{l.Lon, l.Lat} }

// Client is a person the service visits at home. A zero Location is left
// out of the JSON, as it is for a client whose details are withheld (a
// valid location is never 0,0).
type Client struct {
	ID       string   `json:"id"`
	Name     string   `json:"name,omitempty"`
	Location Location `json:"location,omitzero"`
	// Network is the integrated community network (group of GP practices)
	// the client belongs to.
	Network string `json:"network,omitempty"`
	// Practice is the ODS code of the client's GP practice.
	Practice string `json:"practice,omitempty"`
	// PreferredWorkers are worker IDs the client should see if possible
	// (case manager, key worker).
	PreferredWorkers []string `json:"preferredWorkers,omitempty"`
	// DeclinedWorkers are worker IDs who must never visit the client.
	DeclinedWorkers []string `json:"declinedWorkers,omitempty"`
	// GenderPreference, if set, is the only gender of worker who may visit.
	GenderPreference string `json:"genderPreference,omitempty"`
	// Consent records that the client agreed to share their details with
	// the team. Without it the service shows their details to admins only
	// and does not plan their visits. The solver ignores it.
	Consent bool `json:"consent,omitempty"`
}

func validLocation(field string, l Location) error {
	if math.IsNaN(l.Lat) || math.IsNaN(l.Lon) || l.Lat < -90 || l.Lat > 90 || l.Lon < -180 || l.Lon > 180 {
		return Invalid(field, fmt.Sprintf("%g,%g", l.Lat, l.Lon), "latitude must be within ±90 and longitude within ±180")
	}
	if l.Lat == 0 && l.Lon == 0 {
		return Invalid(field, "0,0", "location is missing")
	}
	return nil
}
