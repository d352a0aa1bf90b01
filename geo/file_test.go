package geo

import (
	"context"
	"slices"
	"strings"
	"testing"
)

func TestReadMatrixCSV(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  []int32 // nil if an error is expected
		err   string
	}{
		{"one point", "0\n", []int32{0}, ""},
		{"documented example", "# from 0, 1, 2\n0, 95, 310\n102, 0, 240\n298, 251, 0\n", []int32{0, 95, 310, 102, 0, 240, 298, 251, 0}, ""},
		{"padded, no final newline, CRLF", " 0 ,7\r\n\r\n8, 0 ", []int32{0, 7, 8, 0}, ""},
		{"empty", "", nil, "no rows"},
		{"only comments", "# nothing\n", nil, "no rows"},
		{"short row", "0,1\n2\n", nil, "line 2: row 1 has 1 columns, want 2"},
		{"too many rows", "0,1\n2,0\n3,4\n", nil, "line 3: row 2: more rows than the 2 columns"},
		{"too few rows", "0,1,2\n1,0,2\n", nil, "2 rows of 3 columns"},
		{"negative", "0,-1\n1,0\n", nil, `line 1: [0][1] = "-1"`},
		{"fraction", "0,1\n1.5,0\n", nil, `line 2: [1][0] = "1.5"`},
		{"word", "0,x\n1,0\n", nil, `[0][1] = "x"`},
		{"int32 overflow", "0,2147483648\n1,0\n", nil, `[0][1] = "2147483648"`},
		{"bad quoting", "0,\"1\n", nil, "csv matrix"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ReadMatrixCSV(strings.NewReader(tt.input))
			checkErr(t, err, tt.err)
			if err == nil && !slices.Equal(m.Values, tt.want) {
				t.Errorf("values %v, want %v", m.Values, tt.want)
			}
		})
	}
}

func TestReadMatrixJSON(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  []int32
		err   string
	}{
		{"osrm response", `{"code":"Ok","durations":[[0,61.2],[58.5,0]],"sources":[{"location":[-0.12,51.5]}]}`, []int32{0, 61, 59, 0}, ""},
		{"durations only", `{"durations":[[0]]}`, []int32{0}, ""},
		{"osrm error", `{"code":"InvalidQuery","message":"Query string malformed close to position 28"}`, nil, "code = InvalidQuery: Query string malformed"},
		{"no durations", `{"code":"Ok"}`, nil, "no durations"},
		{"not square", `{"durations":[[0,1],[1]]}`, nil, "durations[1] has 1 columns, want a square matrix of 2"},
		{"null", `{"durations":[[0,null],[1,0]]}`, nil, "durations[0][1] = null: no route"},
		{"negative", `{"durations":[[0,1],[-2,0]]}`, nil, "durations[1][0] = -2"},
		{"too long", `{"durations":[[0,1],[3e9,0]]}`, nil, "durations[1][0] = 3e+09"},
		{"string", `{"durations":[[0,"1"],[1,0]]}`, nil, "json matrix"},
		{"truncated", `{"durations":[[0,1]`, nil, "json matrix"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ReadMatrixJSON(strings.NewReader(tt.input))
			checkErr(t, err, tt.err)
			if err == nil && !slices.Equal(m.Values, tt.want) {
				t.Errorf("values %v, want %v", m.Values, tt.want)
			}
		})
	}
}

// FuzzReadMatrixCSV checks that any input is read as a valid matrix or
// rejected with an error, never a panic.
func FuzzReadMatrixCSV(f *testing.F) {
	for _, seed := range []string{"0\n", "0,95\n102,0\n", "# c\n0, 1\n1, 0", "0,\"1\n", "0,-1\n1,0\n", ",\n,\n"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, input string) {
		m, err := ReadMatrixCSV(strings.NewReader(input))
		if err == nil {
			if err := m.Check(m.N); err != nil || m.N == 0 {
				t.Fatalf("read an invalid %d×%d matrix: %v", m.N, m.N, err)
			}
		}
	})
}

// FuzzReadMatrixJSON checks that any input is read as a valid matrix or
// rejected with an error, never a panic.
func FuzzReadMatrixJSON(f *testing.F) {
	for _, seed := range []string{`{"durations":[[0]]}`, `{"durations":[[0,1.5],[2,0]]}`, `{"durations":[[0,null],[1,0]]}`, `{"code":"NoTable"}`, `[]`, `{"durations":[[]]}`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, input string) {
		m, err := ReadMatrixJSON(strings.NewReader(input))
		if err == nil {
			if err := m.Check(m.N); err != nil || m.N == 0 {
				t.Fatalf("read an invalid %d×%d matrix: %v", m.N, m.N, err)
			}
		}
	})
}

func TestFixed(t *testing.T) {
	m := Matrix{N: 2, Values: []int32{0, 5, 6, 0}}
	f := Fixed{Drive: m, Walk: Matrix{N: 2, Values: []int32{0, -1, 1, 0}}}
	two := []Point{charingCross, paddington}
	tests := []struct {
		name   string
		points []Point
		mode   Mode
		err    string
	}{
		{"served", two, Drive, ""},
		{"no matrix for the mode", two, Transit, `mode = "transit": no travel matrix loaded`},
		{"wrong count", two[:1], Drive, "drive: travel matrix is 2×2 with 4 values, want 1×1"},
		{"invalid matrix", two, Walk, "walk: travel matrix[0][1] = -1 is negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := f.Matrix(context.Background(), tt.points, tt.mode)
			checkErr(t, err, tt.err)
			if err != nil {
				return
			}
			if !slices.Equal(got.Values, m.Values) {
				t.Fatalf("values %v, want %v", got.Values, m.Values)
			}
			got.Set(0, 1, 99)
			if m.At(0, 1) != 5 {
				t.Errorf("changing the served matrix changed the loaded one")
			}
		})
	}
}
