// Command loadtest drives a rounds API served on the loopback interface
// with a mix of reads, writes and small solves from concurrent clients, and
// reports throughput, latency percentiles and errors per kind. It is
// bounded by a request count and a duration.
//
//	go run ./api/loadtest -db postgres://postgres@127.0.0.1:5432/test?sslmode=disable
//
// Without -db it uses the memory store. With -db it migrates into a fresh
// schema, which it drops at the end.
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
	requests := flag.Int("requests", 20000, "total requests")
	duration := flag.Duration("duration", 60*time.Second, "longest run")
	solveShare := flag.Float64("solves", 0.02, "share of requests that are small solves")
	writeShare := flag.Float64("writes", 0.28, "share of requests that are writes")
	flag.Parse()
	if err := run(*db, *clients, *requests, *duration, *solveShare, *writeShare); err != nil {
		log.Fatal(err)
	}
}

func run(db string, clients, requests int, duration time.Duration, solveShare, writeShare float64) error {
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

	day, token, err := seed(ctx, st)
	if err != nil {
		return err
	}
	small := smallRequest(day)
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	stats := map[string]*kindStats{"read": {}, "write": {}, "solve": {}}
	var next atomic.Int64
	deadline := time.Now().Add(duration)
	start := time.Now()
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			for {
				n := int(next.Add(1))
				if n > requests || time.Now().After(deadline) {
					return
				}
				kind, method, path, body := pick(n, c, day, small, solveShare, writeShare)
				t0 := time.Now()
				ok := call(hc, method, base+path, token, body)
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
	fmt.Printf("store %s, %d clients, %d requests in %s: %.0f req/s\n", storeName(db), clients, total, elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds())
	for _, k := range []string{"read", "write", "solve"} {
		fmt.Println(stats[k].report(k))
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

// seed stores a generated borough team and returns it with a
// coordinator's token.
func seed(ctx context.Context, st rounds.Store) (*rounds.Request, string, error) {
	cfg := fixtures.Small
	cfg.Seed = 3
	day, err := fixtures.Generate(cfg)
	if err != nil {
		return nil, "", err
	}
	k, token, err := rounds.NewAPIKey("load", rounds.AccessCoordinator, []string{"lt"})
	if err != nil {
		return nil, "", err
	}
	ctx = rounds.NewContextWithKey(ctx, k)
	steps := []error{st.CreateTeam(ctx, &rounds.Team{ID: "lt", Name: "Load test"}), st.CreateKey(ctx, k)}
	for i := range day.Workers {
		steps = append(steps, st.Workers().Create(ctx, "lt", &day.Workers[i]))
	}
	for i := range day.Clients {
		day.Clients[i].Consent = true
		steps = append(steps, st.Clients().Create(ctx, "lt", &day.Clients[i]))
	}
	for i := range day.Visits {
		day.Visits[i].Episode = ""
		steps = append(steps, st.Visits().Create(ctx, "lt", &day.Visits[i]))
	}
	for _, err := range steps {
		if err != nil {
			return nil, "", err
		}
	}
	return day, token, nil
}

// smallRequest is a dispatcher-sized solve: 3 workers, 12 visits.
func smallRequest(day *rounds.Request) []byte {
	req := rounds.Request{Team: "lt", Workers: day.Workers[:3], Options: rounds.Options{Iterations: 300, TimeLimitSeconds: 1, Seed: 1, Threads: 1}}
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

// pick chooses the n-th request of client c: mostly reads, some writes
// (visit updates), a few small solves.
func pick(n, c int, day *rounds.Request, small []byte, solveShare, writeShare float64) (kind, method, path string, body []byte) {
	r := float64((n*7919)%1000) / 1000
	v := day.Visits[(n+c)%len(day.Visits)]
	switch {
	case r < solveShare:
		return "solve", "POST", "/v1/solve", small
	case r < solveShare+writeShare:
		v.DurationMinutes = 15 + n%60
		b, _ := json.Marshal(v)
		return "write", "PUT", "/v1/teams/lt/visits/" + v.ID, b
	case n%2 == 0:
		return "read", "GET", "/v1/teams/lt/visits?limit=20&from=" + string(v.Date), nil
	default:
		return "read", "GET", "/v1/teams/lt/workers/" + day.Workers[n%len(day.Workers)].ID, nil
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

func (s *kindStats) report(kind string) string {
	if len(s.lat) == 0 {
		return kind + ": none"
	}
	slices.Sort(s.lat)
	q := func(p float64) time.Duration { return s.lat[int(math.Ceil(p*float64(len(s.lat))))-1] }
	return fmt.Sprintf("%-5s n=%6d errors=%d p50=%s p99=%s max=%s", kind, len(s.lat), s.errors,
		q(0.50).Round(10*time.Microsecond), q(0.99).Round(10*time.Microsecond), s.lat[len(s.lat)-1].Round(10*time.Microsecond))
}
