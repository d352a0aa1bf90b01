package simulation

import (
	"bytes"
	"context"
	"encoding/json"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/geo"
)

// Check checks f as Run does, before anything runs, and returns the names
// of its scenarios (the baseline first) and its first day. Its errors
// are Run's EINVALID ones.
func (f *File) Check() (names []string, start rounds.Date, err error) {
	p, err := f.prepare()
	if err != nil {
		return nil, "", err
	}
	for _, run := range p.runs {
		names = append(names, run.name)
	}
	return names, p.start, nil
}

// Replicate runs replication rep (from 0) of scenario sc (0 the
// baseline, i the file's scenario i-1) of f, as Run does: with plans
// bounded by iterations it returns what Run's result holds at
// Scenarios[sc].Replications[rep], so replications run apart (on several
// machines) and gathered into a Result give Run's summary. opt.Parallel
// is not used; opt.Progress hears of each day of the one replication.
func Replicate(ctx context.Context, f *File, sc, rep int, opt Options) (*Replication, error) {
	p, err := f.prepare()
	if err != nil {
		return nil, err
	}
	if sc < 0 || sc >= len(p.runs) {
		return nil, rounds.Invalid("scenario", sc, "the file has %d scenarios with the baseline", len(p.runs))
	}
	if rep < 0 || rep >= f.Replications {
		return nil, rounds.Invalid("replication", rep, "the file has %d replications", f.Replications)
	}
	if opt.Source == nil {
		opt.Source = geo.Haversine{}
	}
	done := 0
	tick := func() {
		done++
		if opt.Progress != nil {
			opt.Progress(done, f.HorizonDays)
		}
	}
	r := &replication{plan: p, run: p.runs[sc], rep: rep, src: opt.Source, tick: tick}
	return r.simulate(ctx)
}

// Replicator runs the replications of the service's simulation jobs: it
// implements rounds.Replicator with Replicate.
type Replicator struct {
	// Source gives the travel times; nil means geo.Haversine.
	Source geo.Source
}

// Replicate reads file (a File as JSON), runs replication rep of scenario
// sc and returns the Replication as JSON. progress hears the days done.
func (x Replicator) Replicate(ctx context.Context, file json.RawMessage, sc, rep int, progress func(rounds.Progress)) (json.RawMessage, error) {
	f, err := ReadFile(bytes.NewReader(file))
	if err != nil {
		return nil, err
	}
	opt := Options{Source: x.Source}
	if progress != nil {
		opt.Progress = func(done, _ int) { progress(rounds.Progress{Days: done}) }
	}
	out, err := Replicate(ctx, f, sc, rep, opt)
	if err != nil {
		return nil, err
	}
	return json.Marshal(out)
}

var _ rounds.Replicator = Replicator{}
