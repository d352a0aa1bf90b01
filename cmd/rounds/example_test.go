package main

import (
	"encoding/json"
	"flag"
	"os"
	"reflect"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files, the docs' example roster and the README's example table")

// The README's worked example: a request whose options bound the search by
// iterations, with a seed and one thread, so that every run gives the same
// roster; its golden outputs; and the copy of the roster the docs link to.
const (
	exampleRequest     = "../../docs/example-request.json"
	exampleRosterDocs  = "../../docs/example-roster.json"
	exampleRosterJSON  = "testdata/example-roster.json"
	exampleRosterTable = "testdata/example-table.txt"
	readmePath         = "../../README.md"
)

// TestWorkedExampleIsCurrent solves the worked example and compares the
// JSON roster and the table with their golden files, and the docs' copy of
// the roster with the golden one; run with -update to regenerate them.
func TestWorkedExampleIsCurrent(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		golden string
	}{
		{"json", []string{"solve", exampleRequest}, exampleRosterJSON},
		{"table", []string{"solve", "-format", "table", exampleRequest}, exampleRosterTable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != 0 {
				t.Fatalf("solve exited %d: %s", code, stderr)
			}
			checkGolden(t, tt.golden, stdout)
		})
	}
	t.Run("docs copy", func(t *testing.T) {
		want := readFile(t, exampleRosterJSON)
		if *update {
			writeFile(t, exampleRosterDocs, want)
		}
		if got := readFile(t, exampleRosterDocs); got != want {
			t.Errorf("%s differs from %s; run go test ./cmd/rounds -run WorkedExample -update", exampleRosterDocs, exampleRosterJSON)
		}
		if code, out, stderr := runCLI(t, "validate", exampleRequest, exampleRosterDocs); code != 0 {
			t.Errorf("the documented roster does not validate: %s%s", out, stderr)
		}
	})
}

// TestReadmeExampleMatchesGolden checks the README's worked example
// against the golden output: the table block (rewritten with -update), the
// stop quoted from the JSON roster, and the line validate prints.
func TestReadmeExampleMatchesGolden(t *testing.T) {
	readme := readFile(t, readmePath)

	t.Run("table", func(t *testing.T) {
		want := readFile(t, exampleRosterTable)
		start, end := fencedBlock(t, readme, "<!-- golden: cmd/rounds/testdata/example-table.txt -->")
		if *update {
			readme = readme[:start] + want + readme[end:]
			writeFile(t, readmePath, readme)
			start, end = fencedBlock(t, readme, "<!-- golden: cmd/rounds/testdata/example-table.txt -->")
		}
		if got := readme[start:end]; got != want {
			t.Errorf("the README's table block differs from %s; run go test ./cmd/rounds -run ReadmeExample -update.\nREADME:\n%s\ngolden:\n%s", exampleRosterTable, got, want)
		}
	})

	t.Run("stop", func(t *testing.T) {
		start, end := fencedBlock(t, readme, "<!-- a stop of docs/example-roster.json -->")
		var quoted map[string]any
		if err := json.Unmarshal([]byte(readme[start:end]), &quoted); err != nil {
			t.Fatalf("the README's stop is not JSON: %v\n%s", err, readme[start:end])
		}
		var roster struct {
			Routes []struct {
				Stops []map[string]any `json:"stops"`
			} `json:"routes"`
		}
		if err := json.Unmarshal([]byte(readFile(t, exampleRosterJSON)), &roster); err != nil {
			t.Fatal(err)
		}
		for _, rt := range roster.Routes {
			for _, s := range rt.Stops {
				if s["visitId"] == quoted["visitId"] {
					if !reflect.DeepEqual(s, quoted) {
						t.Errorf("the README's stop %v differs from the roster's:\nREADME: %v\nroster: %v", quoted["visitId"], quoted, s)
					}
					return
				}
			}
		}
		t.Errorf("the README quotes a stop of visit %v, which the roster does not have", quoted["visitId"])
	})

	t.Run("validate", func(t *testing.T) {
		code, out, stderr := runCLI(t, "validate", exampleRequest, exampleRosterJSON)
		if code != 0 {
			t.Fatalf("validate exited %d: %s%s", code, out, stderr)
		}
		if line := "# " + strings.TrimSpace(out) + "\n"; !strings.Contains(readme, line) {
			t.Errorf("the README does not show what validate prints: %q", line)
		}
	})
}

// checkGolden compares got with the golden file at path, first writing it
// there when the test runs with -update.
func checkGolden(tb testing.TB, path, got string) {
	tb.Helper()
	if *update {
		writeFile(tb, path, got)
	}
	if want := readFile(tb, path); got != want {
		tb.Errorf("output differs from %s; if the change is meant, run go test ./cmd/rounds -run %s -update\ngot:\n%s\nwant:\n%s",
			path, strings.SplitN(tb.Name(), "/", 2)[0], got, want)
	}
}

// fencedBlock returns where the content of the fenced code block that
// follows the marker line in doc starts and ends (the closing fence's
// offset), failing tb if there is none.
func fencedBlock(tb testing.TB, doc, marker string) (start, end int) {
	tb.Helper()
	i := strings.Index(doc, marker+"\n")
	if i < 0 {
		tb.Fatalf("the README has no line %q", marker)
	}
	rest := doc[i+len(marker)+1:]
	open, _, ok := strings.Cut(rest, "\n")
	if !ok || !strings.HasPrefix(open, "```") {
		tb.Fatalf("no code block follows %q", marker)
	}
	start = i + len(marker) + 1 + len(open) + 1
	n := strings.Index(doc[start:], "```\n")
	if n < 0 || (n > 0 && doc[start+n-1] != '\n') {
		tb.Fatalf("the code block after %q does not end", marker)
	}
	return start, start + n
}

func readFile(tb testing.TB, path string) string {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func writeFile(tb testing.TB, path, content string) {
	tb.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
}
