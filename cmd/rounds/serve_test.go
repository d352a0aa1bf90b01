package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer safe to write from the server goroutine
// and read from the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func freeAddr(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// TestServeInMemory starts "rounds serve" with no DATABASE_URL, checks that
// it says it keeps data in memory, answers its readiness probe and accepts
// the admin token it printed, then stops it as a signal would.
func TestServeInMemory(t *testing.T) {
	t.Setenv("DATABASE_URL", "")
	t.Setenv("ROUNDS_ADMIN_TOKEN", "")
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	var stderr lockedBuffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"serve", "-addr", addr}, &bytes.Buffer{}, &stderr) }()

	base := "http://" + addr
	var resp *http.Response
	var err error
	for range 100 {
		if resp, err = http.Get(base + "/readyz"); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		cancel()
		t.Fatalf("server never answered: %v\n%s", err, stderr.String())
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/readyz = %d", resp.StatusCode)
	}
	out := stderr.String()
	if !strings.Contains(out, "in memory") {
		t.Errorf("start-up does not say data is kept in memory:\n%s", out)
	}
	var token string
	for _, line := range strings.Split(out, "\n") {
		if _, after, ok := strings.Cut(line, "admin token for this in-memory session: "); ok {
			token = strings.TrimSpace(after)
		}
	}
	for _, tc := range []struct {
		token string
		want  int
	}{{token, http.StatusOK}, {"rk_nobody_nothing", http.StatusUnauthorized}} {
		req, _ := http.NewRequest(http.MethodGet, base+"/v1/teams", nil)
		req.Header.Set("Authorization", "Bearer "+tc.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("GET /v1/teams with token %q = %d, want %d", tc.token, resp.StatusCode, tc.want)
		}
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d after shutdown:\n%s", code, stderr.String())
		}
	case <-time.After(shutdownGrace + 5*time.Second):
		t.Fatal("serve did not stop")
	}
}
