package geo

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// fakeOSRM is an OSRM table service whose durations are the great-circle
// distance at 10 m/s, in tenths of a second as osrm-routed writes them.
type fakeOSRM struct {
	maxTable int   // largest sources × destinations served, as --max-table-size²
	noRoute  Point // a place no route reaches, if not the zero Point

	mu       sync.Mutex
	requests int
}

// ServeHTTP answers GET /table/v1/{profile}/{coordinates} in OSRM's JSON.
func (f *fakeOSRM) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests++
	f.mu.Unlock()
	fail := func(code, message string) {
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]string{"code": code, "message": message})
	}
	// OSRM lists are separated by ';', which url.ParseQuery rejects.
	query := make(map[string]string)
	for kv := range strings.SplitSeq(r.URL.RawQuery, "&") {
		k, v, _ := strings.Cut(kv, "=")
		query[k] = v
	}
	path, ok := strings.CutPrefix(r.URL.Path, "/table/v1/driving/")
	if !ok || query["annotations"] != "duration" {
		fail("InvalidUrl", "URL string malformed close to position 1: \"/tab\"")
		return
	}
	var coords []Point
	for c := range strings.SplitSeq(path, ";") {
		lon, lat, _ := strings.Cut(c, ",")
		x, err1 := strconv.ParseFloat(lon, 64)
		y, err2 := strconv.ParseFloat(lat, 64)
		if err1 != nil || err2 != nil {
			fail("InvalidQuery", "Query string malformed close to position 0")
			return
		}
		coords = append(coords, Point{x, y})
	}
	indices := func(param string) []int {
		if query[param] == "" {
			all := make([]int, len(coords))
			for k := range all {
				all[k] = k
			}
			return all
		}
		var list []int
		for s := range strings.SplitSeq(query[param], ";") {
			k, _ := strconv.Atoi(s)
			list = append(list, k)
		}
		return list
	}
	sources, destinations := indices("sources"), indices("destinations")
	if len(sources)*len(destinations) > f.maxTable {
		fail("TooBig", "Too many table coordinates")
		return
	}
	durations := make([][]*float64, len(sources))
	for r, s := range sources {
		durations[r] = make([]*float64, len(destinations))
		for c, d := range destinations {
			if s != d && (Distance(coords[s], f.noRoute) < 1 || Distance(coords[d], f.noRoute) < 1) {
				continue // null
			}
			v := float64(int(Distance(coords[s], coords[d]))) / 10
			durations[r][c] = &v
		}
	}
	json.NewEncoder(w).Encode(map[string]any{"code": "Ok", "durations": durations})
}

func TestOSRM(t *testing.T) {
	points := londonPoints(t, 7, 2)
	tests := []struct {
		name      string
		blockSize int
		requests  int
	}{
		{"one request", 0, 1},
		{"3×3 blocks", 3, 9},
		{"one point a block", 1, 49},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &fakeOSRM{maxTable: 9}
			if tt.blockSize == 0 {
				fake.maxTable = 100 * 100
			}
			server := httptest.NewServer(fake)
			defer server.Close()
			o := OSRM{BaseURL: server.URL + "/", Client: server.Client(), BlockSize: tt.blockSize}
			m, err := o.Matrix(context.Background(), points, Drive)
			if err != nil {
				t.Fatal(err)
			}
			if fake.requests != tt.requests {
				t.Errorf("%d requests, want %d", fake.requests, tt.requests)
			}
			for i, a := range points {
				for j, b := range points {
					// The coordinates are sent to 6 decimals: 0.1 m.
					want := int32(Distance(a, b)/10 + 0.5)
					if got := m.At(i, j); got < want-1 || got > want+1 {
						t.Fatalf("At(%d, %d) = %d, want %d", i, j, got, want)
					}
				}
			}
		})
	}
}

func TestOSRMErrors(t *testing.T) {
	points := londonPoints(t, 5, 3)
	tests := []struct {
		name    string
		handler http.Handler
		osrm    OSRM
		mode    Mode
		want    string
	}{
		{
			name:    "no profile for the mode",
			handler: &fakeOSRM{maxTable: 100},
			mode:    Transit,
			want:    `osrm: mode = "transit": no OSRM profile`,
		},
		{
			name:    "OSRM error",
			handler: &fakeOSRM{maxTable: 100},
			osrm:    OSRM{Profiles: map[Mode]string{Walk: "foot"}},
			mode:    Walk,
			want:    `osrm: 400 Bad Request: code = InvalidUrl: URL string malformed`,
		},
		{
			name:    "table too big",
			handler: &fakeOSRM{maxTable: 4},
			mode:    Drive,
			want:    "code = TooBig: Too many table coordinates",
		},
		{
			name:    "no route",
			handler: &fakeOSRM{maxTable: 100, noRoute: points[3]},
			osrm:    OSRM{BlockSize: 2, Concurrency: 1},
			mode:    Drive,
			want:    fmt.Sprintf("osrm: from point 0 %v to point 3 %v: duration = null: no route", points[0], points[3]),
		},
		{
			name: "not JSON",
			handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Error(w, "upstream down", http.StatusBadGateway)
			}),
			mode: Drive,
			want: `osrm: 502 Bad Gateway: "upstream down\n" is not a table response`,
		},
		{
			name: "short table",
			handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				fmt.Fprint(w, `{"code":"Ok","durations":[[0]]}`)
			}),
			mode: Drive,
			want: "osrm: 1 rows of durations for 5 sources",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server := httptest.NewServer(tt.handler)
			defer server.Close()
			tt.osrm.BaseURL, tt.osrm.Client = server.URL, server.Client()
			_, err := tt.osrm.Matrix(context.Background(), points, tt.mode)
			checkErr(t, err, tt.want)
		})
	}

	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := OSRM{BaseURL: "http://127.0.0.1:1"}.Matrix(ctx, points, Drive)
		checkErr(t, err, context.Canceled.Error())
	})
}
