package validate

import (
	"context"
	"fmt"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/geo"
)

// table is the travel-time matrix of one mode over the points it indexes.
type table struct {
	index map[rounds.Location]int
	m     geo.Matrix
}

// seconds returns the travel time from a to b; both must be indexed.
func (t table) seconds(a, b rounds.Location) int {
	return int(t.m.At(t.index[a], t.index[b]))
}

// loadTravel fetches, for each mode the routes with stops use, one matrix
// over the starts and ends of the routes' workers and the locations of their
// clients.
func (c *checker) loadTravel(ctx context.Context, src geo.Source) error {
	points := make(map[geo.Mode][]rounds.Location)
	index := make(map[geo.Mode]map[rounds.Location]int)
	need := func(mode geo.Mode, l rounds.Location) {
		if index[mode] == nil {
			index[mode] = make(map[rounds.Location]int)
		}
		if _, ok := index[mode][l]; !ok {
			index[mode][l] = len(points[mode])
			points[mode] = append(points[mode], l)
		}
	}
	for _, rt := range c.r.Routes {
		w := c.workers[rt.WorkerID]
		if w == nil || len(rt.Stops) == 0 {
			continue
		}
		need(w.TravelMode, w.Start)
		need(w.TravelMode, w.EndLocation())
		if c.live != nil {
			if loc, _, _, ok := c.live.positionOf(w.ID); ok {
				need(w.TravelMode, loc)
			}
		}
		for _, s := range rt.Stops {
			if v := c.visits[s.VisitID]; v != nil {
				need(w.TravelMode, c.clients[v.ClientID].Location)
			}
		}
	}
	c.tables = make(map[geo.Mode]table, len(points))
	for _, mode := range geo.Modes {
		locs := points[mode]
		if len(locs) == 0 {
			continue
		}
		pts := make([]geo.Point, len(locs))
		for i, l := range locs {
			pts[i] = l.Point()
		}
		m, err := src.Matrix(ctx, pts, mode)
		if err != nil {
			return fmt.Errorf("travel times by %s between %d places: %w", mode, len(pts), err)
		}
		if err := m.Check(len(pts)); err != nil {
			return fmt.Errorf("travel times by %s: %w", mode, err)
		}
		c.tables[mode] = table{index: index[mode], m: m}
	}
	return nil
}
