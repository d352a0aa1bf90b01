package geo

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// ReadMatrixCSV reads a square matrix of whole seconds from CSV: one record
// per origin and one field per destination, both in the order of the points
// the matrix was built for, with no header. Lines starting with '#' are
// comments and fields may be padded with spaces:
//
//	# from 0, 1, 2
//	0, 95, 310
//	102, 0, 240
//	298, 251, 0
//
// It returns an error naming the line, the row and column and the value of
// the first field that is not a whole number of seconds in [0, 2³¹), or of
// the first record whose length differs from the number of records.
func ReadMatrixCSV(r io.Reader) (Matrix, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	var values []int32
	n := 0
	for i := 0; ; i++ {
		record, err := cr.Read()
		if err == io.EOF {
			if i == 0 {
				return Matrix{}, errors.New("csv matrix: no rows")
			}
			if i != n {
				return Matrix{}, fmt.Errorf("csv matrix: %d rows of %d columns, want a square matrix", i, n)
			}
			return Matrix{N: n, Values: values}, nil
		}
		if err != nil {
			return Matrix{}, fmt.Errorf("csv matrix: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if i == 0 {
			n = len(record)
		}
		switch {
		case len(record) != n:
			return Matrix{}, fmt.Errorf("csv matrix: line %d: row %d has %d columns, want %d like row 0", line, i, len(record), n)
		case i >= n:
			return Matrix{}, fmt.Errorf("csv matrix: line %d: row %d: more rows than the %d columns, want a square matrix", line, i, n)
		}
		for j, field := range record {
			v, err := strconv.ParseInt(strings.TrimSpace(field), 10, 32)
			if err != nil || v < 0 {
				line, _ := cr.FieldPos(j)
				return Matrix{}, fmt.Errorf("csv matrix: line %d: [%d][%d] = %q: not a whole number of seconds in [0, 2³¹)", line, i, j, field)
			}
			values = append(values, int32(v))
		}
	}
}

// ReadMatrixJSON reads a square matrix of seconds in the shape of an OSRM
// table response, {"durations": [[0, 61.2], [58.9, 0]]}. Durations may be
// fractional and are rounded to whole seconds. Other fields are ignored,
// except a "code" other than "Ok", which is returned as an error with its
// "message". It returns an error naming the row and column and the value of
// the first duration that is null (no route), negative or 2³¹ or more.
func ReadMatrixJSON(r io.Reader) (Matrix, error) {
	var table osrmTable
	if err := json.NewDecoder(r).Decode(&table); err != nil {
		return Matrix{}, fmt.Errorf("json matrix: %w", err)
	}
	if err := table.err(); err != nil {
		return Matrix{}, fmt.Errorf("json matrix: %w", err)
	}
	n := len(table.Durations)
	if n == 0 {
		return Matrix{}, errors.New("json matrix: no durations")
	}
	for i, row := range table.Durations {
		if len(row) != n {
			return Matrix{}, fmt.Errorf("json matrix: durations[%d] has %d columns, want a square matrix of %d", i, len(row), n)
		}
	}
	m := NewMatrix(n)
	for i, row := range table.Durations {
		for j, d := range row {
			v, err := durationSeconds(d)
			if err != nil {
				return Matrix{}, fmt.Errorf("json matrix: durations[%d][%d] = %w", i, j, err)
			}
			m.Set(i, j, v)
		}
	}
	return m, nil
}

// osrmTable is the part of an OSRM table response that rounds reads.
type osrmTable struct {
	Code      string       `json:"code"`
	Message   string       `json:"message"`
	Durations [][]*float64 `json:"durations"`
}

// err returns OSRM's error, if the response holds one.
func (t osrmTable) err() error {
	if t.Code != "" && t.Code != "Ok" {
		return fmt.Errorf("code = %s: %s", t.Code, t.Message)
	}
	return nil
}

// durationSeconds rounds an OSRM duration to whole seconds. Its errors start
// with the value, for the caller to prefix with its position.
func durationSeconds(d *float64) (int32, error) {
	switch {
	case d == nil:
		return 0, errors.New("null: no route")
	case !(*d >= 0 && *d < math.MaxInt32):
		return 0, fmt.Errorf("%v: not a duration in [0, 2³¹) seconds", *d)
	}
	return int32(math.Round(*d)), nil
}

// Fixed is a Source that serves preloaded matrices, one per mode, such as
// those ReadMatrixCSV and ReadMatrixJSON return. A matrix knows only how many
// points it was built for: callers must pass those points, in that order.
type Fixed map[Mode]Matrix

// Matrix returns a copy of the matrix for mode. It returns an error if there
// is none, or if it is not a valid matrix for len(points) points.
func (f Fixed) Matrix(_ context.Context, points []Point, mode Mode) (Matrix, error) {
	m, ok := f[mode]
	if !ok {
		return Matrix{}, fmt.Errorf("mode = %q: no travel matrix loaded", mode)
	}
	if err := m.Check(len(points)); err != nil {
		return Matrix{}, fmt.Errorf("%s: %w", mode, err)
	}
	return Matrix{N: m.N, Values: slices.Clone(m.Values)}, nil
}
