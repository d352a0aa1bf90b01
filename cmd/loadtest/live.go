package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/api"
	"github.com/roundsdev/rounds/benchmarks"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/solver"
	"github.com/roundsdev/rounds/validate"
)

// liveAt is the time of the live day the dispatchers work at.
var liveAt = rounds.At(11, 0)

// runLive drives the live day of one published borough roster with every
// care rule: each of dispatchers clients asks for options for referrals
// (8 in 10 requests), accepts the best option of its last answer on the
// version it read (1 in 10: one accept in a race wins, the others get 409
// with fresh options, counted apart from errors) and reports a visit done
// before 10:50 as started and finished at its planned times (1 in 10),
// waiting think after each answer, until duration ends. Then it checks that the final
// version passes the validator and serves every accepted referral once.
func runLive(db string, dispatchers int, duration, think time.Duration) error {
	ctx := context.Background()
	st, cleanup, err := openStore(ctx, db)
	if err != nil {
		return err
	}
	defer cleanup()
	src := geo.Haversine{}
	srv, err := api.New(api.Config{Store: st, Planner: &solver.Planner{Source: src}, Source: src, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv.Handler()}
	go hs.Serve(ln)
	defer hs.Shutdown(ctx)
	base := "http://" + ln.Addr().String()

	lt, err := seedLive(ctx, st)
	if err != nil {
		return err
	}
	refs := benchmarks.Referrals(lt.req, lt.date, liveAt, 1000, 11)
	// the visits done as planned by 11:00, shared out among the
	// dispatchers, who report each as started and finished at its
	// planned times
	done := make([][]rounds.Stop, dispatchers)
	seen := map[string]bool{}
	for _, rt := range lt.plan.Routes {
		for _, st := range rt.Stops {
			if st.End <= liveAt-600 && !seen[st.VisitID] {
				seen[st.VisitID] = true
				done[len(seen)%dispatchers] = append(done[len(seen)%dispatchers], st)
			}
		}
	}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: dispatchers}}
	stats := map[string]*kindStats{"options": {}, "accept": {}, "event": {}}
	var stale atomic.Int64
	var mu sync.Mutex
	var accepted []string
	deadline := time.Now().Add(duration)
	start := time.Now()
	var wg sync.WaitGroup
	for c := range dispatchers {
		wg.Go(func() {
			var last *api.AcceptRequest
			for n := 0; time.Now().Before(deadline); n++ {
				if n > 0 {
					time.Sleep(think)
				}
				switch {
				case (n+c)%10 == 9 && last != nil:
					t0 := time.Now()
					status, b := post(hc, base+"/v1/teams/"+lt.team+"/dispatch/accept", lt.token, last)
					d := time.Since(t0)
					switch status {
					case http.StatusCreated:
						mu.Lock()
						accepted = append(accepted, last.Referral.VisitID)
						mu.Unlock()
						stats["accept"].add(d, true)
					case http.StatusConflict:
						stale.Add(1)
						stats["accept"].add(d, true)
					default:
						stats["accept"].add(d, false)
						fmt.Printf("accept: %d %.300s\n", status, b)
					}
					last = nil
				case (n+c)%10 == 4 && len(done[c]) > 0:
					st := done[c][0]
					done[c] = done[c][1:]
					events := []rounds.Event{
						{ID: "start-" + st.VisitID, Kind: rounds.EventVisitStarted, At: st.Start, VisitID: st.VisitID},
						{ID: "end-" + st.VisitID, Kind: rounds.EventVisitFinished, At: st.End, VisitID: st.VisitID},
					}
					t0 := time.Now()
					status, b := post(hc, base+lt.roster+"/events", lt.token, api.EventsRequest{Events: events})
					stats["event"].add(time.Since(t0), status == http.StatusCreated)
					if status != http.StatusCreated {
						fmt.Printf("event: %d %.300s\n", status, b)
					}
				default:
					ref := refs[(c*97+n)%len(refs)]
					ref.VisitID = fmt.Sprintf("rr-%d-%d", c, n)
					if ref.Client != nil {
						cl := *ref.Client
						cl.ID = "rc-" + ref.VisitID
						ref.Client = &cl
					}
					t0 := time.Now()
					status, b := post(hc, base+"/v1/teams/"+lt.team+"/dispatch", lt.token, api.DispatchRequest{RosterID: lt.rosterID, Referral: ref})
					stats["options"].add(time.Since(t0), status == http.StatusOK)
					var d rounds.Dispatch
					if status != http.StatusOK || json.Unmarshal(b, &d) != nil {
						fmt.Printf("options: %d %.300s\n", status, b)
						continue
					}
					if len(d.Options) > 0 {
						last = &api.AcceptRequest{RosterID: lt.rosterID, Version: d.Version, Referral: ref, Option: &d.Options[0]}
					}
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	fmt.Printf("store %s, live borough day at %s, %d dispatchers (think %s) for %s\n\n", storeName(db), liveAt, dispatchers, think, elapsed.Round(time.Millisecond))
	fmt.Printf("%-7s %7s %6s %9s %9s %9s %9s\n", "kind", "n", "errors", "p50", "p95", "p99", "max")
	for _, k := range []string{"options", "accept", "event"} {
		fmt.Println(stats[k].row(k))
	}
	won, lost, burst, err := acceptAtOnce(hc, base, lt, refs, dispatchers)
	if err != nil {
		return err
	}
	accepted = append(accepted, burst...)
	fmt.Printf("\n%d simultaneous accepts on one version: %d stored, %d got 409\n", dispatchers, won, lost)
	final, err := st.RosterVersion(ctx, lt.team, lt.rosterID, 0)
	if err != nil {
		return err
	}
	events, err := st.Events(ctx, lt.team, lt.rosterID)
	if err != nil {
		return err
	}
	// a live day's roster: checked with its events, in the validator's live mode
	bad, err := validate.Roster(ctx, final.Request, final.Roster, src, validate.Events(events, liveAt))
	if err != nil {
		return err
	}
	served := map[string]int{}
	for _, rt := range final.Roster.Routes {
		for _, s := range rt.Stops {
			served[s.VisitID]++
		}
	}
	twice := 0
	for _, id := range accepted {
		v := final.Request.Visits[len(final.Request.Visits)-1]
		for _, x := range final.Request.Visits {
			if x.ID == id {
				v = x
			}
		}
		if v.ID != id || served[id] != v.Workers() {
			twice++
		}
	}
	fmt.Printf("\naccepted %d referrals (%d accepts got 409: stale version), final version %d: %d violations, %d accepted referrals not served exactly once\n",
		len(accepted), stale.Load(), final.Version, len(bad), twice)
	if len(bad) > 0 || twice > 0 || won != 1 || lost != dispatchers-1 {
		return fmt.Errorf("the final version is not right (%v), or the simultaneous accepts were not one stored and the rest refused", bad)
	}
	return nil
}

// acceptAtOnce has each dispatcher ask for options for a referral of its
// own on the roster's latest version, then accept its best option at the
// same moment as the others: one accept should be stored and the others
// refused with 409. It returns how many were stored and refused, and the
// visit of the one stored.
func acceptAtOnce(hc *http.Client, base string, lt *liveTeam, refs []rounds.Referral, dispatchers int) (won, lost int, stored []string, err error) {
	accepts := make([]*api.AcceptRequest, 0, dispatchers)
	for i := 0; len(accepts) < dispatchers && i < len(refs); i++ {
		ref := refs[i]
		ref.VisitID = fmt.Sprintf("rr-burst-%d", i)
		if ref.Client != nil {
			cl := *ref.Client
			cl.ID = "rc-" + ref.VisitID
			ref.Client = &cl
		}
		status, b := post(hc, base+"/v1/teams/"+lt.team+"/dispatch", lt.token, api.DispatchRequest{RosterID: lt.rosterID, Referral: ref})
		var d rounds.Dispatch
		if status != http.StatusOK || json.Unmarshal(b, &d) != nil {
			return 0, 0, nil, fmt.Errorf("options before the simultaneous accepts: %d %.300s", status, b)
		}
		if len(d.Options) > 0 {
			accepts = append(accepts, &api.AcceptRequest{RosterID: lt.rosterID, Version: d.Version, Referral: ref, Option: &d.Options[0]})
		}
	}
	if len(accepts) < dispatchers {
		return 0, 0, nil, fmt.Errorf("only %d referrals have options for the simultaneous accepts", len(accepts))
	}
	start := make(chan struct{})
	statuses := make([]int, len(accepts))
	var wg sync.WaitGroup
	for i, a := range accepts {
		wg.Go(func() {
			<-start
			statuses[i], _ = post(hc, base+"/v1/teams/"+lt.team+"/dispatch/accept", lt.token, a)
		})
	}
	close(start)
	wg.Wait()
	for i, st := range statuses {
		switch st {
		case http.StatusCreated:
			won++
			stored = append(stored, accepts[i].Referral.VisitID)
		case http.StatusConflict:
			lost++
		}
	}
	return won, lost, stored, nil
}

// liveTeam is the seeded team of the live load: its planned day,
// published, and a dispatcher's token.
type liveTeam struct {
	team, rosterID, roster, token string
	req                           *rounds.Request
	plan                          *rounds.Roster
	date                          rounds.Date
}

// seedLive stores a generated borough day with every care rule (double-
// handed visits, linked medication, preferences, breaks) at 60% load,
// planned and published, and a dispatcher's key.
func seedLive(ctx context.Context, st rounds.Store) (*liveTeam, error) {
	// a day planned at 60% of the team's capacity, as solver's live tests
	// plan it: a full day has no room for referrals
	d, err := benchmarks.NewLiveDay(ctx, benchmarks.LiveDayOptions{Size: "borough", Seed: 1, Load: 0.6, Iterations: 3000})
	if err != nil {
		return nil, err
	}
	req, roster := d.Request, d.Roster
	lt := &liveTeam{team: "live", req: req, plan: roster, date: roster.Routes[0].Date}
	req.Team = lt.team
	k, token, err := rounds.NewAPIKey("dispatch", rounds.AccessDispatcher, []string{lt.team})
	if err != nil {
		return nil, err
	}
	ctx = rounds.NewContextWithKey(ctx, k)
	if err := st.CreateTeam(ctx, &rounds.Team{ID: lt.team, Name: "Live load"}); err != nil {
		return nil, err
	}
	if err := st.CreateKey(ctx, k); err != nil {
		return nil, err
	}
	for i := range req.Clients {
		req.Clients[i].Consent = true
	}
	if err := st.Import(ctx, lt.team, req); err != nil {
		return nil, err
	}
	v := &rounds.RosterVersion{Team: lt.team, From: lt.date, To: lt.date, Note: "planned", Request: req, Roster: roster}
	if err := st.CreateRoster(ctx, v); err != nil {
		return nil, err
	}
	if _, err := st.PublishRoster(ctx, lt.team, v.RosterID, 1); err != nil {
		return nil, err
	}
	lt.rosterID, lt.roster, lt.token = v.RosterID, "/v1/teams/"+lt.team+"/rosters/"+v.RosterID, token
	return lt, nil
}

// post sends body as JSON and returns the status and the answer.
func post(hc *http.Client, u, token string, body any) (int, []byte) {
	b, err := json.Marshal(body)
	if err != nil {
		return 0, nil
	}
	req, err := http.NewRequest(http.MethodPost, u, bytes.NewReader(b))
	if err != nil {
		return 0, nil
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return 0, []byte(err.Error())
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}
