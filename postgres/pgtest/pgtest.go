// Package pgtest gives tests a fresh, migrated PostgreSQL schema of their
// own on the server at TEST_DATABASE_URL, so parallel test packages never
// collide.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/roundsdev/rounds/postgres"
)

// DefaultURL is the local test server used when TEST_DATABASE_URL is unset.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// URL returns TEST_DATABASE_URL or DefaultURL.
func URL() string {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u
	}
	return DefaultURL
}

// NewSchema creates an empty schema with a random name, dropped when the
// test ends, and returns a URL whose connections use it. It fails the test
// if the server is unreachable and CI is set, and skips it otherwise.
func NewSchema(tb testing.TB) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	admin, err := sqlx.Open("postgres", URL())
	if err == nil {
		err = admin.PingContext(ctx)
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("PostgreSQL at TEST_DATABASE_URL is unreachable: %v", err)
		}
		tb.Skipf("PostgreSQL at TEST_DATABASE_URL is unreachable (set CI to fail instead): %v", err)
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		admin.Close()
	})
	u, err := url.Parse(URL())
	if err != nil {
		tb.Fatalf("TEST_DATABASE_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// New returns a Store on a fresh migrated schema (see NewSchema), closed
// when the test ends, and the URL of that schema.
func New(tb testing.TB) (*postgres.Store, string) {
	tb.Helper()
	u := NewSchema(tb)
	ctx := context.Background()
	s, err := postgres.Open(ctx, u)
	if err != nil {
		tb.Fatalf("open: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	if err := postgres.Migrate(ctx, s.DB()); err != nil {
		tb.Fatalf("migrate: %v", err)
	}
	return s, u
}
