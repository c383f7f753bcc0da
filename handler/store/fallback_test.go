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

func TestOpenEmptyIsMemory(t *testing.T) {
	s, err := Open("", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.(*Memory); !ok || s.Kind() != "memory" {
		t.Errorf("Open(\"\") = %s store, want memory", s.Kind())
	}
}

func TestOpenURLError(t *testing.T) {
	_, err := Open("http://u:Hunter2-secret@h:1/0", nil)
	if err == nil || !strings.Contains(err.Error(), `scheme is "http"`) {
		t.Fatalf("Open of an http URL = %v, want an error about the scheme", err)
	}
	checkMessage(t, err.Error(), "Hunter2-secret")
}

// A fallback whose server stops mid-test goes on in process memory, and
// the invocation's Report says so without the password.
func TestFallbackWhenServerStops(t *testing.T) {
	const pw = "fallback-Secret-pw"
	srv := redistest.Start(t, redistest.Password(pw))
	var logs bytes.Buffer
	s, err := Open(srv.URL(3), slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Kind() != "redis" {
		t.Errorf("Kind() = %q, want redis", s.Kind())
	}

	ctx, rep := WithReport(context.Background())
	k := KeyOf("ev", "/a.mp4")
	must(t, s.Mark(ctx, []Key{k}, time.Minute))
	if seen, err := s.Seen(ctx, []Key{k}); err != nil || !seen[0] {
		t.Fatalf("Seen on redis = %v, %v", seen, err)
	}
	if d := rep.Degraded(); d != "" {
		t.Fatalf("Degraded() with redis up = %q, want \"\"", d)
	}

	srv.Stop()
	ctx, rep = WithReport(context.Background())
	start := time.Now()
	must(t, s.Mark(ctx, []Key{k}, time.Minute))
	if seen, err := s.Seen(ctx, []Key{k}); err != nil || !seen[0] {
		t.Errorf("Seen in memory after Mark in memory = %v, %v; want true", seen, err)
	}
	if d, err := s.Reserve(ctx, "r", "k", time.Minute); err != nil || d != New {
		t.Errorf("Reserve = %v, %v; want New", d, err)
	}
	must(t, s.Finish(ctx, "r", "k", true, time.Minute))
	must(t, s.SetReading(ctx, reading(100, 1)))
	if _, ok, err := s.Hold(ctx, "inv", Amount{URLs: 60}, time.Minute); err != nil || !ok {
		t.Errorf("Hold = %v, %v; want true", ok, err)
	}
	must(t, s.Settle(ctx, "inv", Amount{URLs: 50}, 0, time.Time{}))
	if l, err := s.Ledger(ctx); err != nil || l.Spent.URLs != 50 {
		t.Errorf("Ledger = %+v, %v; want 50 spent", l, err)
	}
	must(t, s.Forget(ctx))
	must(t, s.RecordFolders(ctx, []string{"/d/"}, time.UnixMilli(5), time.Minute))
	if got, err := s.Folders(ctx, []string{"/d/"}); err != nil || len(got) != 1 {
		t.Errorf("Folders = %v, %v; want /d/", got, err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("11 operations with redis down took %v", d)
	}

	d := rep.Degraded()
	if !strings.HasPrefix(d, "11 store operations ran in process memory: store: redis "+srv.Addr+" db 3: mark: ") {
		t.Errorf("Degraded() = %q, want it to count 11 operations and name the server and the first failure", d)
	}
	checkMessage(t, d, pw)
	checkMessage(t, logs.String(), pw)
	if n := strings.Count(logs.String(), "falling back"); n != 1 {
		t.Errorf("%d warnings logged for one invocation, want 1:\n%s", n, logs.String())
	}

	// Another invocation has a Report of its own.
	ctx2, rep2 := WithReport(context.Background())
	if rep2.Degraded() != "" {
		t.Error("a new Report is degraded")
	}
	s.Seen(ctx2, []Key{k})
	if !strings.HasPrefix(rep2.Degraded(), "1 store operation ran") {
		t.Errorf("Degraded() = %q, want one operation", rep2.Degraded())
	}
}

// A fallback tries Redis again once its pause is over, and a Report
// without failures stays clean.
func TestFallbackRecovers(t *testing.T) {
	srv := redistest.Start(t)
	s, err := Open(srv.URL(4), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	f := s.(*fallback)
	f.pause = 0
	bad, err := newRedis("redis://:pw-unused@127.0.0.1:" + itoa(closedPort(t)) + "/0")
	if err != nil {
		t.Fatal(err)
	}
	good := f.redis
	f.redis = bad
	ctx, rep := WithReport(context.Background())
	if _, err := s.Reserve(ctx, "r", "k", time.Minute); err != nil {
		t.Fatal(err)
	}
	if rep.Degraded() == "" {
		t.Fatal("an operation on an unreachable server did not degrade the Report")
	}
	bad.Close()
	f.redis = good
	ctx, rep = WithReport(context.Background())
	if d, err := s.Reserve(ctx, "r", "k", time.Minute); err != nil || d != New {
		t.Errorf("Reserve on redis = %v, %v; want New (the fallback's reservation was in memory)", d, err)
	}
	if d := rep.Degraded(); d != "" {
		t.Errorf("Degraded() = %q after redis answered, want \"\"", d)
	}
}

// A Report outside any invocation, or nil, is never degraded.
func TestReportNil(t *testing.T) {
	var r *Report
	if r.Degraded() != "" || r.record("x") {
		t.Error("a nil Report records")
	}
	if reportOf(context.Background()) != nil {
		t.Error("a bare context carries a Report")
	}
}
