package postgres_test

import (
	"database/sql"
	"fmt"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/postgres"
	"github.com/roundsdev/rounds/postgres/pgtest"
)

// countingDialer dials TCP and counts the writes on its connections:
// lib/pq writes once per round trip.
type countingDialer struct{ writes atomic.Int64 }

func (d *countingDialer) Dial(network, addr string) (net.Conn, error) {
	return d.DialTimeout(network, addr, 0)
}

func (d *countingDialer) DialTimeout(network, addr string, timeout time.Duration) (net.Conn, error) {
	c, err := net.DialTimeout(network, addr, timeout)
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: c, writes: &d.writes}, nil
}

type countingConn struct {
	net.Conn
	writes *atomic.Int64
}

func (c *countingConn) Write(b []byte) (int, error) {
	c.writes.Add(1)
	return c.Conn.Write(b)
}

// countingStore opens a store on a fresh schema over one connection whose
// writes d counts.
func countingStore(tb testing.TB) (*postgres.Store, *countingDialer) {
	tb.Helper()
	_, u := pgtest.New(tb)
	conn, err := pq.NewConnector(u)
	if err != nil {
		tb.Fatal(err)
	}
	d := &countingDialer{}
	conn.Dialer(d)
	db := sqlx.NewDb(sql.OpenDB(conn), "postgres")
	db.SetMaxOpenConns(1)
	tb.Cleanup(func() { db.Close() })
	s, err := postgres.New(db)
	if err != nil {
		tb.Fatal(err)
	}
	return s, d
}

// TestRoundTrips pins the database round trips of the calls on the API's
// hot path once their statements are prepared: each is one, a change and
// its audit entry included.
func TestRoundTrips(t *testing.T) {
	s, d := countingStore(t)
	ctx := actorContext(t)
	if err := s.CreateTeam(ctx, &rounds.Team{ID: "rt", Name: "Round trips"}); err != nil {
		t.Fatal(err)
	}
	client := rounds.Client{ID: "c1", Location: rounds.Location{Lat: 51.5, Lon: -0.2}, Consent: true}
	if err := s.Clients().Create(ctx, "rt", &client); err != nil {
		t.Fatal(err)
	}
	var ids []string
	visit := func(id string) *rounds.Visit {
		return &rounds.Visit{ID: id, ClientID: "c1", Date: "2025-03-03", DurationMinutes: 15 + len(ids), Priority: rounds.Routine}
	}
	tests := []struct {
		name string
		call func() error
	}{
		{"create", func() error {
			ids = append(ids, fmt.Sprintf("v%d", len(ids)))
			return s.Visits().Create(ctx, "rt", visit(ids[len(ids)-1]))
		}},
		{"get", func() error { _, err := s.Visits().Get(ctx, "rt", ids[0]); return err }},
		{"list", func() error {
			_, err := s.Visits().List(ctx, "rt", rounds.Filter{From: "2025-03-03", Limit: 20})
			return err
		}},
		{"update", func() error { return s.Visits().Update(ctx, "rt", visit(ids[0])) }},
		{"delete", func() error {
			id := ids[len(ids)-1]
			ids = ids[:len(ids)-1]
			return s.Visits().Delete(ctx, "rt", id)
		}},
		{"team", func() error { _, err := s.Team(ctx, "rt"); return err }},
		{"missing key", func() error {
			if _, err := s.Key(ctx, "nope"); rounds.ErrorCode(err) != rounds.ENOTFOUND {
				return err
			}
			return nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); err != nil { // prepares the statement
				t.Fatal(err)
			}
			before := d.writes.Load()
			if err := tt.call(); err != nil {
				t.Fatal(err)
			}
			if got := d.writes.Load() - before; got != 1 {
				t.Errorf("%s took %d round trips, want 1", tt.name, got)
			}
		})
	}
}
