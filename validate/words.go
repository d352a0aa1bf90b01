package validate

import (
	"fmt"
	"strings"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/geo"
)

// visitName returns "visit v12 (client c4)".
func visitName(v *rounds.Visit) string {
	return fmt.Sprintf("visit %s (client %s)", v.ID, v.ClientID)
}

// routeName returns "worker w3's route of 2026-11-25".
func routeName(rt *rounds.Route) string {
	return fmt.Sprintf("worker %s's route of %s", rt.WorkerID, rt.Date)
}

// clock returns seconds after midnight as "HH:MM" or "HH:MM:SS".
func clock(seconds int) string { return rounds.Clock(seconds).String() }

// span returns a number of seconds as "1 h 5 min", "5 min 30 s" or "0 s",
// and a negative one as "minus 5 min".
func span(seconds int) string {
	sign, n := "", uint64(seconds)
	if seconds < 0 {
		sign, n = "minus ", -n
	}
	h, m, s := n/3600, n/60%60, n%60
	var parts []string
	if h > 0 {
		parts = append(parts, fmt.Sprintf("%d h", h))
	}
	if m > 0 {
		parts = append(parts, fmt.Sprintf("%d min", m))
	}
	if s > 0 || len(parts) == 0 {
		parts = append(parts, fmt.Sprintf("%d s", s))
	}
	return sign + strings.Join(parts, " ")
}

// byMode returns how a worker travels: "driving", "walking" or "by public
// transport".
func byMode(m geo.Mode) string {
	switch m {
	case geo.Drive:
		return "driving"
	case geo.Walk:
		return "walking"
	case geo.Transit:
		return "by public transport"
	}
	return "by " + string(m)
}

// windowNames returns "09:00-10:00, 14:00-15:00".
func windowNames(ws []rounds.Window) string {
	names := make([]string, len(ws))
	for i, w := range ws {
		names[i] = w.String()
	}
	return strings.Join(names, ", ")
}

// where returns a location as "lat,lon".
func where(l rounds.Location) string { return fmt.Sprintf("%g,%g", l.Lat, l.Lon) }
