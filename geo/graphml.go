package geo

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// ReadGraphML reads a road network from GraphML as OSMnx writes it: nodes
// with their latitude and longitude under the keys named "y" and "x", and
// directed edges with a "length" in metres, an OSM "maxspeed" and "highway".
// A two-way road is two directed edges (an undirected graph or edge is read as
// one edge each way). The speed limit of an edge comes from maxspeed ("20 mph",
// "30" km/h, or OSMnx's list for merged ways, "['20 mph', '30 mph']",
// averaged as OSMnx does) or, when maxspeed has no number, from its highway
// type, as a 20 mph street by default. Only the largest strongly connected
// component is kept, so that every node can reach every other.
//
// The exported fields of the network hold their documented defaults. It
// returns an error naming the node or edge and the value if a key is missing,
// there are no nodes, a node has no valid position or an edge joins unknown
// nodes or has no valid length.
//
// The time complexity of ReadGraphML is O(|V|.log|V| + |E|).
func ReadGraphML(r io.Reader) (*RoadNetwork, error) {
	var doc graphML
	if err := xml.NewDecoder(r).Decode(&doc); err != nil {
		return nil, fmt.Errorf("graphml: %w", err)
	}
	keyID := make(map[string]string) // "node x" -> "d5"
	for _, k := range doc.Keys {
		keyID[k.For+" "+k.Name] = k.ID
	}
	for _, required := range []string{"node x", "node y", "edge length"} {
		if keyID[required] == "" {
			return nil, fmt.Errorf("graphml: no key for %s", required)
		}
	}

	if len(doc.Graph.Nodes) == 0 {
		return nil, errors.New("graphml: no nodes")
	}
	index := make(map[string]int32, len(doc.Graph.Nodes))
	points := make([]Point, len(doc.Graph.Nodes))
	for v, node := range doc.Graph.Nodes {
		if _, dup := index[node.ID]; dup {
			return nil, fmt.Errorf("graphml: node %q appears twice", node.ID)
		}
		index[node.ID] = int32(v)
		x, y := node.data(keyID["node x"]), node.data(keyID["node y"])
		lon, errX := strconv.ParseFloat(x, 64)
		lat, errY := strconv.ParseFloat(y, 64)
		points[v] = Point{lon, lat}
		if errX != nil || errY != nil || !validPoint(points[v]) {
			return nil, fmt.Errorf("graphml: node %q: x, y = %q, %q: not a longitude, latitude", node.ID, x, y)
		}
	}

	var edges []edge
	undirected := doc.Graph.EdgeDefault == "undirected"
	for _, e := range doc.Graph.Edges {
		from, ok := index[e.Source]
		to, ok2 := index[e.Target]
		if !ok || !ok2 {
			return nil, fmt.Errorf("graphml: edge %q→%q: unknown node", e.Source, e.Target)
		}
		s := e.data(keyID["edge length"])
		metres, err := strconv.ParseFloat(s, 64)
		if err != nil || !(metres >= 0 && metres < math.Inf(1)) {
			return nil, fmt.Errorf("graphml: edge %q→%q: length = %q: not a length in metres", e.Source, e.Target, s)
		}
		if from == to {
			continue
		}
		limitSecs := metres * 3.6 / speedLimitKmh(e.data(keyID["edge maxspeed"]), e.data(keyID["edge highway"]))
		edges = append(edges, edge{from, to, metres, limitSecs})
		if e.Directed == "false" || undirected && e.Directed != "true" {
			edges = append(edges, edge{to, from, metres, limitSecs})
		}
	}
	return newRoadNetwork(points, edges), nil
}

// graphML is the part of a GraphML document that ReadGraphML reads.
type graphML struct {
	Keys []struct {
		ID   string `xml:"id,attr"`
		For  string `xml:"for,attr"`
		Name string `xml:"attr.name,attr"`
	} `xml:"key"`
	Graph struct {
		EdgeDefault string      `xml:"edgedefault,attr"`
		Nodes       []graphNode `xml:"node"`
		Edges       []graphEdge `xml:"edge"`
	} `xml:"graph"`
}

// graphNode is a GraphML node and its data.
type graphNode struct {
	ID   string      `xml:"id,attr"`
	Data []graphData `xml:"data"`
}

// graphEdge is a GraphML edge and its data.
type graphEdge struct {
	Source   string      `xml:"source,attr"`
	Target   string      `xml:"target,attr"`
	Directed string      `xml:"directed,attr"`
	Data     []graphData `xml:"data"`
}

// graphData is one key's value on a node or an edge.
type graphData struct {
	Key   string `xml:"key,attr"`
	Value string `xml:",chardata"`
}

func (n graphNode) data(key string) string { return lookup(n.Data, key) }

func (e graphEdge) data(key string) string { return lookup(e.Data, key) }

// lookup returns the value of key in data, or "" if it has none.
func lookup(data []graphData, key string) string {
	for _, d := range data {
		if d.Key == key && key != "" {
			return strings.TrimSpace(d.Value)
		}
	}
	return ""
}

// mph is a mile per hour in km/h.
const mph = 1.609344

// highwayMph holds the speed limit of OSM highway types (and their _link
// roads) on London streets without a maxspeed tag; any other type is taken
// for a 20 mph street, the limit on most London streets.
var highwayMph = map[string]float64{
	"motorway":      70,
	"trunk":         30,
	"primary":       30,
	"secondary":     30,
	"tertiary":      20,
	"unclassified":  20,
	"residential":   20,
	"living_street": 10,
	"service":       10,
}

// speedLimitKmh returns the speed limit of an edge in km/h from its OSM
// maxspeed tag or, failing that, from its highway type.
func speedLimitKmh(maxspeed, highway string) float64 {
	var sum float64
	var count int
	for _, s := range osmList(maxspeed) {
		if kmh, ok := parseSpeed(s); ok {
			sum += kmh
			count++
		}
	}
	if count > 0 {
		return sum / float64(count)
	}
	for _, h := range osmList(highway) {
		if limit, ok := highwayMph[strings.TrimSuffix(h, "_link")]; ok {
			return limit * mph
		}
	}
	return 20 * mph
}

// osmList splits an OSMnx value that is either one tag ("20 mph") or the
// Python list of the tags of merged ways ("['20 mph', '30 mph']").
func osmList(s string) []string {
	if !strings.HasPrefix(s, "[") {
		return []string{s}
	}
	parts := strings.Split(strings.Trim(s, "[]"), ",")
	for i, p := range parts {
		parts[i] = strings.Trim(strings.TrimSpace(p), `'"`)
	}
	return parts
}

// parseSpeed parses an OSM speed, "20 mph" or "30" (km/h). It reports false
// for anything else, such as "signals" or "GB:nsl_single".
func parseSpeed(s string) (kmh float64, ok bool) {
	unit := 1.0
	if num, isMph := strings.CutSuffix(s, "mph"); isMph {
		s, unit = num, mph
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || !(v >= 1 && v < 1000) {
		return 0, false
	}
	return v * unit, true
}
