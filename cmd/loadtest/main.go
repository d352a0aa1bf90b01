// Command loadtest drives a rounds API served on the loopback interface
// with a mix of reads, writes and small solves from concurrent clients, and
// prints a table of throughput, latency percentiles (p50, p95, p99, max)
// and errors per kind of request. It is bounded by a request count and a
// duration. The load generator shares the machine's cores with the server
// (and the database, if local): that is part of the test.
//
//	go build -o /tmp/loadtest ./cmd/loadtest
//	/tmp/loadtest -db 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable' -clients 50 -requests 20000
//	/tmp/loadtest -clients 50 -requests 20000     # the memory store
//
// Without -db it uses the memory store. With -db it migrates into a fresh
// schema, which it drops at the end.
//
// The store holds -teams care teams, each a generated borough team of 10
// workers and 80 visits with its own coordinator key; client c works for
// team c mod -teams, as a service's coordinators and dispatchers each work
// for their own team. Of each client's requests about 2% are small solves
// (3 workers, 12 visits), 28% are visit updates and the rest are reads:
// half a page of one day's visits, half one worker. -teams 1 puts every
// client on the same 80 visits. -cpuprofile profiles the whole run, load
// generator included.
//
// With -live it drives the live day of one published borough roster with
// every care rule instead, at 11:00: -clients dispatchers ask for options
// for rapid-response referrals, accept the best of their last answer and
// report visits done for -duration; then every dispatcher accepts an
// option of the same version at the same moment (one must be stored, the
// rest refused with 409), and the final version is checked by the
// validator, with every accepted referral in it once.
// -think makes each dispatcher wait after each answer, as a person reads
// it; without it each asks again at once:
//
//	/tmp/loadtest -live -clients 20 -duration 60s -db 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable'
//	/tmp/loadtest -live -clients 20 -duration 60s -think 1s -db ...
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime/pprof"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/api"
	"github.com/roundsdev/rounds/fixtures"
	"github.com/roundsdev/rounds/geo"
	"github.com/roundsdev/rounds/memory"
	"github.com/roundsdev/rounds/postgres"
	"github.com/roundsdev/rounds/solver"
)

func main() {
	db := flag.String("db", "", "PostgreSQL URL; empty uses the memory store")
	clients := flag.Int("clients", 50, "concurrent clients")
	teams := flag.Int("teams", 5, "care teams; client c works for team c mod teams")
	requests := flag.Int("requests", 20000, "total requests")
	duration := flag.Duration("duration", 60*time.Second, "longest run")
	solveShare := flag.Float64("solves", 0.02, "share of requests that are small solves")
	writeShare := flag.Float64("writes", 0.28, "share of requests that are writes")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	live := flag.Bool("live", false, "drive a published borough day's live day instead: -clients dispatchers asking for options, accepting and reporting events for -duration")
	think := flag.Duration("think", 0, "with -live: how long each dispatcher waits after an answer before its next request")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			log.Fatal(err)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	if *live {
		if err := runLive(*db, *clients, *duration, *think); err != nil {
			log.Print(err)
			os.Exit(1)
		}
		return
	}
	if *clients < 1 || *teams < 1 || *teams > *clients {
		log.Fatalf("want 1 <= -teams <= -clients, got -teams %d -clients %d", *teams, *clients)
	}
	if err := run(*db, *clients, *teams, *requests, *duration, *solveShare, *writeShare); err != nil {
		log.Print(err)
		os.Exit(1)
	}
}

func run(db string, clients, teams, requests int, duration time.Duration, solveShare, writeShare float64) error {
	ctx := context.Background()
	st, cleanup, err := openStore(ctx, db)
	if err != nil {
		return err
	}
	defer cleanup()
	srv, err := api.New(api.Config{Store: st, Planner: &solver.Planner{Source: geo.Haversine{}}, Logger: slog.New(slog.DiscardHandler)})
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

	seeded := make([]team, teams)
	for i := range seeded {
		if seeded[i], err = seed(ctx, st, i); err != nil {
			return err
		}
	}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	stats := map[string]*kindStats{"read": {}, "write": {}, "solve": {}}
	var next atomic.Int64
	deadline := time.Now().Add(duration)
	start := time.Now()
	var wg sync.WaitGroup
	for c := range clients {
		tm := seeded[c%teams]
		wg.Go(func() {
			for {
				n := int(next.Add(1))
				if n > requests || time.Now().After(deadline) {
					return
				}
				kind, method, path, body := pick(n, c, tm, solveShare, writeShare)
				t0 := time.Now()
				ok := call(hc, method, base+path, tm.token, body)
				stats[kind].add(time.Since(t0), ok)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	total := 0
	for _, s := range stats {
		total += len(s.lat)
	}
	fmt.Printf("store %s, %d clients, %d teams, %d requests in %s: %.0f req/s\n\n", storeName(db), clients, teams, total,
		elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds())
	fmt.Printf("%-5s %7s %6s %9s %9s %9s %9s\n", "kind", "n", "errors", "p50", "p95", "p99", "max")
	for _, k := range []string{"read", "write", "solve"} {
		fmt.Println(stats[k].row(k))
	}
	return nil
}

func storeName(db string) string {
	if db == "" {
		return "memory"
	}
	return "postgres"
}

// openStore opens the memory store, or a fresh schema of the database.
func openStore(ctx context.Context, db string) (rounds.Store, func(), error) {
	if db == "" {
		return memory.NewStore(), func() {}, nil
	}
	admin, err := sqlx.Open("postgres", db)
	if err != nil {
		return nil, nil, err
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "load_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		return nil, nil, err
	}
	drop := func() { admin.Exec("DROP SCHEMA " + schema + " CASCADE"); admin.Close() }
	u, err := url.Parse(db)
	if err != nil {
		drop()
		return nil, nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	s, err := postgres.Open(ctx, u.String())
	if err == nil {
		err = postgres.Migrate(ctx, s.DB())
	}
	if err != nil {
		drop()
		return nil, nil, err
	}
	return s, func() { s.Close(); drop() }, nil
}

// team is one seeded care team: its records, its coordinator's token and
// the body of its small solve.
type team struct {
	id    string
	day   *rounds.Request
	token string
	solve []byte
}

// seed stores the i-th generated borough team with a coordinator's key.
func seed(ctx context.Context, st rounds.Store, i int) (team, error) {
	cfg := fixtures.Small
	cfg.Seed = 3 + int64(i)
	day, err := fixtures.Generate(cfg)
	if err != nil {
		return team{}, err
	}
	id := fmt.Sprintf("lt%d", i+1)
	k, token, err := rounds.NewAPIKey("load", rounds.AccessCoordinator, []string{id})
	if err != nil {
		return team{}, err
	}
	ctx = rounds.NewContextWithKey(ctx, k)
	steps := []error{st.CreateTeam(ctx, &rounds.Team{ID: id, Name: "Load test " + id}), st.CreateKey(ctx, k)}
	for i := range day.Workers {
		steps = append(steps, st.Workers().Create(ctx, id, &day.Workers[i]))
	}
	for i := range day.Clients {
		day.Clients[i].Consent = true
		steps = append(steps, st.Clients().Create(ctx, id, &day.Clients[i]))
	}
	for i := range day.Visits {
		day.Visits[i].Episode = ""
		steps = append(steps, st.Visits().Create(ctx, id, &day.Visits[i]))
	}
	for _, err := range steps {
		if err != nil {
			return team{}, err
		}
	}
	day.Team = id
	return team{id: id, day: day, token: token, solve: smallRequest(day)}, nil
}

// smallRequest is a dispatcher-sized solve: 3 workers, 12 visits.
func smallRequest(day *rounds.Request) []byte {
	req := rounds.Request{Team: day.Team, Workers: day.Workers[:3], Options: rounds.Options{Iterations: 300, TimeLimitSeconds: 1, Seed: 1, Threads: 1}}
	clients := map[string]bool{}
	for _, v := range day.Visits {
		if len(req.Visits) == 12 {
			break
		}
		if v.Pin != nil || len(v.Links) > 0 || v.Workers() > 1 {
			continue
		}
		req.Visits = append(req.Visits, v)
		clients[v.ClientID] = true
	}
	for _, c := range day.Clients {
		if clients[c.ID] {
			c.PreferredWorkers, c.DeclinedWorkers = nil, nil
			req.Clients = append(req.Clients, c)
		}
	}
	b, _ := json.Marshal(req)
	return b
}

// pick chooses the n-th request, made by client c of team tm: mostly
// reads, some writes (visit updates), a few small solves.
func pick(n, c int, tm team, solveShare, writeShare float64) (kind, method, path string, body []byte) {
	r := float64((n*7919)%1000) / 1000
	day := tm.day
	v := day.Visits[(n+c)%len(day.Visits)]
	prefix := "/v1/teams/" + tm.id
	switch {
	case r < solveShare:
		return "solve", "POST", "/v1/solve", tm.solve
	case r < solveShare+writeShare:
		v.DurationMinutes = 15 + n%60
		b, _ := json.Marshal(v)
		return "write", "PUT", prefix + "/visits/" + v.ID, b
	case n%2 == 0:
		return "read", "GET", prefix + "/visits?limit=20&from=" + string(v.Date), nil
	default:
		return "read", "GET", prefix + "/workers/" + day.Workers[n%len(day.Workers)].ID, nil
	}
}

func call(hc *http.Client, method, u, token string, body []byte) bool {
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	if err != nil {
		return false
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := hc.Do(req)
	if err != nil {
		return false
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode < 300
}

// kindStats gathers the latencies and errors of one kind of request.
type kindStats struct {
	mu     sync.Mutex
	lat    []time.Duration
	errors int
}

func (s *kindStats) add(d time.Duration, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lat = append(s.lat, d)
	if !ok {
		s.errors++
	}
}

// row returns the kind's line of the table.
func (s *kindStats) row(kind string) string {
	if len(s.lat) == 0 {
		return fmt.Sprintf("%-5s %7d", kind, 0)
	}
	slices.Sort(s.lat)
	q := func(p float64) string {
		return ms(s.lat[int(math.Ceil(p*float64(len(s.lat))))-1])
	}
	return fmt.Sprintf("%-5s %7d %6d %9s %9s %9s %9s", kind, len(s.lat), s.errors, q(0.50), q(0.95), q(0.99), ms(s.lat[len(s.lat)-1]))
}

// ms formats d in milliseconds.
func ms(d time.Duration) string {
	return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000)
}
