package benchmarks

import (
	"encoding/json"
	"os"
	"os/exec"
	"testing"
)

// runChecker runs one of the independent Python checkers of ../shared/tools
// with args and decodes the JSON line it prints into v. A checker that
// finds the solution infeasible exits 1 but still prints its verdict, so
// only a missing or garbled verdict fails the test here. Without python3
// the test is skipped, unless CI is set.
func runChecker(tb testing.TB, script string, v any, args ...string) {
	tb.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatal("python3 is missing")
		}
		tb.Skip("python3 is missing")
	}
	out, err := exec.Command("python3", append([]string{script}, args...)...).Output()
	if jerr := json.Unmarshal(out, v); jerr != nil {
		tb.Fatalf("%s: %v, output %q: %v", script, err, out, jerr)
	}
}
