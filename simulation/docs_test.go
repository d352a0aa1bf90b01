package simulation

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/roundsdev/rounds"
)

// jsonBlocks returns the ```json blocks of a markdown file.
func jsonBlocks(tb testing.TB, path string) []string {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, part := range strings.Split(string(b), "```json\n")[1:] {
		out = append(out, part[:strings.Index(part, "```")])
	}
	return out
}

// TestDocsExamples: the scenario file of docs/simulation.md is valid, and
// its demand block is DefaultDemand for a borough team of 80.
func TestDocsExamples(t *testing.T) {
	blocks := jsonBlocks(t, "../docs/simulation.md")
	if len(blocks) != 2 {
		t.Fatalf("docs/simulation.md has %d json blocks, want the file and the demand", len(blocks))
	}
	f, err := ReadFile(strings.NewReader(blocks[0]))
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.prepare()
	if err != nil {
		t.Fatalf("the documented file: %v", err)
	}
	if len(p.runs) != 1+len(f.Scenarios) {
		t.Errorf("%d runs for %d scenarios", len(p.runs), len(f.Scenarios))
	}
	var wrapped struct {
		Demand Demand `json:"demand"`
	}
	if err := rounds.DecodeStrict(strings.NewReader("{"+blocks[1]+"}"), &wrapped); err != nil {
		t.Fatal(err)
	}
	want := DefaultDemand(80)
	want.Boroughs = []string{"Hammersmith and Fulham"}
	if !reflect.DeepEqual(wrapped.Demand, want) {
		got, _ := json.Marshal(wrapped.Demand)
		def, _ := json.Marshal(want)
		t.Errorf("the documented demand is not the default:\n%s\n%s", got, def)
	}
}
