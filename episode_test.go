package rounds_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/solver"
	"github.com/roundsdev/rounds/validate"
)

// taperEpisode returns a reablement episode of the given length following
// the standard taper.
func taperEpisode(tb testing.TB, id, client string, start rounds.Date, days int) rounds.Episode {
	tb.Helper()
	return rounds.Episode{ID: id, ClientID: client, Pathway: rounds.Reablement, Start: start,
		End: start.AddDays(days - 1), Pattern: rounds.ReablementTaper(days)}
}

// perDay counts visits by date.
func perDay(vs []rounds.Visit) map[rounds.Date]int {
	n := map[rounds.Date]int{}
	for _, v := range vs {
		n[v.Date]++
	}
	return n
}

func TestReablementTaperCounts(t *testing.T) {
	// taper is the number of calls on day d (1-based) of the standard taper.
	taper := func(d int) int {
		switch {
		case d <= 7:
			return 4
		case d <= 14:
			return 3
		case d <= 28:
			return 2
		}
		return 1
	}
	for _, days := range []int{1, 7, 8, 10, 28, 30, rounds.MaxReablementDays} {
		t.Run(fmt.Sprint(days, " days"), func(t *testing.T) {
			e := taperEpisode(t, "e1", "c1", "2025-03-27", days)
			vs, err := e.Visits()
			if err != nil {
				t.Fatal(err)
			}
			counts := perDay(vs)
			if len(counts) != days {
				t.Errorf("visits on %d dates, want %d", len(counts), days)
			}
			total := 0
			for d := 1; d <= days; d++ {
				date := e.Start.AddDays(d - 1)
				if counts[date] != taper(d) {
					t.Errorf("day %d (%s): %d visits, want %d", d, date, counts[date], taper(d))
				}
				total += taper(d)
			}
			if len(vs) != total {
				t.Errorf("%d visits, want %d", len(vs), total)
			}
		})
	}
}

func TestEpisodeVisits(t *testing.T) {
	e := taperEpisode(t, "e1", "c1", "2025-03-30", 10)
	vs, err := e.Visits()
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.Visits()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(vs, again) {
		t.Error("expanding twice gave different visits")
	}
	byID := map[string]rounds.Visit{}
	for _, v := range vs {
		if _, dup := byID[v.ID]; dup {
			t.Errorf("duplicate visit id %s", v.ID)
		}
		byID[v.ID] = v
		if v.ClientID != "c1" || v.Episode != "e1" || v.Priority != rounds.Reablement {
			t.Errorf("%s: client %q episode %q priority %q, want c1, e1, reablement", v.ID, v.ClientID, v.Episode, v.Priority)
		}
	}
	tests := []struct {
		id       string
		date     rounds.Date
		linkedTo string
	}{
		{"e1-d01-morning", "2025-03-30", ""},
		{"e1-d01-lunch", "2025-03-30", "e1-d01-morning"},
		{"e1-d03-tea", "2025-04-01", ""},
		{"e1-d07-evening", "2025-04-05", ""},
		{"e1-d08-lunch", "2025-04-06", "e1-d08-morning"},
		{"e1-d10-evening", "2025-04-08", ""},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			v, ok := byID[tt.id]
			if !ok {
				t.Fatalf("no visit %s", tt.id)
			}
			if v.Date != tt.date {
				t.Errorf("date %s, want %s", v.Date, tt.date)
			}
			if tt.linkedTo == "" {
				if len(v.Links) != 0 {
					t.Errorf("links %v, want none", v.Links)
				}
				return
			}
			want := []rounds.Link{{VisitID: tt.linkedTo, MinGapMinutes: 240, MaxGapMinutes: 360}}
			if !reflect.DeepEqual(v.Links, want) {
				t.Errorf("links %v, want %v", v.Links, want)
			}
			if byID[tt.linkedTo].Date != v.Date {
				t.Errorf("linked to %s on %s, another day", tt.linkedTo, byID[tt.linkedTo].Date)
			}
		})
	}
	if _, ok := byID["e1-d08-tea"]; ok {
		t.Error("week two has a tea call")
	}
	vs[0].Windows[0].Start = rounds.At(11, 0)
	if e.Pattern[0].Calls[0].Windows[0].Start != rounds.At(8, 0) {
		t.Error("changing a visit changed the episode's pattern")
	}
}

func TestRapidResponsePattern(t *testing.T) {
	referred := rounds.At(11, 40)
	e := rounds.Episode{ID: "rr", ClientID: "c1", Pathway: rounds.RapidResponse, Start: "2025-03-03", End: "2025-03-07",
		Pattern: rounds.RapidResponsePattern(5, referred)}
	vs, err := e.Visits()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, v := range vs {
		ids = append(ids, v.ID)
		if v.Priority != rounds.RapidResponse {
			t.Errorf("%s: priority %s, want rapid_response", v.ID, v.Priority)
		}
	}
	want := "rr-d01-assessment rr-d02-treatment rr-d03-treatment rr-d04-treatment rr-d05-treatment"
	if got := strings.Join(ids, " "); got != want {
		t.Fatalf("visits %s, want %s", got, want)
	}
	if latest, ok := vs[0].LatestStart(); !ok || latest != rounds.At(13, 40) {
		t.Errorf("assessment latest start %v (%v), want 13:40", latest, ok)
	}
	if vs[1].ReferredAt != nil {
		t.Error("the treatment visit has a referral time")
	}
}

func TestStandardPatternsValid(t *testing.T) {
	for days := 1; days <= rounds.MaxReablementDays; days++ {
		e := taperEpisode(t, "e", "c", "2025-01-01", days)
		if err := e.Validate(); err != nil {
			t.Errorf("taper of %d days: %v", days, err)
		}
	}
	for days := 1; days <= rounds.MaxRapidResponseDays; days++ {
		e := rounds.Episode{ID: "e", ClientID: "c", Pathway: rounds.RapidResponse, Start: "2025-01-01",
			End: rounds.Date("2025-01-01").AddDays(days - 1), Pattern: rounds.RapidResponsePattern(days, rounds.At(19, 0))}
		if err := e.Validate(); err != nil {
			t.Errorf("rapid response of %d days: %v", days, err)
		}
	}
	if rounds.ReablementTaper(0) != nil || rounds.RapidResponsePattern(0, rounds.At(9, 0)) != nil {
		t.Error("a pattern of 0 days is not nil")
	}
}

func TestEpisodePatternJSON(t *testing.T) {
	body := `{"id":"e1","clientId":"c1","pathway":"reablement","start":"2025-03-03","end":"2025-03-09","pattern":[
		{"fromDay":1,"toDay":7,"calls":[
			{"name":"morning","durationMinutes":30,"windows":[{"start":"08:00","end":"09:30"}],"skills":["hoist"],"workersNeeded":2},
			{"name":"meds","durationMinutes":15,"links":[{"call":"morning","minGapMinutes":240,"maxGapMinutes":360}]}]}]}`
	var e rounds.Episode
	if err := rounds.DecodeStrict(strings.NewReader(body), &e); err != nil {
		t.Fatal(err)
	}
	vs, err := e.Visits()
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 14 {
		t.Fatalf("%d visits, want 14", len(vs))
	}
	want := rounds.Visit{ID: "e1-d02-meds", ClientID: "c1", Date: "2025-03-04", DurationMinutes: 15, Priority: rounds.Reablement,
		Episode: "e1", Links: []rounds.Link{{VisitID: "e1-d02-morning", MinGapMinutes: 240, MaxGapMinutes: 360}}}
	if !reflect.DeepEqual(vs[3], want) {
		t.Errorf("visit 3 = %+v, want %+v", vs[3], want)
	}
	if vs[2].WorkersNeeded != 2 || vs[2].Skills[0] != "hoist" || vs[2].Windows[0].End != rounds.At(9, 30) {
		t.Errorf("morning visit %+v lost its call's fields", vs[2])
	}
}

func TestEpisodePatternInvalid(t *testing.T) {
	call := func(name string) rounds.Call {
		return rounds.Call{Name: name, DurationMinutes: 30, Windows: []rounds.Window{{Start: rounds.At(9, 0), End: rounds.At(10, 0)}}}
	}
	// base is a valid 14-day reablement episode: morning and lunch in
	// week one, morning alone in week two.
	base := func() rounds.Episode {
		lunch := call("lunch")
		lunch.Links = []rounds.CallLink{{Call: "morning", MinGapMinutes: 180, MaxGapMinutes: 300}}
		return rounds.Episode{ID: "e1", ClientID: "c1", Pathway: rounds.Reablement, Start: "2025-03-03", End: "2025-03-16",
			Pattern: []rounds.PatternStep{
				{FromDay: 1, ToDay: 7, Calls: []rounds.Call{call("morning"), lunch}},
				{FromDay: 8, ToDay: 14, Calls: []rounds.Call{call("morning")}},
			}}
	}
	tests := []struct {
		name   string
		change func(e *rounds.Episode)
		field  string
	}{
		{"day zero", func(e *rounds.Episode) { e.Pattern[0].FromDay = 0 }, "pattern[0].fromDay"},
		{"beyond the episode", func(e *rounds.Episode) { e.Pattern[1].ToDay = 15 }, "pattern[1].toDay"},
		{"ends before it starts", func(e *rounds.Episode) { e.Pattern[1].ToDay = 7 }, "pattern[1].toDay"},
		{"no calls", func(e *rounds.Episode) { e.Pattern[1].Calls = nil }, "pattern[1].calls"},
		{"too many calls", func(e *rounds.Episode) {
			for i := range 9 {
				e.Pattern[1].Calls = append(e.Pattern[1].Calls, call(fmt.Sprint("c", i)))
			}
		}, "pattern[1].calls"},
		{"too many steps", func(e *rounds.Episode) {
			for range rounds.MaxPatternSteps {
				e.Pattern = append(e.Pattern, rounds.PatternStep{FromDay: 1, ToDay: 1, Calls: []rounds.Call{call("x")}})
			}
		}, "pattern"},
		{"bad name", func(e *rounds.Episode) { e.Pattern[1].Calls[0].Name = "tea time" }, "pattern[1].calls[0].name"},
		{"visit id too long", func(e *rounds.Episode) { e.Pattern[1].Calls[0].Name = strings.Repeat("m", 60) }, "pattern[1].calls[0].name"},
		{"same call twice on a day", func(e *rounds.Episode) { e.Pattern[1].FromDay = 7 }, "pattern[1].calls[0].name"},
		{"same call twice in a step", func(e *rounds.Episode) { e.Pattern[1].Calls = append(e.Pattern[1].Calls, call("morning")) }, "pattern[1].calls[1].name"},
		{"no duration", func(e *rounds.Episode) { e.Pattern[0].Calls[1].DurationMinutes = 0 }, "pattern[0].calls[1].durationMinutes"},
		{"window before service hours", func(e *rounds.Episode) { e.Pattern[1].Calls[0].Windows[0].Start = rounds.At(7, 30) }, "pattern[1].calls[0].windows[0]"},
		{"window backwards", func(e *rounds.Episode) { e.Pattern[1].Calls[0].Windows[0].End = rounds.At(8, 30) }, "pattern[1].calls[0].windows[0]"},
		{"windows overlap", func(e *rounds.Episode) {
			c := &e.Pattern[1].Calls[0]
			c.Windows = append(c.Windows, rounds.Window{Start: rounds.At(9, 30), End: rounds.At(11, 0)})
		}, "pattern[1].calls[0].windows[1]"},
		{"bad skill", func(e *rounds.Episode) { e.Pattern[0].Calls[0].Skills = []rounds.Skill{"ok", "no good"} }, "pattern[0].calls[0].skills[1]"},
		{"three workers", func(e *rounds.Episode) { e.Pattern[0].Calls[0].WorkersNeeded = 3 }, "pattern[0].calls[0].workersNeeded"},
		{"referral in reablement", func(e *rounds.Episode) {
			at := rounds.At(10, 0)
			e.Pattern[0].Calls[0].ReferredAt = &at
		}, "pattern[0].calls[0].referredAt"},
		{"referral on many days", func(e *rounds.Episode) {
			*e = rounds.Episode{ID: "e1", ClientID: "c1", Pathway: rounds.RapidResponse, Start: "2025-03-03", End: "2025-03-05",
				Pattern: rounds.RapidResponsePattern(3, rounds.At(10, 0))}
			e.Pattern[0].ToDay = 2
		}, "pattern[0].calls[0].referredAt"},
		{"referral at night", func(e *rounds.Episode) {
			*e = rounds.Episode{ID: "e1", ClientID: "c1", Pathway: rounds.RapidResponse, Start: "2025-03-03", End: "2025-03-05",
				Pattern: rounds.RapidResponsePattern(3, rounds.At(22, 0))}
		}, "pattern[0].calls[0].referredAt"},
		{"link to an unknown call", func(e *rounds.Episode) { e.Pattern[0].Calls[1].Links[0].Call = "tea" }, "pattern[0].calls[1].links[0].call"},
		{"link to itself", func(e *rounds.Episode) { e.Pattern[0].Calls[1].Links[0].Call = "lunch" }, "pattern[0].calls[1].links[0].call"},
		{"link to a call missing some days", func(e *rounds.Episode) {
			e.Pattern[1].Calls = append(e.Pattern[1].Calls, rounds.Call{Name: "tea", DurationMinutes: 20,
				Links: []rounds.CallLink{{Call: "lunch", MaxGapMinutes: 300}}})
		}, "pattern[1].calls[1].links[0].call"},
		{"link gap backwards", func(e *rounds.Episode) { e.Pattern[0].Calls[1].Links[0].MaxGapMinutes = 60 }, "pattern[0].calls[1].links[0]"},
		{"pattern longer than the pathway allows", func(e *rounds.Episode) {
			*e = rounds.Episode{ID: "e1", ClientID: "c1", Pathway: rounds.RapidResponse, Start: "2025-03-03", End: "2025-03-07",
				Pattern: rounds.RapidResponsePattern(5, rounds.At(10, 0))}
			e.Pattern[1].ToDay = 6
		}, "pattern[1].toDay"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := base()
			if err := e.Validate(); err != nil {
				t.Fatalf("base episode: %v", err)
			}
			tt.change(&e)
			err := e.Validate()
			var re *rounds.Error
			if !errors.As(err, &re) || re.Code != rounds.EINVALID || re.Field != tt.field {
				t.Fatalf("Validate() = %v, want EINVALID on %s", err, tt.field)
			}
			if re.Value == "" {
				t.Errorf("error %v quotes no value", err)
			}
			if vs, err := e.Visits(); err == nil || vs != nil {
				t.Errorf("Visits() = %d visits, %v; want the validation error", len(vs), err)
			}
		})
	}
	t.Run("no pattern", func(t *testing.T) {
		e := base()
		e.Pattern = nil
		if err := e.Validate(); err != nil {
			t.Fatalf("an episode without a pattern is valid: %v", err)
		}
		_, err := e.Visits()
		var re *rounds.Error
		if !errors.As(err, &re) || re.Field != "pattern" {
			t.Errorf("Visits() = %v, want EINVALID on pattern", err)
		}
	})
}

// TestPlanEpisodesWeek plans a week of visits expanded from reablement and
// rapid-response episodes in one solve and checks the roster against the
// hard rules.
func TestPlanEpisodesWeek(t *testing.T) {
	start := rounds.Date("2025-03-03")
	req := &rounds.Request{Team: "hf", Options: rounds.Options{Iterations: 3000, Seed: 1, Threads: 1}}
	home := []rounds.Location{{Lat: 51.492, Lon: -0.223}, {Lat: 51.500, Lon: -0.205}, {Lat: 51.485, Lon: -0.215}, {Lat: 51.505, Lon: -0.230}}
	episodes := []rounds.Episode{
		taperEpisode(t, "ra", "c0", start, 14),
		taperEpisode(t, "rb", "c1", start.AddDays(-7), 21),
		taperEpisode(t, "rc", "c2", start.AddDays(2), 5),
		{ID: "rr", ClientID: "c3", Pathway: rounds.RapidResponse, Start: start.AddDays(1), End: start.AddDays(5),
			Pattern: rounds.RapidResponsePattern(5, rounds.At(11, 40))},
	}
	for i, loc := range home {
		req.Clients = append(req.Clients, rounds.Client{ID: fmt.Sprint("c", i), Location: loc, Consent: true})
	}
	for _, e := range episodes {
		vs, err := e.Visits()
		if err != nil {
			t.Fatalf("episode %s: %v", e.ID, err)
		}
		for _, v := range vs {
			if v.Date >= start && v.Date <= start.AddDays(6) {
				req.Visits = append(req.Visits, v)
			}
		}
	}
	for i := range 3 {
		w := rounds.Worker{ID: fmt.Sprint("w", i), Role: rounds.CareWorker, Start: rounds.Location{Lat: 51.495, Lon: -0.215}, TravelMode: geo.Drive}
		if i == 0 {
			w.Role, w.Skills = rounds.Nurse, []rounds.Skill{"assessment"}
		}
		for d := range 7 {
			w.Shifts = append(w.Shifts, rounds.Shift{Date: start.AddDays(d), Start: rounds.At(8, 0), End: rounds.At(20, 0)})
		}
		req.Workers = append(req.Workers, w)
	}
	if err := req.Validate(); err != nil {
		t.Fatalf("request of expanded episodes: %v", err)
	}
	r, err := (&solver.Planner{Source: geo.Haversine{}}).Plan(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	violations, err := validate.Roster(context.Background(), req, r, geo.Haversine{})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range violations {
		t.Errorf("violation: %+v", v)
	}
	if r.Totals.Visits != len(req.Visits) || r.Totals.Unassigned != 0 {
		t.Errorf("%d of %d visits assigned, want all: %+v", r.Totals.Assigned, len(req.Visits), r.Unassigned)
	}
	dates := map[rounds.Date]bool{}
	for _, rt := range r.Routes {
		if len(rt.Stops) > 0 {
			dates[rt.Date] = true
		}
	}
	if len(dates) != 7 {
		t.Errorf("routes with stops on %d dates, want 7", len(dates))
	}
}
