package main

import (
	"bytes"
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestWorkedExampleIsCurrent solves the README's worked example (an
// iteration-limited, seeded request) and compares the roster with the one
// the docs show; run with -update to regenerate it.
func TestWorkedExampleIsCurrent(t *testing.T) {
	const request, golden = "../../docs/example-request.json", "../../docs/example-roster.json"
	code, stdout, stderr := runCLI(t, "solve", request)
	if code != 0 {
		t.Fatalf("solve exited %d: %s", code, stderr)
	}
	if *update {
		if err := os.WriteFile(golden, []byte(stdout), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal([]byte(stdout), want) {
		t.Errorf("the roster of %s differs from %s; if the change is meant, run go test ./cmd/rounds -run WorkedExample -update", request, golden)
	}
	if code, out, _ := runCLI(t, "validate", request, golden); code != 0 {
		t.Errorf("the documented roster does not validate: %s", out)
	}
}
