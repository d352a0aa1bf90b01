package geo

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

const westminsterGraphML = "../fixtures/data/westminster_drive.graphml"

var loadWestminster = sync.OnceValues(func() (*RoadNetwork, error) {
	f, err := os.Open(westminsterGraphML)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadGraphML(f)
})

// westminster returns a fresh copy of the Westminster drive network, read
// once per test binary.
func westminster(tb testing.TB) *RoadNetwork {
	tb.Helper()
	net, err := loadWestminster()
	if err != nil {
		tb.Fatal(err)
	}
	fresh := *net
	return &fresh
}

// networkPoints returns n seeded random points of the network's bounding
// box that lie within 200 m of a node: on the network's streets rather than
// across the river or in a park.
func networkPoints(tb testing.TB, net *RoadNetwork, n int, seed uint64) []Point {
	tb.Helper()
	rng := rand.New(rand.NewPCG(seed, 2))
	points := make([]Point, 0, n)
	for len(points) < n {
		p := pointsIn(rng, net.Bound(), 1)[0]
		if _, metres := net.nearest(p); metres <= 200 {
			points = append(points, p)
		}
	}
	return points
}

func TestReadGraphMLWestminster(t *testing.T) {
	net := westminster(t)
	nodes, edges := net.Size()
	t.Logf("largest strongly connected component: %d nodes, %d edges of 3,311 nodes and 7,478 edges read", nodes, edges)
	if nodes < 3000 || nodes > 3311 || edges < 7000 || edges > 7478 {
		t.Errorf("%d nodes and %d edges, want most of the 3,311 and 7,478 read", nodes, edges)
	}
	if b := net.Bound(); !b.Contains(charingCross) || b.Contains(Point{-0.2, 51.45}) {
		t.Errorf("bound %v does not cover Westminster only", b)
	}
}

// writeGraphML returns a GraphML document with nodes and edges written by OSMnx's
// conventions; edges are "from to length maxspeed highway".
func writeGraphML(nodes map[string]Point, edges ...string) string {
	var b strings.Builder
	b.WriteString(`<?xml version='1.0' encoding='utf-8'?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
<key id="d11" for="edge" attr.name="maxspeed" attr.type="string"/>
<key id="d10" for="edge" attr.name="highway" attr.type="string"/>
<key id="d15" for="edge" attr.name="length" attr.type="string"/>
<key id="d5" for="node" attr.name="x" attr.type="string"/>
<key id="d4" for="node" attr.name="y" attr.type="string"/>
<graph edgedefault="directed">
`)
	ids := make([]string, 0, len(nodes))
	for id := range nodes {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		p := nodes[id]
		b.WriteString(`<node id="` + id + `"><data key="d4">` + strconv.FormatFloat(p.Lat(), 'f', -1, 64) +
			`</data><data key="d5">` + strconv.FormatFloat(p.Lon(), 'f', -1, 64) + "</data></node>\n")
	}
	for _, e := range edges {
		f := strings.Split(e, " ")
		b.WriteString(`<edge source="` + f[0] + `" target="` + f[1] + `"><data key="d15">` + f[2] + `</data>`)
		if len(f) > 3 && f[3] != "-" {
			b.WriteString(`<data key="d11">` + strings.ReplaceAll(f[3], "_", " ") + `</data>`)
		}
		if len(f) > 4 {
			b.WriteString(`<data key="d10">` + f[4] + `</data>`)
		}
		b.WriteString("</edge>\n")
	}
	b.WriteString("</graph></graphml>\n")
	return b.String()
}

// square is four nodes 100 m apart around a square near Charing Cross.
var square = map[string]Point{
	"a": {-0.1246, 51.5080}, "b": {-0.12316, 51.5080},
	"c": {-0.12316, 51.50890}, "d": {-0.1246, 51.50890},
	"far": {-0.1, 51.5}, // only reached, never left
}

func TestReadGraphML(t *testing.T) {
	tests := []struct {
		name   string
		doc    string
		nodes  int
		edges  int
		limits []float64 // km/h of the edges leaving a, b, c, d in turn
		err    string
	}{
		{
			name: "one-way ring keeps its component",
			doc: writeGraphML(square, "a b 100 20_mph", "b c 100 30 primary", "c d 100 - primary_link",
				"d a 100 ['20_mph',_'30_mph'] residential", "a far 50 signals", "a a 3 20_mph"),
			nodes: 4, edges: 4,
			limits: []float64{20 * mph, 30, 30 * mph, 25 * mph},
		},
		{
			name:  "speed from a list of highway types",
			doc:   writeGraphML(square, "a b 100 - ['living_street',_'residential']", "b a 100 GB:nsl_single"),
			nodes: 2, edges: 2,
			limits: []float64{10 * mph, 20 * mph},
		},
		{name: "not XML", doc: "<graphml", err: "graphml: XML syntax error"},
		{name: "no nodes", doc: writeGraphML(nil), err: "graphml: no nodes"},
		{name: "no length key", doc: strings.ReplaceAll(writeGraphML(square), `"length"`, `"len"`), err: "graphml: no key for edge length"},
		{name: "bad latitude", doc: strings.Replace(writeGraphML(square), "51.508", "95", 1), err: `graphml: node "a": x, y = "-0.1246", "95": not a longitude, latitude`},
		{name: "unknown node", doc: writeGraphML(square, "a z 100"), err: `graphml: edge "a"→"z": unknown node`},
		{name: "bad length", doc: writeGraphML(square, "a b -1"), err: `graphml: edge "a"→"b": length = "-1"`},
		{name: "duplicate node", doc: strings.Replace(writeGraphML(square), `id="b"`, `id="a"`, 1), err: `graphml: node "a" appears twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			net, err := ReadGraphML(strings.NewReader(tt.doc))
			checkErr(t, err, tt.err)
			if err != nil {
				return
			}
			if nodes, edges := net.Size(); nodes != tt.nodes || edges != tt.edges {
				t.Fatalf("%d nodes and %d edges, want %d and %d", nodes, edges, tt.nodes, tt.edges)
			}
			for v, want := range tt.limits {
				e := net.first[v]
				if got := net.metres[e] * 3.6 / net.limitSecs[e]; math.Abs(got-want) > 1e-9 {
					t.Errorf("edge %d: limit %.3f km/h, want %.3f", e, got, want)
				}
			}
		})
	}
}

func TestLargestComponent(t *testing.T) {
	tests := []struct {
		name  string
		n     int
		edges [][2]int32
		want  []int32
	}{
		{"no edges", 3, nil, []int32{0}},
		{"two cycles and a bridge", 6, [][2]int32{{0, 1}, {1, 0}, {1, 2}, {2, 3}, {3, 4}, {4, 2}, {4, 5}}, []int32{2, 3, 4}},
		{"nested cycles", 5, [][2]int32{{0, 1}, {1, 2}, {2, 0}, {2, 3}, {3, 4}, {4, 2}, {1, 4}}, []int32{0, 1, 2, 3, 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			edges := make([]edge, len(tt.edges))
			for k, e := range tt.edges {
				edges[k] = edge{from: e[0], to: e[1]}
			}
			first, order := csr(tt.n, edges)
			head := make([]int32, len(order))
			for e, k := range order {
				head[e] = edges[k].to
			}
			if got := largestComponent(first, head); !slices.Equal(got, tt.want) {
				t.Errorf("largest component %v, want %v", got, tt.want)
			}
		})
	}
	t.Run("deep path does not overflow", func(t *testing.T) {
		n := 200_000
		edges := make([]edge, 0, n)
		for v := range int32(n) {
			edges = append(edges, edge{from: v, to: (v + 1) % int32(n)})
		}
		first, order := csr(n, edges)
		head := make([]int32, len(order))
		for e, k := range order {
			head[e] = edges[k].to
		}
		if got := len(largestComponent(first, head)); got != n {
			t.Errorf("ring of %d nodes: component of %d", n, got)
		}
	})
}

// TestShortest compares Dijkstra with Bellman-Ford on the Westminster network.
func TestShortest(t *testing.T) {
	net := westminster(t)
	nodes, _ := net.Size()
	secs, metres := make([]float64, nodes), make([]float64, nodes)
	var queue minHeap
	for _, src := range []int32{0, int32(nodes / 2), int32(nodes - 1)} {
		t.Run(strconv.Itoa(int(src)), func(t *testing.T) {
			net.shortest(src, &queue, secs, metres)
			want := make([]float64, nodes)
			for v := range want {
				want[v] = math.Inf(1)
			}
			want[src] = 0
			for changed := true; changed; {
				changed = false
				for v := range int32(nodes) {
					for e := net.first[v]; e < net.first[v+1]; e++ {
						if t := want[v] + net.limitSecs[e]; t < want[net.head[e]] {
							want[net.head[e]], changed = t, true
						}
					}
				}
			}
			for v := range want {
				if math.Abs(secs[v]-want[v]) > 1e-6 {
					t.Fatalf("node %d: %.3f s, want %.3f", v, secs[v], want[v])
				}
				if !(metres[v] >= 0) || v != int(src) && metres[v] == 0 {
					t.Fatalf("node %d: route of %v m", v, metres[v])
				}
			}
		})
	}
}

func TestNearest(t *testing.T) {
	net := westminster(t)
	rng := rand.New(rand.NewPCG(3, 3))
	far := pointsIn(rng, net.Bound(), 500)
	far = append(far, Point{-0.5, 51.4}, Point{0.3, 51.7}, net.points[0], net.points[len(net.points)-1])
	for _, p := range far {
		node, metres := net.nearest(p)
		want := math.Inf(1)
		for _, q := range net.points {
			want = min(want, Distance(p, q))
		}
		// The projection may pick a node a hair farther than the nearest.
		if metres > want*1.001+0.01 {
			t.Fatalf("nearest(%v) = node %d at %.2f m, want %.2f m", p, node, metres, want)
		}
	}
}

func TestRoadNetworkMatrix(t *testing.T) {
	net := westminster(t)
	points := networkPoints(t, net, 60, 4)
	points = append(points, points[0])
	n := len(points)
	m, err := net.Matrix(context.Background(), points, Drive)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Check(n); err != nil {
		t.Fatal(err)
	}
	if m.At(0, n-1) != 0 || m.At(n-1, 0) != 0 {
		t.Errorf("identical points %d s apart", m.At(0, n-1))
	}
	walk := Haversine{Profiles: map[Mode]Profile{Walk: {SpeedKmh: net.AccessKmh, Detour: 1}}}
	driven := 0
	for i := range n - 1 {
		for j := range n - 1 {
			got := m.At(i, j)
			if i == j {
				if got != 0 {
					t.Fatalf("At(%d, %d) = %d, want 0", i, i, got)
				}
				continue
			}
			// A trip is no slower than walking straight there, and no quicker
			// than parking and driving straight there at 30 mph, the top limit.
			hi, _ := walk.Seconds(points[i], points[j], Walk)
			crow := Distance(points[i], points[j])
			lo := min(hi, int32(net.FixedSeconds)+int32(crow*3.6/(30*mph*net.Congestion)))
			if got < lo-1 || got > hi+1 {
				t.Fatalf("At(%d, %d) = %d s for %.0f m, want %d to %d", i, j, got, crow, lo, hi)
			}
			if got < hi {
				driven++
			}
		}
	}
	if pairs := (n - 1) * (n - 2); driven < pairs*9/10 {
		t.Errorf("%d of %d trips driven, want most", driven, pairs)
	}
	// Neighbours walk: 30 m north at 4.5 km/h.
	next := []Point{points[1], {points[1].Lon(), points[1].Lat() + 30/metreY}}
	mn, err := net.Matrix(context.Background(), next, Drive)
	if err != nil {
		t.Fatal(err)
	}
	if got := mn.At(0, 1); got != 24 {
		t.Errorf("30 m walk took %d s, want 24", got)
	}
	// Congestion scales the driving part only.
	slow := *net
	slow.Congestion /= 2
	ms, err := slow.Matrix(context.Background(), points, Drive)
	if err != nil {
		t.Fatal(err)
	}
	if d, s := m.At(1, 2), ms.At(1, 2); !(s > d) {
		t.Errorf("halving Congestion took %d s to %d s", d, s)
	}
}

func TestRoadNetworkErrors(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name   string
		ctx    context.Context
		change func(*RoadNetwork)
		points []Point
		mode   Mode
		want   string
	}{
		{"walk", context.Background(), nil, nil, Walk, `road network: mode = "walk": only drive is served`},
		{"zero congestion", context.Background(), func(g *RoadNetwork) { g.Congestion = 0 }, nil, Drive, "Congestion = 0"},
		{"NaN access speed", context.Background(), func(g *RoadNetwork) { g.AccessKmh = math.NaN() }, nil, Drive, "AccessKmh = NaN"},
		{"negative parking", context.Background(), func(g *RoadNetwork) { g.FixedSeconds = -1 }, nil, Drive, "FixedSeconds = -1"},
		{"negative snap", context.Background(), func(g *RoadNetwork) { g.MaxSnapMetres = -1 }, nil, Drive, "MaxSnapMetres = -1"},
		{"invalid point", context.Background(), nil, []Point{{200, 51}}, Drive, "road network: point 0 = [200 51]"},
		{"off the network", context.Background(), nil, []Point{charingCross, {-0.1, 51.37}}, Drive, "road network: point 1 = [-0.1 51.37]: 13"},
		{"cancelled", cancelled, nil, []Point{charingCross, paddington}, Drive, context.Canceled.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			net := westminster(t)
			if tt.change != nil {
				tt.change(net)
			}
			_, err := net.Matrix(tt.ctx, tt.points, tt.mode)
			checkErr(t, err, tt.want)
		})
	}
	t.Run("no limit on snapping", func(t *testing.T) {
		net := westminster(t)
		net.MaxSnapMetres = 0
		if _, err := net.Matrix(context.Background(), []Point{charingCross, {-0.1, 51.37}}, Drive); err != nil {
			t.Error(err)
		}
	})
}

// FuzzReadGraphML checks that any document is read as a network that serves
// a matrix, or rejected with an error, never a panic.
func FuzzReadGraphML(f *testing.F) {
	f.Add(writeGraphML(square, "a b 100 20_mph", "b a 0 - motorway"))
	f.Add(writeGraphML(square, "a b 1e300 1_mph", "b c 5 ['5_mph',_'x'] service", "c a 5"))
	f.Add(writeGraphML(map[string]Point{"a": {0, 0}}))
	f.Fuzz(func(t *testing.T, doc string) {
		net, err := ReadGraphML(strings.NewReader(doc))
		if err != nil {
			return
		}
		net.MaxSnapMetres = 0
		m, err := net.Matrix(context.Background(), []Point{charingCross, {0, 0}, charingCross}, Drive)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Check(3); err != nil {
			t.Fatal(err)
		}
	})
}

func BenchmarkReadGraphML(b *testing.B) {
	data, err := os.ReadFile(westminsterGraphML)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadGraphML(strings.NewReader(string(data))); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRoadNetworkMatrix(b *testing.B) {
	net := westminster(b)
	for _, n := range []int{100, 500} {
		points := networkPoints(b, net, n, 5)
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := net.Matrix(context.Background(), points, Drive); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
