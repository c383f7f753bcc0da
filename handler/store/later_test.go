package store

import (
	"context"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"vodrefresh/handler/internal/redistest"
)

// trips counts the round trips a client makes: each command alone, and
// each pipeline, counts one.
type trips struct{ single, pipelines atomic.Int64 }

func (t *trips) DialHook(next redis.DialHook) redis.DialHook { return next }

func (t *trips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if queuedIn(ctx) == nil {
			t.single.Add(1)
		}
		return next(ctx, cmd)
	}
}

func (t *trips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if queuedIn(ctx) == nil {
			t.pipelines.Add(1)
		}
		return next(ctx, cmds)
	}
}

// openCounted opens the store of url as the function does (Open), with
// its round trips counted.
func openCounted(t *testing.T, url string) (*fallback, *trips) {
	t.Helper()
	s, err := Open(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	f := s.(*fallback)
	n := &trips{}
	if f.redis.cluster == nil {
		f.redis.c.AddHook(n)
		return f, n
	}
	masters, err := f.redis.cluster.masters(context.Background()) // counted where they go out
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range masters {
		m.AddHook(n)
	}
	return f, n
}

// The writes a refresh leaves for its end (a settled hold, what was sent,
// the folders, the tasks to follow, the quota spent) wait for Flush, and
// go in one pipeline: nothing is seen before it, everything after. The
// scripts go whole, so that a server that lost them (SCRIPT FLUSH) runs
// them all the same. A cluster gets one pipeline per node.
func TestLaterSendsOnePipeline(t *testing.T) {
	srv := redistest.Start(t)
	t.Run("one server", func(t *testing.T) { testLaterSendsOnePipeline(t, srv.URL(5), []string{srv.Addr}) })
	cl := redistest.StartCluster(t, 3)
	t.Run("a cluster", func(t *testing.T) { testLaterSendsOnePipeline(t, cl.URL("redis+cluster"), cl.Addrs()) })
}

func testLaterSendsOnePipeline(t *testing.T, url string, servers []string) {
	f, n := openCounted(t, url)
	ctx := context.Background()
	must(t, f.SetReading(ctx, reading(1000, 50)))
	if _, ok, err := f.Hold(ctx, "inv", Amount{URLs: 3}, time.Minute); err != nil || !ok {
		t.Fatalf("Hold: %v, %v", ok, err)
	}
	for _, addr := range servers {
		if _, err := redistest.Command(addr, "", "SCRIPT", "FLUSH"); err != nil {
			t.Fatal(err)
		}
	}
	lctx, later := WithLater(ctx)
	w := Deferrable(lctx)
	k := KeyOf("later", "a.png")
	n.single.Store(0)
	n.pipelines.Store(0)
	must(t, f.Settle(w, "inv", Amount{URLs: 3}, 0, time.Time{}))
	must(t, f.Mark(w, []Key{k}, time.Minute))
	must(t, f.RecordFolders(w, []string{"https://img.example.com/set/"}, time.Now(), time.Minute))
	must(t, f.Track(w, []Tracked{{TaskID: "17263", ObjectType: "File"}}))
	must(t, f.Count(w, KeyOf("spent"), map[string]int{"urls": 3}, time.Minute))
	if s, p := n.single.Load(), n.pipelines.Load(); s+p != 0 {
		t.Fatalf("%d commands and %d pipelines sent before Flush; want none", s, p)
	}
	if seen, _ := f.Seen(ctx, []Key{k}); seen[0] {
		t.Fatal("a deferred Mark was seen before Flush")
	}
	n.single.Store(0)
	n.pipelines.Store(0)
	must(t, later.Flush(Afterwork(lctx)))
	if s, p := n.single.Load(), n.pipelines.Load(); s != 0 || p < 1 || p > int64(len(servers)) {
		t.Errorf("Flush made %d commands and %d pipelines; want one pipeline a server", s, p)
	}
	if seen, err := f.Seen(ctx, []Key{k}); err != nil || !seen[0] {
		t.Errorf("after Flush, Seen = %v, %v", seen, err)
	}
	if at, err := f.Folders(ctx, []string{"https://img.example.com/set/"}); err != nil || len(at) != 1 {
		t.Errorf("after Flush, Folders = %v, %v", at, err)
	}
	if l, err := f.Ledger(ctx); err != nil || l.Spent.URLs != 3 || l.Held.URLs != 0 {
		t.Errorf("after Flush, ledger %+v, %v; want 3 URLs spent and none held", l, err)
	}
	if tr, err := f.TrackedTasks(ctx); err != nil || len(tr) != 1 || tr[0].TaskID != "17263" {
		t.Errorf("after Flush, tracked %+v, %v", tr, err)
	}
	if c, err := f.Counts(ctx, KeyOf("spent")); err != nil || c["urls"] != 3 {
		t.Errorf("after Flush, counts %v, %v", c, err)
	}
	// A write after the flush is made at once.
	k2 := KeyOf("later", "b.png")
	must(t, f.Mark(w, []Key{k2}, time.Minute))
	if seen, _ := f.Seen(ctx, []Key{k2}); !seen[0] {
		t.Error("a write after Flush waited for a flush that will not come")
	}
}

// Without a Later, or without Deferrable, a write is made at once.
func TestLaterOnlyWhenAsked(t *testing.T) {
	srv := redistest.Start(t)
	f, _ := openCounted(t, srv.URL(6))
	ctx := context.Background()
	lctx, _ := WithLater(ctx)
	for name, c := range map[string]context.Context{"no Later": Deferrable(ctx), "not deferrable": Afterwork(lctx)} {
		k := KeyOf("now", name)
		must(t, f.Mark(c, []Key{k}, time.Minute))
		if seen, _ := f.Seen(ctx, []Key{k}); !seen[0] {
			t.Errorf("%s: the write waited", name)
		}
	}
}

// When the pipeline fails (the server went away), the deferred writes are
// made in process memory, and the report says the store fell back.
func TestLaterFallsBackToMemory(t *testing.T) {
	srv := redistest.Start(t)
	f, _ := openCounted(t, srv.URL(7))
	ctx, rep := WithReport(context.Background())
	lctx, later := WithLater(ctx)
	k := KeyOf("later", "gone.png")
	must(t, f.Mark(Deferrable(lctx), []Key{k}, time.Minute))
	must(t, f.Count(Deferrable(lctx), KeyOf("spent"), map[string]int{"urls": 1}, time.Minute))
	srv.Stop()
	if err := later.Flush(Afterwork(lctx)); err == nil {
		t.Fatal("Flush to a stopped server succeeded")
	}
	if seen, _ := f.mem.Seen(ctx, []Key{k}); !seen[0] {
		t.Error("the deferred Mark is not in memory after the flush failed")
	}
	if c, _ := f.mem.Counts(ctx, KeyOf("spent")); c["urls"] != 1 {
		t.Errorf("the deferred Count is not in memory: %v", c)
	}
	if d := rep.Degraded(); !strings.Contains(d, "deferred writes") {
		t.Errorf("Degraded() = %q; want the failed flush said", d)
	}
}

// What a deferred write's reply says comes back from Flush, without the
// store counted as failed: a full list of tasks followed is not a store
// that went away.
func TestLaterReadsReplies(t *testing.T) {
	srv := redistest.Start(t)
	f, _ := openCounted(t, srv.URL(8))
	ctx, rep := WithReport(context.Background())
	fields := make([]any, 0, 2*MaxTracked)
	for i := range MaxTracked {
		fields = append(fields, "t"+strconv.Itoa(i), "{}")
	}
	must(t, f.redis.c.HSet(ctx, trackedKey, fields...).Err())
	lctx, later := WithLater(ctx)
	must(t, f.Track(Deferrable(lctx), []Tracked{{TaskID: "17263", ObjectType: "File"}}))
	err := later.Flush(Afterwork(lctx))
	if err == nil || !strings.Contains(err.Error(), "tasks are followed, the most") {
		t.Fatalf("Flush = %v; want the full list said", err)
	}
	if d := rep.Degraded(); d != "" {
		t.Errorf("Degraded() = %q; want the store not counted as failed", d)
	}
}
