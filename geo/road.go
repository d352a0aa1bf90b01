package geo

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"

	"github.com/paulmach/orb"
)

// RoadNetwork is a Source of driving times over a road graph, such as the
// OpenStreetMap streets ReadGraphML reads. A trip walks from the door to the
// nearest node of the graph (an access leg), drives the quickest route at
// Congestion times the speed limits to the node nearest the destination,
// walks to the door and adds FixedSeconds for parking; unless walking
// straight there at AccessKmh is quicker, as it is between neighbours. Only
// Drive is served: a drive graph lacks footpaths, and one-way streets
// mislead walkers.
//
// The graph is kept in compressed sparse row form, and is strongly connected.
// Change the exported fields before use, not while Matrix runs.
type RoadNetwork struct {
	// Congestion is the fraction of the speed limit that traffic averages,
	// junctions included. The default 0.55 turns a 20 mph street into
	// 17.7 km/h; with the access legs and parking, a trip of 3 km as the
	// crow flies then averages 15 km/h along the road, door to door, the
	// low end of DOMAIN.md's 15-20 km/h for inner London.
	Congestion float64
	// AccessKmh is the speed of the access legs: 4.5 km/h, a walk.
	AccessKmh float64
	// FixedSeconds is added to every driven trip, for parking: 120 seconds
	// by default.
	FixedSeconds int
	// MaxSnapMetres is the longest access leg, beyond which a point is
	// taken to be off the network; 0 means no limit. The default is 1000.
	MaxSnapMetres float64

	points    []Point   // node positions
	first     []int32   // edges leaving node v are first[v] to first[v+1]-1
	head      []int32   // head[e] is the node edge e leads to
	limitSecs []float64 // limitSecs[e] is the time along e at the speed limit
	metres    []float64 // metres[e] is the length of e

	// Snapping: the nodes in order of x, an equirectangular projection of
	// longitude onto metres, and their projected coordinates.
	byX          []int32
	x, y         []float64
	lon0, metreX float64 // x = (lon - lon0) · metreX, y = lat · metreY
}

// metreY is the metres per degree of latitude.
const metreY = orb.EarthRadius * math.Pi / 180

// edge is a directed edge as read, before the graph is built.
type edge struct {
	from, to          int32
	metres, limitSecs float64
}

// newRoadNetwork builds the network from the largest strongly connected
// component of the graph of nodes at points and edges.
func newRoadNetwork(points []Point, edges []edge) *RoadNetwork {
	first, order := csr(len(points), edges)
	head := make([]int32, len(order))
	for e, k := range order {
		head[e] = edges[k].to
	}
	keep := largestComponent(first, head)

	// Renumber the kept nodes 0, 1, ... and drop the edges that leave them.
	renumber := make([]int32, len(points))
	for v := range renumber {
		renumber[v] = -1
	}
	g := &RoadNetwork{Congestion: 0.55, AccessKmh: 4.5, FixedSeconds: 120, MaxSnapMetres: 1000}
	g.points = make([]Point, len(keep))
	for nv, v := range keep {
		renumber[v] = int32(nv)
		g.points[nv] = points[v]
	}
	var kept []edge
	for _, e := range edges {
		if renumber[e.from] >= 0 && renumber[e.to] >= 0 {
			kept = append(kept, edge{renumber[e.from], renumber[e.to], e.metres, e.limitSecs})
		}
	}
	g.first, order = csr(len(keep), kept)
	g.head = make([]int32, len(order))
	g.limitSecs = make([]float64, len(order))
	g.metres = make([]float64, len(order))
	for e, k := range order {
		g.head[e], g.limitSecs[e], g.metres[e] = kept[k].to, kept[k].limitSecs, kept[k].metres
	}

	var bound orb.Bound
	if len(keep) > 0 {
		bound = orb.MultiPoint(g.points).Bound()
	}
	g.lon0 = bound.Center().Lon()
	g.metreX = metreY * math.Cos(bound.Center().Lat()*math.Pi/180)
	g.x, g.y = make([]float64, len(keep)), make([]float64, len(keep))
	g.byX = make([]int32, len(keep))
	for v, p := range g.points {
		g.x[v], g.y[v] = g.project(p)
		g.byX[v] = int32(v)
	}
	slices.SortFunc(g.byX, func(a, b int32) int { return cmp.Compare(g.x[a], g.x[b]) })
	return g
}

// csr sorts edges by their tail with a counting sort. It returns first, where
// the edges leaving node v are at positions first[v] to first[v+1]-1 of the
// order, and the order, as indices into edges.
func csr(n int, edges []edge) (first []int32, order []int32) {
	first = make([]int32, n+1)
	for _, e := range edges {
		first[e.from+1]++
	}
	for v := range n {
		first[v+1] += first[v]
	}
	next := slices.Clone(first[:n])
	order = make([]int32, len(edges))
	for k, e := range edges {
		order[next[e.from]] = int32(k)
		next[e.from]++
	}
	return first, order
}

// largestComponent returns the nodes of the largest strongly connected
// component of the graph (first, head) in compressed sparse row form, in
// increasing order. It is Tarjan's algorithm with an explicit stack of calls.
//
// The time complexity of largestComponent is O(|V|+|E|).
func largestComponent(first, head []int32) []int32 {
	n := len(first) - 1
	index := make([]int32, n) // visiting order from 1; 0 is not yet visited
	low := make([]int32, n)
	onStack := make([]bool, n)
	var stack, largest []int32
	type call struct{ v, e int32 } // a node and its next edge to follow
	var calls []call
	visited := int32(0)
	visit := func(v int32) {
		visited++
		index[v], low[v] = visited, visited
		stack = append(stack, v)
		onStack[v] = true
		calls = append(calls, call{v, first[v]})
	}
	for root := range int32(n) {
		if index[root] != 0 {
			continue
		}
		visit(root)
		for len(calls) > 0 {
			c := &calls[len(calls)-1]
			if c.e < first[c.v+1] {
				w := head[c.e]
				c.e++
				if index[w] == 0 {
					visit(w)
				} else if onStack[w] {
					low[c.v] = min(low[c.v], index[w])
				}
				continue
			}
			v := c.v
			calls = calls[:len(calls)-1]
			if len(calls) > 0 {
				u := calls[len(calls)-1].v
				low[u] = min(low[u], low[v])
			}
			if low[v] != index[v] {
				continue
			}
			// v is the root of a component: the stack from v up.
			k := len(stack) - 1
			for stack[k] != v {
				k--
			}
			for _, w := range stack[k:] {
				onStack[w] = false
			}
			if len(stack)-k > len(largest) {
				largest = slices.Clone(stack[k:])
			}
			stack = stack[:k]
		}
	}
	slices.Sort(largest)
	return largest
}

// Size returns the number of nodes and directed edges of the network.
func (g *RoadNetwork) Size() (nodes, edges int) { return len(g.points), len(g.head) }

// Bound returns the bounding box of the nodes of the network.
func (g *RoadNetwork) Bound() orb.Bound {
	if len(g.points) == 0 {
		return orb.Bound{}
	}
	return orb.MultiPoint(g.points).Bound()
}

// Matrix returns the driving time in whole seconds between every ordered pair
// of points, as the type's documentation describes. Sources are searched in
// parallel and ctx is checked before each one. It returns an error if mode is
// not Drive, a field is out of range, a point is not a WGS84 position or is
// farther than MaxSnapMetres from the network.
//
// The time complexity of Matrix is O(s·|E|.log|V| + n²) for n points near s
// distinct nodes.
func (g *RoadNetwork) Matrix(ctx context.Context, points []Point, mode Mode) (Matrix, error) {
	if mode != Drive {
		return Matrix{}, fmt.Errorf("road network: mode = %q: only %s is served", mode, Drive)
	}
	n := len(points)
	m := NewMatrix(n)
	err := g.routes(ctx, points, func(i, j int, secs, _ float64) {
		m.Values[i*n+j] = seconds(secs)
	})
	if err != nil {
		return Matrix{}, err
	}
	return m, nil
}

// routes calls visit with the travel time in seconds and the length in metres
// of the trip from point i to point j, walked or driven, for every ordered
// pair of distinct indices. visit is called from several goroutines, but for
// a given i from one only.
func (g *RoadNetwork) routes(ctx context.Context, points []Point, visit func(i, j int, secs, metres float64)) error {
	if err := g.check(); err != nil {
		return err
	}
	if err := checkPoints(points); err != nil {
		return fmt.Errorf("road network: %w", err)
	}
	node := make([]int32, len(points))
	access := make([]float64, len(points)) // metres
	unit := make([][3]float64, len(points))
	for i, p := range points {
		unit[i] = unitVector(p)
		node[i], access[i] = g.nearest(p)
		if g.MaxSnapMetres > 0 && access[i] > g.MaxSnapMetres {
			return fmt.Errorf("road network: point %d = %v: %.0f m from the nearest node, beyond MaxSnapMetres = %v", i, p, access[i], g.MaxSnapMetres)
		}
	}
	// One search per distinct node serves every point snapped to it.
	byNode := make([]int, len(points))
	for i := range byNode {
		byNode[i] = i
	}
	slices.SortFunc(byNode, func(a, b int) int { return cmp.Compare(node[a], node[b]) })
	var starts []int // byNode[starts[s]:starts[s+1]] share a node
	for k, i := range byNode {
		if k == 0 || node[i] != node[byNode[k-1]] {
			starts = append(starts, k)
		}
	}
	starts = append(starts, len(byNode))

	walkPerMetre, fixed := 3.6/g.AccessKmh, float64(g.FixedSeconds)
	return parallel(ctx, len(starts)-1, runtime.GOMAXPROCS(0), func() func(int) error {
		secs := make([]float64, len(g.points))
		metres := make([]float64, len(g.points))
		var queue minHeap
		return func(s int) error {
			group := byNode[starts[s]:starts[s+1]]
			g.shortest(node[group[0]], &queue, secs, metres)
			for _, i := range group {
				for j := range points {
					if i == j {
						continue
					}
					legs := access[i] + access[j]
					drive := fixed + legs*walkPerMetre + secs[node[j]]/g.Congestion
					if walk := arcMetres(chord2(unit[i], unit[j])); walk*walkPerMetre < drive {
						visit(i, j, walk*walkPerMetre, walk)
					} else {
						visit(i, j, drive, legs+metres[node[j]])
					}
				}
			}
			return nil
		}
	})
}

// check returns an error naming the first exported field out of range.
func (g *RoadNetwork) check() error {
	switch {
	case len(g.points) == 0:
		return fmt.Errorf("road network: no nodes")
	case !(g.Congestion > 0 && g.Congestion < math.Inf(1)):
		return fmt.Errorf("road network: Congestion = %v: want a positive factor", g.Congestion)
	case !(g.AccessKmh > 0 && g.AccessKmh < math.Inf(1)):
		return fmt.Errorf("road network: AccessKmh = %v: want a positive speed", g.AccessKmh)
	case g.FixedSeconds < 0:
		return fmt.Errorf("road network: FixedSeconds = %d: want zero or more", g.FixedSeconds)
	case !(g.MaxSnapMetres >= 0):
		return fmt.Errorf("road network: MaxSnapMetres = %v: want zero or more", g.MaxSnapMetres)
	}
	return nil
}

// project returns p in metres on an equirectangular projection centred on the
// network: within a city it is exact to a fraction of a percent.
func (g *RoadNetwork) project(p Point) (x, y float64) {
	return (p.Lon() - g.lon0) * g.metreX, p.Lat() * metreY
}

// nearest returns the node nearest to p and its distance in metres. It scans
// the nodes in order of x outwards from p's, until the gap in x alone exceeds
// the nearest distance found.
//
// The time complexity of nearest is O(log|V| + k) where k nodes lie in the
// band of x within the nearest distance: about √|V| for nodes spread evenly.
func (g *RoadNetwork) nearest(p Point) (node int32, metres float64) {
	px, py := g.project(p)
	best, best2 := int32(-1), math.Inf(1)
	try := func(v int32) bool {
		dx, dy := g.x[v]-px, g.y[v]-py
		if dx*dx >= best2 {
			return false
		}
		if d2 := dx*dx + dy*dy; d2 < best2 {
			best, best2 = v, d2
		}
		return true
	}
	k := sort.Search(len(g.byX), func(k int) bool { return g.x[g.byX[k]] >= px })
	for r := k; r < len(g.byX) && try(g.byX[r]); r++ {
	}
	for l := k - 1; l >= 0 && try(g.byX[l]); l-- {
	}
	return best, Distance(p, g.points[best])
}

// shortest sets secs[v] to the least time from src to every node v at the
// speed limits, and metres[v] to the length of that route. queue is scratch
// space. The graph is strongly connected, so every node is reached.
//
// The time complexity of shortest is O(|E|.log|V|).
func (g *RoadNetwork) shortest(src int32, queue *minHeap, secs, metres []float64) {
	for v := range secs {
		secs[v] = math.Inf(1)
	}
	secs[src], metres[src] = 0, 0
	*queue = append((*queue)[:0], queued{src, 0})
	for len(*queue) > 0 {
		top := queue.pop()
		v := top.node
		if top.secs > secs[v] {
			continue // already settled by a quicker route
		}
		for e := g.first[v]; e < g.first[v+1]; e++ {
			w := g.head[e]
			if t := top.secs + g.limitSecs[e]; t < secs[w] {
				secs[w], metres[w] = t, metres[v]+g.metres[e]
				queue.push(queued{w, t})
			}
		}
	}
}

// queued is a node in the Dijkstra queue and its tentative time.
type queued struct {
	node int32
	secs float64
}

// minHeap is a binary heap of queued nodes, quickest first.
type minHeap []queued

func (h *minHeap) push(q queued) {
	*h = append(*h, q)
	s := *h
	for k := len(s) - 1; k > 0; {
		parent := (k - 1) / 2
		if s[parent].secs <= s[k].secs {
			break
		}
		s[parent], s[k] = s[k], s[parent]
		k = parent
	}
}

func (h *minHeap) pop() queued {
	s := *h
	top := s[0]
	last := len(s) - 1
	s[0] = s[last]
	s = s[:last]
	for k := 0; ; {
		child := 2*k + 1
		if child >= len(s) {
			break
		}
		if child+1 < len(s) && s[child+1].secs < s[child].secs {
			child++
		}
		if s[k].secs <= s[child].secs {
			break
		}
		s[k], s[child] = s[child], s[k]
		k = child
	}
	*h = s
	return top
}
