package geo

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// OSRM is a Source backed by the table service of an OSRM server
// (https://project-osrm.org/docs/v5.24.0/api/#table-service). A matrix is
// requested in blocks of at most BlockSize sources by BlockSize destinations,
// so that URLs stay bounded and no block exceeds the server's
// --max-table-size; up to Concurrency blocks are in flight at once.
type OSRM struct {
	// BaseURL is the server root, such as "http://localhost:5000".
	BaseURL string
	// Profiles maps a mode to the OSRM profile serving it; nil means
	// DefaultOSRMProfiles.
	Profiles map[Mode]string
	// Client sends the requests; nil means http.DefaultClient.
	Client *http.Client
	// BlockSize bounds the sources and the destinations of one request;
	// 0 means 100, the default --max-table-size of osrm-routed.
	BlockSize int
	// Concurrency bounds the requests in flight; 0 means 4.
	Concurrency int
}

// DefaultOSRMProfiles returns the profile names of the demo server for the
// modes OSRM can serve: drive is "driving" and walk is "foot".
func DefaultOSRMProfiles() map[Mode]string {
	return map[Mode]string{Drive: "driving", Walk: "foot"}
}

// Matrix returns the travel time in whole seconds between every ordered pair
// of points by mode, OSRM's durations rounded, with zeros on the diagonal.
// It returns an error if the mode has no OSRM profile, a point is not a WGS84
// position, a request fails, OSRM answers with a code other than "Ok" (the
// error quotes OSRM's message) or OSRM finds no route for a pair (the error
// names the pair).
func (o OSRM) Matrix(ctx context.Context, points []Point, mode Mode) (Matrix, error) {
	profiles := o.Profiles
	if profiles == nil {
		profiles = DefaultOSRMProfiles()
	}
	profile, ok := profiles[mode]
	if !ok {
		return Matrix{}, fmt.Errorf("osrm: mode = %q: no OSRM profile", mode)
	}
	if err := checkPoints(points); err != nil {
		return Matrix{}, fmt.Errorf("osrm: %w", err)
	}
	size, concurrency := o.BlockSize, o.Concurrency
	if size <= 0 {
		size = 100
	}
	if concurrency <= 0 {
		concurrency = 4
	}
	n := len(points)
	blocks := (n + size - 1) / size
	m := NewMatrix(n)
	err := parallel(ctx, blocks*blocks, concurrency, func() func(int) error {
		return func(b int) error {
			rows := span{b / blocks * size, min(b/blocks*size+size, n)}
			cols := span{b % blocks * size, min(b%blocks*size+size, n)}
			return o.block(ctx, m, points, profile, rows, cols)
		}
	})
	if err != nil {
		return Matrix{}, err
	}
	return m, nil
}

// span is the half-open range of point indices [lo, hi).
type span struct{ lo, hi int }

// block requests the durations from the points in rows to the points in cols
// and stores them in m.
func (o OSRM) block(ctx context.Context, m Matrix, points []Point, profile string, rows, cols span) error {
	var url strings.Builder
	url.WriteString(strings.TrimSuffix(o.BaseURL, "/") + "/table/v1/" + profile + "/")
	coords := points[rows.lo:rows.hi]
	if rows != cols {
		coords = append(coords[:len(coords):len(coords)], points[cols.lo:cols.hi]...)
	}
	for k, p := range coords {
		if k > 0 {
			url.WriteByte(';')
		}
		url.WriteString(strconv.FormatFloat(p.Lon(), 'f', 6, 64) + "," + strconv.FormatFloat(p.Lat(), 'f', 6, 64))
	}
	url.WriteString("?annotations=duration")
	if rows != cols {
		writeIndices(&url, "&sources=", 0, rows.hi-rows.lo)
		writeIndices(&url, "&destinations=", rows.hi-rows.lo, len(coords))
	}

	table, err := o.get(ctx, url.String())
	if err != nil {
		return err
	}
	if len(table.Durations) != rows.hi-rows.lo {
		return fmt.Errorf("osrm: %d rows of durations for %d sources", len(table.Durations), rows.hi-rows.lo)
	}
	for r, row := range table.Durations {
		if len(row) != cols.hi-cols.lo {
			return fmt.Errorf("osrm: %d durations in row %d for %d destinations", len(row), r, cols.hi-cols.lo)
		}
		i := rows.lo + r
		for c, d := range row {
			j := cols.lo + c
			if i == j {
				continue
			}
			v, err := durationSeconds(d)
			if err != nil {
				return fmt.Errorf("osrm: from point %d %v to point %d %v: duration = %w", i, points[i], j, points[j], err)
			}
			m.Set(i, j, v)
		}
	}
	return nil
}

// writeIndices writes the OSRM list param lo;lo+1;...;hi-1.
func writeIndices(url *strings.Builder, param string, lo, hi int) {
	url.WriteString(param)
	for k := lo; k < hi; k++ {
		if k > lo {
			url.WriteByte(';')
		}
		url.WriteString(strconv.Itoa(k))
	}
}

// get sends one table request and decodes the answer, turning an OSRM error
// code into an error.
func (o OSRM) get(ctx context.Context, url string) (osrmTable, error) {
	client := o.Client
	if client == nil {
		client = http.DefaultClient
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return osrmTable{}, fmt.Errorf("osrm: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return osrmTable{}, fmt.Errorf("osrm: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return osrmTable{}, fmt.Errorf("osrm: %s: %w", resp.Status, err)
	}
	var table osrmTable
	if err := json.Unmarshal(body, &table); err != nil {
		return osrmTable{}, fmt.Errorf("osrm: %s: %.200q is not a table response: %w", resp.Status, body, err)
	}
	if err := table.err(); err != nil {
		return osrmTable{}, fmt.Errorf("osrm: %s: %w", resp.Status, err)
	}
	if resp.StatusCode != http.StatusOK {
		return osrmTable{}, fmt.Errorf("osrm: %s", resp.Status)
	}
	return table, nil
}
