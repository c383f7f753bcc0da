package store

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/internal/redistest"
)

// A Memory says it is not shared, and evicts nothing a server would.
func TestHealthMemory(t *testing.T) {
	s, err := Open("", nil)
	must(t, err)
	c, ok := s.(Checker)
	if !ok {
		t.Fatal("the Memory store is not a Checker")
	}
	h, err := c.Health(context.Background())
	must(t, err)
	if h.Shared || h.Kind != "memory" || h.Warning != "" || !strings.Contains(h.String(), "not shared") {
		t.Errorf("Health = %+v (%s)", h, h)
	}
	if n, err := c.Evicted(context.Background()); n != 0 || err != nil {
		t.Errorf("Evicted = %d, %v", n, err)
	}
}

// A server that never evicts: reachable, writable, noeviction, no warning,
// and Open says so at INFO.
func TestHealthNoEviction(t *testing.T) {
	const pw = "health-Secret-pw"
	srv := redistest.Start(t, redistest.Password(pw))
	var logs bytes.Buffer
	s, err := Open(srv.URL(1), slog.New(slog.NewTextHandler(&logs, nil)))
	must(t, err)
	defer s.Close()
	h, err := s.(Checker).Health(context.Background())
	must(t, err)
	if h.Kind != "redis" || !h.Shared || !h.Reachable || !h.Writable || h.Policy != "noeviction" || h.MaxMemory != 0 || h.Warning != "" {
		t.Errorf("Health = %+v", h)
	}
	if want := "redis " + srv.Addr + " db 1: reachable, writable, maxmemory-policy noeviction, maxmemory 0 (no limit)"; h.String() != want {
		t.Errorf("String() = %q, want %q", h.String(), want)
	}
	if strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "keeps the store's keys") {
		t.Errorf("Open logged:\n%s", logs.String())
	}
	checkMessage(t, logs.String(), pw)
	r := s.(*fallback).redis
	if n, err := r.c.DBSize(context.Background()).Result(); err != nil || n != 0 {
		t.Errorf("the probe left %d keys (%v)", n, err)
	}
}

// A server that may evict the store's keys is a warning at Open, and the
// keys it evicts once full are counted.
func TestHealthEvictionWarnedAndCounted(t *testing.T) {
	srv := redistest.Start(t, redistest.Args("--maxmemory", "2mb", "--maxmemory-policy", "volatile-lru"))
	var logs bytes.Buffer
	s, err := Open(srv.URL(0), slog.New(slog.NewJSONHandler(&logs, nil)))
	must(t, err)
	defer s.Close()
	if !strings.Contains(logs.String(), `"level":"WARN","msg":"store: redis may evict the store's keys"`) ||
		!strings.Contains(logs.String(), `"maxmemory_policy":"volatile-lru"`) {
		t.Errorf("Open did not warn of evictions:\n%s", logs.String())
	}
	c := s.(Checker)
	ctx := context.Background()
	h, err := c.Health(ctx)
	must(t, err)
	if h.Policy != "volatile-lru" || h.MaxMemory != 2<<20 || !strings.Contains(h.Warning, "may evict") {
		t.Errorf("Health = %+v", h)
	}
	if n, err := c.Evicted(ctx); err != nil || n != 0 {
		t.Fatalf("Evicted before filling = %d, %v; want 0", n, err)
	}
	value := strings.Repeat("x", 32<<10)
	for i := range 200 { // 6.4mb of values, past 2mb
		if err := s.SetValue(ctx, KeyOf("fill", itoa(i)), value, time.Hour); err != nil {
			t.Fatalf("SetValue %d: %v", i, err)
		}
	}
	n, err := c.Evicted(ctx)
	must(t, err)
	if n <= 0 {
		t.Errorf("Evicted after filling past maxmemory = %d, want more than 0", n)
	}
	t.Logf("%d keys evicted; %s", n, h)
}

// Where CONFIG is refused, as on managed Redis, the policy comes from
// INFO memory; where INFO is refused too, it is unknown, without a
// warning, and Evicted says it cannot count.
func TestHealthConfigRefused(t *testing.T) {
	srv := redistest.Start(t, redistest.Args("--rename-command", "CONFIG", "", "--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru"))
	r, err := OpenRedis(srv.URL(0))
	must(t, err)
	defer r.Close()
	h, err := r.Health(context.Background())
	must(t, err)
	if h.Policy != "allkeys-lru" || h.MaxMemory != 64<<20 || h.Warning == "" {
		t.Errorf("Health with CONFIG refused = %+v", h)
	}

	srv = redistest.Start(t, redistest.Args("--rename-command", "CONFIG", "", "--rename-command", "INFO", ""))
	r, err = OpenRedis(srv.URL(0))
	must(t, err)
	defer r.Close()
	h, err = r.Health(context.Background())
	must(t, err)
	if h.Policy != "unknown" || h.MaxMemory != -1 || h.Warning != "" || !h.Writable {
		t.Errorf("Health with CONFIG and INFO refused = %+v", h)
	}
	if !strings.Contains(h.String(), "maxmemory-policy unknown, maxmemory unknown") {
		t.Errorf("String() = %q", h.String())
	}
	if _, err := r.Evicted(context.Background()); err == nil || !strings.Contains(err.Error(), "evicted") {
		t.Errorf("Evicted with INFO refused = %v, want an error", err)
	}
}

// A server that cannot be reached is not reachable, and the store that
// Open returns does not ask it for evictions while it is left alone.
func TestHealthUnreachable(t *testing.T) {
	s, err := Open("redis://:pw-Unseen@127.0.0.1:"+itoa(closedPort(t))+"/0", nil)
	must(t, err)
	defer s.Close()
	c := s.(Checker)
	h, err := c.Health(context.Background())
	if err == nil || h.Reachable || h.Writable {
		t.Errorf("Health = %+v, %v; want unreachable", h, err)
	}
	if !strings.HasSuffix(h.String(), ": not reachable") {
		t.Errorf("String() = %q", h.String())
	}
	checkMessage(t, err.Error(), "pw-Unseen")
	if _, err := c.Evicted(context.Background()); err == nil || !strings.Contains(err.Error(), "failed a moment ago") {
		t.Errorf("Evicted = %v, want it not asked", err)
	}
}

// A server restarted between two counts: what it counted before and since
// both count.
func TestEvictedCountsAcrossRestart(t *testing.T) {
	r := &Redis{evictBase: map[string]int64{"": 10}, evictLast: map[string]int64{"": 15}}
	got := r.count(map[string]int64{"": 4}) // below the last 15
	if got != 5+4 {
		t.Errorf("after a restart, evicted = %d, want 9 (5 before, 4 since)", got)
	}
	if got := r.count(map[string]int64{"": 6}); got != 5+6 {
		t.Errorf("next, evicted = %d, want 11", got)
	}
}
