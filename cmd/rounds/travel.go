package main

import (
	"flag"
	"net/http"
	"time"

	"github.com/roundsdev/rounds/fixtures"
	"github.com/roundsdev/rounds/geo"
)

// travelConfig is how a command gets its travel times.
type travelConfig struct {
	kind string
	osrm string
}

func travelFlags(fs *flag.FlagSet) *travelConfig {
	c := &travelConfig{}
	fs.StringVar(&c.kind, "travel", "haversine", "travel times: haversine (great-circle with London speed profiles), road (Westminster's OpenStreetMap road network for driving) or osrm")
	fs.StringVar(&c.osrm, "osrm", "http://127.0.0.1:5000", "base URL of an OSRM server for -travel osrm")
	return c
}

// source returns the travel-time source the flags ask for. Modes a source
// cannot route fall back to the great-circle model.
func (c *travelConfig) source() (geo.Source, error) {
	switch c.kind {
	case "haversine":
		return geo.Haversine{}, nil
	case "road":
		net, err := fixtures.WestminsterRoads()
		if err != nil {
			return nil, err
		}
		return geo.ByMode{Sources: map[geo.Mode]geo.Source{geo.Drive: net}, Fallback: geo.Haversine{}}, nil
	case "osrm":
		return geo.OSRM{BaseURL: c.osrm, Profiles: geo.DefaultOSRMProfiles(), Client: &http.Client{Timeout: time.Minute}}, nil
	}
	return nil, usagef("-travel %q: want haversine, road or osrm", c.kind)
}
