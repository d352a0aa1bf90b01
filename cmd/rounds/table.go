package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/roundsdev/rounds"
)

// rosterGeoJSON returns the roster as a GeoJSON FeatureCollection for a map: one
// LineString per route that has stops (start, each stop, end; properties
// workerId, date, travelMode, stops, travelSeconds) and one Point per stop
// (properties visitId, clientId, workerId, start, end, priority, seq).
func rosterGeoJSON(r *rounds.Roster) *geojson.FeatureCollection {
	fc := geojson.NewFeatureCollection()
	for _, rt := range r.Routes {
		if len(rt.Stops) == 0 {
			continue
		}
		line := orb.LineString{rt.Start.Point()}
		for i, s := range rt.Stops {
			line = append(line, s.Location.Point())
			p := geojson.NewFeature(s.Location.Point())
			p.Properties = geojson.Properties{
				"visitId": s.VisitID, "clientId": s.ClientID, "workerId": rt.WorkerID, "date": string(rt.Date),
				"start": s.Start.String(), "end": s.End.String(), "priority": string(s.Priority), "seq": i + 1,
			}
			fc.Append(p)
		}
		line = append(line, rt.End.Point())
		f := geojson.NewFeature(line)
		f.Properties = geojson.Properties{
			"workerId": rt.WorkerID, "date": string(rt.Date), "travelMode": string(rt.TravelMode),
			"stops": len(rt.Stops), "travelSeconds": rt.TravelSeconds,
		}
		fc.Append(f)
	}
	return fc
}

// tableUnassignedListed is how many unassigned visits writeTable lists one
// by one, after their count per reason.
const tableUnassignedListed = 5

// writeTable writes the roster for a person to read: a line per route with
// its stops (and its break, as break@start, between them), then the number
// of unassigned visits per reason and the first few of them with their
// reasons, then totals.
func writeTable(w io.Writer, r *rounds.Roster) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "WORKER\tDATE\tDEPART\tRETURN\tVISITS\tTRAVEL\tWORK\tWAIT\tROUND")
	for _, rt := range r.Routes {
		if len(rt.Stops) == 0 {
			continue
		}
		var round strings.Builder
		brk := rt.Break
		for i, s := range rt.Stops {
			if i > 0 {
				round.WriteString(" ")
			}
			if brk != nil && brk.Start < s.Start {
				fmt.Fprintf(&round, "break@%s ", brk.Start)
				brk = nil
			}
			fmt.Fprintf(&round, "%s@%s", s.VisitID, s.Start)
		}
		if brk != nil {
			fmt.Fprintf(&round, " break@%s", brk.Start)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\n", rt.WorkerID, rt.Date, rt.Depart, rt.Return,
			len(rt.Stops), minutes(rt.TravelSeconds), minutes(rt.WorkSeconds), minutes(rt.WaitSeconds), round.String())
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(r.Unassigned) > 0 {
		fmt.Fprintf(w, "\nUnassigned (%d): %s\n", len(r.Unassigned), byReason(r.Unassigned))
		for _, u := range r.Unassigned[:min(len(r.Unassigned), tableUnassignedListed)] {
			fmt.Fprintf(w, "  %-12s %-15s %-22s %s\n", u.VisitID, u.Priority, u.Reason, u.Detail)
		}
		if more := len(r.Unassigned) - tableUnassignedListed; more > 0 {
			fmt.Fprintf(w, "  ... and %d more (all of them are in the JSON roster)\n", more)
		}
	}
	t := r.Totals
	fmt.Fprintf(w, "\nVisits: %d assigned of %d (%s); unassigned %d (%s)\n", t.Assigned, t.Visits,
		byPriority(t.AssignedByPriority), t.Unassigned, byPriority(t.UnassignedByPriority))
	_, err := fmt.Fprintf(w, "Workers used: %d; travel %s, work %s, waiting %s\n", t.WorkersUsed,
		minutes(t.TravelSeconds), minutes(t.WorkSeconds), minutes(t.WaitSeconds))
	if err != nil {
		return err
	}
	if t.MeanDistinctWorkers > 0 {
		if _, err := fmt.Fprintf(w, "Continuity: a client with two or more visits sees %.2f workers on average; %.0f%% of visits by a preferred worker\n",
			t.MeanDistinctWorkers, 100*t.PreferredShare); err != nil {
			return err
		}
	}
	if len(t.Score) == 0 {
		return nil
	}
	keys := make([]string, 0, len(t.Score))
	for k := range t.Score {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, t.Score[k])
	}
	_, err = fmt.Fprintf(w, "Cost %d = %s\n", t.Cost, strings.Join(parts, " + "))
	return err
}

func minutes(sec int) string {
	return fmt.Sprintf("%dh%02d", sec/3600, sec/60%60)
}

// byReason counts the unassigned visits per reason code, the most frequent
// first (ties by code): "no_room_in_rounds 5, no_partner 2".
func byReason(unassigned []rounds.Unassigned) string {
	count := make(map[string]int)
	for _, u := range unassigned {
		count[u.Reason]++
	}
	codes := make([]string, 0, len(count))
	for code := range count {
		codes = append(codes, code)
	}
	sort.Slice(codes, func(i, j int) bool {
		if count[codes[i]] != count[codes[j]] {
			return count[codes[i]] > count[codes[j]]
		}
		return codes[i] < codes[j]
	})
	parts := make([]string, len(codes))
	for i, code := range codes {
		parts[i] = fmt.Sprintf("%s %d", code, count[code])
	}
	return strings.Join(parts, ", ")
}

func byPriority(m map[rounds.Priority]int) string {
	keys := make([]string, 0, len(m))
	for p, n := range m {
		if n > 0 {
			keys = append(keys, fmt.Sprintf("%s %d", p, n))
		}
	}
	sort.Strings(keys)
	if len(keys) == 0 {
		return "none"
	}
	return strings.Join(keys, ", ")
}
