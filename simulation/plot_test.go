package simulation

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWritePlots(t *testing.T) {
	f := smallFile(3, 2)
	f.Scenarios = []Scenario{{Name: "winter", Demand: DemandChange{Multiplier: 1.3}}}
	res := run(t, f)
	dir := t.TempDir()
	paths, err := WritePlots(dir, res, Summarise(res))
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, name := range []string{PlotKPIs, PlotHours, PlotCoverage} {
		want = append(want, filepath.Join(dir, name+".svg"), filepath.Join(dir, name+".png"))
	}
	if strings.Join(paths, " ") != strings.Join(want, " ") {
		t.Fatalf("wrote %v, want %v", paths, want)
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		switch filepath.Ext(p) {
		case ".png":
			if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) || len(b) < 1000 {
				t.Errorf("%s: %d bytes, not a PNG", p, len(b))
			}
		case ".svg":
			if !bytes.Contains(b[:min(len(b), 512)], []byte("<svg")) || !bytes.Contains(b, []byte("</svg>")) {
				t.Errorf("%s: %d bytes, not an SVG", p, len(b))
			}
			if !bytes.Contains(b, []byte("winter")) {
				t.Errorf("%s has no legend entry for the scenario winter", p)
			}
		}
	}
}
