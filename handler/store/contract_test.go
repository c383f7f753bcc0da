package store

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"vodrefresh/handler/internal/redistest"
)

// target is a Store implementation under the contract.
type target struct {
	// open returns an empty store, closed when t ends.
	open func(t *testing.T) Store
	// perRoute is the dedupe's bound per route, or 0 when it has none
	// that a test can reach.
	perRoute int
}

// testPerRoute is the Memory's bound per route in the contract tests.
const testPerRoute = 100

func memoryTarget() target {
	return target{
		open: func(t *testing.T) Store {
			return NewMemory(MemoryOptions{DeliveriesPerRoute: testPerRoute, Routes: 8})
		},
		perRoute: testPerRoute,
	}
}

// redisTarget starts one server; each store it opens has a database of its
// own.
func redisTarget(t *testing.T) target {
	srv := redistest.Start(t)
	var next atomic.Int32
	return target{
		open: func(t *testing.T) Store {
			db := int(next.Add(1))
			if db >= redistest.Databases {
				t.Fatal("the test server has no empty database left")
			}
			r, err := OpenRedis(srv.URL(db))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { r.Close() })
			return r
		},
	}
}

// clusterTarget starts a cluster of 3 masters; each store it opens has the
// cluster to itself, emptied (FLUSHALL on every node) before it opens, as
// the contract's tests run one after another.
func clusterTarget(t *testing.T) target {
	cl := redistest.StartCluster(t, 3)
	return target{
		open: func(t *testing.T) Store {
			flushCluster(t, cl)
			r, err := OpenRedis(cl.URL("redis+cluster"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { r.Close() })
			return r
		},
	}
}

// flushCluster empties every node of cl.
func flushCluster(t *testing.T, cl *redistest.Cluster) {
	t.Helper()
	for _, s := range cl.Servers {
		if _, err := redistest.Command(s.Addr, s.Password, "FLUSHALL"); err != nil {
			t.Fatalf("FLUSHALL on %s: %v", s.Addr, err)
		}
	}
}

// The contract that every Store keeps, run against Memory, Redis and a
// Redis Cluster in direct-connection mode.
var contract = []struct {
	name string
	run  func(t *testing.T, tg target, s Store)
}{
	{"RetryMemoryExpires", testRetryMemoryExpires},
	{"RetryMemoryBatches", testRetryMemoryBatches},
	{"DedupeRoutesApart", testDedupeRoutesApart},
	{"ReserveConcurrentOneNew", testReserveConcurrent},
	{"FinishSemantics", testFinish},
	{"ReservationExpires", testReservationExpires},
	{"HoldNeverOverbooks", testHoldConcurrent},
	{"SettleMovesHeldToSpent", testSettle},
	{"SettleAfterALaterReadingCountsNothing", testSettleAnswered},
	{"SetReadingZeroesSpentKeepsHeld", testSetReading},
	{"SetReadingOfTheSameDayKeepsTheLower", testSetReadingSameDay},
	{"ForgetDropsReading", testForget},
	{"HoldReplacesSameID", testHoldReplaces},
	{"HoldsExpire", testHoldsExpire},
	{"FoldersKeepLaterTime", testFolders},
	{"FoldersExpire", testFoldersExpire},
	{"BacklogKeepsFirstRecord", testBacklog},
	{"LeaseOneHolder", testLease},
	{"ValuesExpire", testValues},
	{"TrackedTasks", testTracked},
	{"Counters", testCounters},
}

func TestContract(t *testing.T) {
	targets := []func(t *testing.T) target{
		func(*testing.T) target { return memoryTarget() },
		redisTarget,   // skips without redis-server, and only itself
		clusterTarget, // likewise
	}
	for i, name := range []string{"memory", "redis", "cluster"} {
		t.Run(name, func(t *testing.T) {
			tg := targets[i](t)
			for _, c := range contract {
				t.Run(c.name, func(t *testing.T) {
					c.run(t, tg, tg.open(t))
				})
			}
		})
	}
}

func testRetryMemoryExpires(t *testing.T, _ target, s Store) {
	ctx := context.Background()
	short, long, never := KeyOf("ev", "short"), KeyOf("ev", "long"), KeyOf("ev", "never")
	must(t, s.Mark(ctx, []Key{short}, 150*time.Millisecond))
	must(t, s.Mark(ctx, []Key{long}, time.Minute))
	seen, err := s.Seen(ctx, []Key{short, long, never})
	must(t, err)
	if fmt.Sprint(seen) != "[true true false]" {
		t.Fatalf("Seen(short, long, never) = %v, want [true true false]", seen)
	}
	eventually(t, "the short key expires", func() bool {
		seen, err := s.Seen(ctx, []Key{short})
		must(t, err)
		return !seen[0]
	})
	seen, err = s.Seen(ctx, []Key{long})
	must(t, err)
	if !seen[0] {
		t.Error("the key marked for a minute expired with the short one")
	}
}

func testRetryMemoryBatches(t *testing.T, _ target, s Store) {
	ctx := context.Background()
	const n = 2500 // more than one pipeline's worth
	keys := make([]Key, n)
	var odd []Key
	for i := range keys {
		keys[i] = KeyOf("batch", fmt.Sprint(i))
		if i%2 == 1 {
			odd = append(odd, keys[i])
		}
	}
	must(t, s.Mark(ctx, odd, time.Minute))
	seen, err := s.Seen(ctx, keys)
	must(t, err)
	if len(seen) != n {
		t.Fatalf("Seen of %d keys returned %d answers", n, len(seen))
	}
	for i, ok := range seen {
		if ok != (i%2 == 1) {
			t.Fatalf("Seen(key %d) = %v, want %v", i, ok, i%2 == 1)
		}
	}
	if seen, err := s.Seen(ctx, nil); err != nil || len(seen) != 0 {
		t.Errorf("Seen(nil) = %v, %v; want [], nil", seen, err)
	}
}

func testDedupeRoutesApart(t *testing.T, tg target, s Store) {
	ctx := context.Background()
	if d, err := s.Reserve(ctx, "b", "keep", time.Minute); err != nil || d != New {
		t.Fatalf("Reserve(b, keep) = %v, %v; want New", d, err)
	}
	fill := testPerRoute + testPerRoute/2
	for i := range fill {
		if d, err := s.Reserve(ctx, "a", fmt.Sprint("flood-", i), time.Minute); err != nil || d != New {
			t.Fatalf("Reserve(a, flood-%d) = %v, %v; want New", i, d, err)
		}
	}
	if d, err := s.Reserve(ctx, "b", "keep", time.Minute); err != nil || d != InProgress {
		t.Errorf("after route a's flood, Reserve(b, keep) = %v, %v; want InProgress (kept)", d, err)
	}
	// A route's own flood evicts its oldest deliveries where it is
	// bounded, and none where it is not.
	want := InProgress
	if tg.perRoute > 0 && fill > tg.perRoute {
		want = New
	}
	if d, err := s.Reserve(ctx, "a", "flood-0", time.Minute); err != nil || d != want {
		t.Errorf("Reserve(a, flood-0) = %v, %v; want %v", d, err, want)
	}
	if d, err := s.Reserve(ctx, "a", fmt.Sprint("flood-", fill-1), time.Minute); err != nil || d != InProgress {
		t.Errorf("Reserve(a, newest) = %v, %v; want InProgress", d, err)
	}
	// One key in two routes is two deliveries.
	if d, err := s.Reserve(ctx, "c", "keep", time.Minute); err != nil || d != New {
		t.Errorf("Reserve(c, keep) = %v, %v; want New", d, err)
	}
}

func testReserveConcurrent(t *testing.T, _ target, s Store) {
	ctx := context.Background()
	var wg sync.WaitGroup
	var counts [3]atomic.Int32
	for range 20 {
		wg.Go(func() {
			d, err := s.Reserve(ctx, "r", "same", time.Minute)
			if err != nil {
				t.Error(err)
				return
			}
			counts[d].Add(1)
		})
	}
	wg.Wait()
	if n, p := counts[New].Load(), counts[InProgress].Load(); n != 1 || p != 19 {
		t.Errorf("20 concurrent Reserves: %d New, %d InProgress; want 1 and 19", n, p)
	}
}

func testFinish(t *testing.T, _ target, s Store) {
	ctx := context.Background()
	reserve := func(want Delivery) {
		t.Helper()
		if d, err := s.Reserve(ctx, "r", "k", time.Minute); err != nil || d != want {
			t.Fatalf("Reserve = %v, %v; want %v", d, err, want)
		}
	}
	reserve(New)
	reserve(InProgress)
	must(t, s.Finish(ctx, "r", "k", false, time.Minute)) // dropped: the retry goes through
	reserve(New)
	must(t, s.Finish(ctx, "r", "k", true, time.Minute))
	reserve(Handled)
	must(t, s.Finish(ctx, "r", "k", false, time.Minute)) // a late failure does not undo it
	reserve(Handled)
	must(t, s.Finish(ctx, "r", "other", false, time.Minute)) // unknown: nothing to drop
	reserve(Handled)

	must(t, s.Finish(ctx, "r", "brief", true, 150*time.Millisecond))
	eventually(t, "the handled window ends", func() bool {
		d, err := s.Reserve(ctx, "r", "brief", time.Minute)
		must(t, err)
		return d == New
	})
}

func testReservationExpires(t *testing.T, _ target, s Store) {
	ctx := context.Background()
	if d, err := s.Reserve(ctx, "r", "k", 150*time.Millisecond); err != nil || d != New {
		t.Fatalf("Reserve = %v, %v; want New", d, err)
	}
	eventually(t, "the reservation expires", func() bool {
		d, err := s.Reserve(ctx, "r", "k", time.Minute)
		must(t, err)
		return d == New
	})
}

func testHoldConcurrent(t *testing.T, _ target, s Store) {
	ctx := context.Background()
	must(t, s.SetReading(ctx, reading(2000, 100)))
	var wg sync.WaitGroup
	var ok atomic.Int32
	for i := range 50 {
		wg.Go(func() {
			l, held, err := s.Hold(ctx, fmt.Sprint("inv-", i), Amount{URLs: 100}, time.Minute)
			if err != nil {
				t.Error(err)
				return
			}
			if held {
				ok.Add(1)
				if l.Available().URLs < 100 {
					t.Errorf("held against a ledger with %d available", l.Available().URLs)
				}
			}
		})
	}
	wg.Wait()
	if n := ok.Load(); n != 20 {
		t.Errorf("%d of 50 holds of 100 against 2,000 succeeded, want 20", n)
	}
	l, err := s.Ledger(ctx)
	must(t, err)
	if l.Held != (Amount{URLs: 2000}) || l.Available() != (Amount{Dirs: 100}) {
		t.Errorf("ledger holds %+v, available %+v; want 2,000 URLs held, 100 dirs available", l.Held, l.Available())
	}
}

func testSettle(t *testing.T, _ target, s Store) {
	ctx := context.Background()
	must(t, s.SetReading(ctx, reading(1000, 50)))
	l, ok, err := s.Hold(ctx, "inv", Amount{URLs: 300, Dirs: 5}, time.Minute)
	must(t, err)
	if !ok || l.Held != (Amount{}) {
		t.Fatalf("Hold = %+v, %v; want true and the ledger before it", l, ok)
	}
	if l, _ := s.Ledger(ctx); l.Held != (Amount{URLs: 300, Dirs: 5}) {
		t.Fatalf("held %+v, want 300 URLs and 5 dirs", l.Held)
	}
	must(t, s.Settle(ctx, "inv", Amount{URLs: 200, Dirs: 3}, 2, time.Time{}))
	l, err = s.Ledger(ctx)
	must(t, err)
	if l.Held != (Amount{}) || l.Spent != (Amount{URLs: 200, Dirs: 3}) || l.Preload != 2 {
		t.Errorf("after Settle: held %+v, spent %+v, preload %d; want 0, 200/3, 2", l.Held, l.Spent, l.Preload)
	}
	if a := l.Available(); a != (Amount{URLs: 800, Dirs: 47}) {
		t.Errorf("available %+v, want 800 URLs and 47 dirs", a)
	}
	must(t, s.Settle(ctx, "unknown", Amount{URLs: 10, Dirs: 1}, 1, time.Time{}))
	if l, _ := s.Ledger(ctx); l.Spent != (Amount{URLs: 210, Dirs: 4}) || l.Preload != 3 {
		t.Errorf("settling an unknown id: spent %+v, preload %d; want 210/4, 3", l.Spent, l.Preload)
	}
}

// testSettleAnswered: calls answered before a reading began are in it, and
// their settling does not lower what it left a second time; calls
// answered after it began, or at the same instant (a clock that did not
// move), are counted.
func testSettleAnswered(t *testing.T, _ target, s Store) {
	ctx := context.Background()
	r := reading(1000, 50)
	for _, tc := range []struct {
		name     string
		answered time.Time
		want     Amount
	}{
		{"answered before the reading began", r.At.Add(-time.Millisecond), Amount{URLs: 1000, Dirs: 50}},
		{"a microsecond before", r.At.Add(-time.Microsecond), Amount{URLs: 1000, Dirs: 50}},
		{"at the same instant", r.At, Amount{URLs: 980, Dirs: 49}},
		{"answered after", r.At.Add(time.Millisecond), Amount{URLs: 980, Dirs: 49}},
		{"answered at an unknown time", time.Time{}, Amount{URLs: 980, Dirs: 49}},
	} {
		must(t, s.Forget(ctx))
		must(t, s.SetReading(ctx, r))
		_, ok, err := s.Hold(ctx, "inv", Amount{URLs: 30, Dirs: 2}, time.Minute)
		must(t, err)
		if !ok {
			t.Fatalf("%s: the hold failed", tc.name)
		}
		must(t, s.Settle(ctx, "inv", Amount{URLs: 20, Dirs: 1}, 0, tc.answered))
		l, err := s.Ledger(ctx)
		must(t, err)
		if l.Held != (Amount{}) || l.Available() != tc.want {
			t.Errorf("%s: held %+v, available %+v; want nothing held, %+v available", tc.name, l.Held, l.Available(), tc.want)
		}
	}
}

func testSetReading(t *testing.T, _ target, s Store) {
	ctx := context.Background()
	l, err := s.Ledger(ctx)
	must(t, err)
	if l.Have || l != (Ledger{}) {
		t.Fatalf("an empty store's ledger = %+v, want zero", l)
	}
	must(t, s.SetReading(ctx, reading(1000, 50)))
	_, ok, err := s.Hold(ctx, "inv", Amount{URLs: 100, Dirs: 1}, time.Minute)
	must(t, err)
	if !ok {
		t.Fatal("Hold of 100 against 1,000 failed")
	}
	must(t, s.Settle(ctx, "other", Amount{URLs: 40, Dirs: 2}, 3, time.Time{}))
	r := reading(900, 45)
	must(t, s.SetReading(ctx, r))
	l, err = s.Ledger(ctx)
	must(t, err)
	if !l.Have || l.Reading.URLRemain != 900 || l.Reading.DirRemain != 45 || l.Reading.PreloadRemain != 7 || !l.Reading.At.Equal(r.At) {
		t.Errorf("reading = %+v (have %v), want %+v", l.Reading, l.Have, r)
	}
	if l.Spent != (Amount{}) || l.Preload != 0 || l.Held != (Amount{URLs: 100, Dirs: 1}) {
		t.Errorf("after SetReading: spent %+v, preload %d, held %+v; want 0, 0, 100/1", l.Spent, l.Preload, l.Held)
	}
}

func testForget(t *testing.T, _ target, s Store) {
	ctx := context.Background()
	must(t, s.SetReading(ctx, reading(1000, 50)))
	_, _, err := s.Hold(ctx, "inv", Amount{URLs: 100}, time.Minute)
	must(t, err)
	must(t, s.Settle(ctx, "x", Amount{URLs: 5}, 0, time.Time{}))
	must(t, s.Forget(ctx))
	l, err := s.Ledger(ctx)
	must(t, err)
	if l.Have || l.Reading != (Reading{}) || l.Spent != (Amount{}) || l.Held != (Amount{URLs: 100}) {
		t.Errorf("after Forget: %+v; want no reading, nothing spent, 100 held", l)
	}
	if _, ok, err := s.Hold(ctx, "next", Amount{URLs: 1}, time.Minute); err != nil || ok {
		t.Errorf("Hold without a reading = %v, %v; want false", ok, err)
	}
	if _, ok, err := s.Hold(ctx, "none", Amount{}, time.Minute); err != nil || !ok {
		t.Errorf("Hold of nothing without a reading = %v, %v; want true", ok, err)
	}
}

func testHoldReplaces(t *testing.T, _ target, s Store) {
	ctx := context.Background()
	must(t, s.SetReading(ctx, reading(2000, 0)))
	for range 2 {
		if _, ok, err := s.Hold(ctx, "inv", Amount{URLs: 1500}, time.Minute); err != nil || !ok {
			t.Fatalf("Hold(inv, 1500) = %v, %v; want true (a second one replaces the first)", ok, err)
		}
	}
	if l, _ := s.Ledger(ctx); l.Held != (Amount{URLs: 1500}) {
		t.Errorf("held %+v, want 1500 URLs", l.Held)
	}
	if _, ok, _ := s.Hold(ctx, "other", Amount{URLs: 501}, time.Minute); ok {
		t.Error("Hold of 501 with 500 available succeeded")
	}
}

func testHoldsExpire(t *testing.T, _ target, s Store) {
	ctx := context.Background()
	must(t, s.SetReading(ctx, reading(1000, 10)))
	_, ok, err := s.Hold(ctx, "brief", Amount{URLs: 600, Dirs: 10}, 150*time.Millisecond)
	must(t, err)
	_, ok2, err := s.Hold(ctx, "long", Amount{URLs: 100}, time.Minute)
	must(t, err)
	if !ok || !ok2 {
		t.Fatal("holds within the reading failed")
	}
	eventually(t, "the brief hold expires", func() bool {
		l, err := s.Ledger(ctx)
		must(t, err)
		return l.Held == Amount{URLs: 100}
	})
	if _, ok, err := s.Hold(ctx, "next", Amount{URLs: 900, Dirs: 10}, time.Minute); err != nil || !ok {
		t.Errorf("Hold of what the expired hold freed = %v, %v; want true", ok, err)
	}
}

func testFolders(t *testing.T, _ target, s Store) {
	ctx := context.Background()
	t1 := time.UnixMilli(1700000000000)
	t2, t3 := t1.Add(time.Minute), t1.Add(2*time.Minute)
	a, b, c := "https://cdn.example.com/a/", "https://cdn.example.com/b/", "https://cdn.example.com/c/"
	must(t, s.RecordFolders(ctx, []string{a, b}, t2, time.Hour))
	must(t, s.RecordFolders(ctx, []string{a}, t1, time.Hour)) // earlier: ignored
	must(t, s.RecordFolders(ctx, []string{b}, t3, time.Hour)) // later: replaces
	got, err := s.Folders(ctx, []string{a, b, c})
	must(t, err)
	if len(got) != 2 || !got[a].Equal(t2) || !got[b].Equal(t3) {
		t.Errorf("Folders = %v, want a at %v and b at %v", got, t2, t3)
	}
	if got, err := s.Folders(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("Folders(nil) = %v, %v; want empty", got, err)
	}
}

func testFoldersExpire(t *testing.T, _ target, s Store) {
	ctx := context.Background()
	at := time.UnixMilli(1700000000000)
	must(t, s.RecordFolders(ctx, []string{"/brief/"}, at, 150*time.Millisecond))
	must(t, s.RecordFolders(ctx, []string{"/long/"}, at, time.Hour))
	eventually(t, "the brief folder is forgotten", func() bool {
		got, err := s.Folders(ctx, []string{"/brief/", "/long/"})
		must(t, err)
		_, brief := got["/brief/"]
		_, long := got["/long/"]
		if !long {
			t.Fatal("the folder kept for an hour was forgotten")
		}
		return !brief
	})
}

// A reading taken before some of what was spent since (of the same quota
// day) cannot raise what the ledger says remains; a reading of the next
// day replaces it whole.
func testSetReadingSameDay(t *testing.T, _ target, s Store) {
	ctx := context.Background()
	at := time.Now().Truncate(time.Millisecond)
	day := func(urls, dirs, preload int, d string) Reading {
		return Reading{URLRemain: urls, DirRemain: dirs, PreloadRemain: preload, At: at, Day: d}
	}
	steps := []struct {
		set   Reading
		spend Amount
		want  Reading // URLs, directories and prefetches the ledger then reads
	}{
		{day(1000, 50, 20, "2026-11-24"), Amount{URLs: 40, Dirs: 2}, day(1000, 50, 20, "")},
		{day(1000, 50, 20, "2026-11-24"), Amount{}, day(960, 48, 20, "")}, // taken before the 40 were spent
		{day(500, 50, 10, "2026-11-24"), Amount{}, day(500, 48, 10, "")},  // someone else spent too
		{day(2000, 100, 500, "2026-11-25"), Amount{}, day(2000, 100, 500, "")},
		{day(3000, 100, 500, ""), Amount{}, day(3000, 100, 500, "")}, // no day: taken as it is
	}
	for i, st := range steps {
		must(t, s.SetReading(ctx, st.set))
		l, err := s.Ledger(ctx)
		must(t, err)
		got := Reading{URLRemain: l.Reading.URLRemain, DirRemain: l.Reading.DirRemain, PreloadRemain: l.Reading.PreloadRemain, At: at}
		if got != st.want {
			t.Errorf("step %d: reading %+v, want %+v", i, got, st.want)
		}
		must(t, s.Settle(ctx, fmt.Sprintf("spend-%d", i), st.spend, 0, time.Time{}))
	}
}

func testBacklog(t *testing.T, _ target, s Store) {
	ctx := context.Background()
	t1 := time.UnixMilli(1700000000000).UTC()
	a := Pending{ID: "e1", Path: "https://cdn.example.com/a/1.jpg", Folder: "https://cdn.example.com/a/", Changed: t1, Since: t1}
	b := Pending{ID: "e2", Path: "https://cdn.example.com/a/", Directory: true, Changed: t1, Since: t1}
	must(t, s.AddPending(ctx, []Pending{a, b}))
	later := a
	later.Since = t1.Add(time.Minute) // a retry records it again
	must(t, s.AddPending(ctx, []Pending{later}))
	other := a
	other.ID = "e3" // the same path for another change is its own
	must(t, s.AddPending(ctx, []Pending{other}))
	got, err := s.Pending(ctx)
	must(t, err)
	if n, err := s.PendingCount(ctx); err != nil || n != 3 || len(got) != 3 {
		t.Fatalf("PendingCount = %d, %v; Pending = %+v; want 3 of each", n, err, got)
	}
	for _, p := range got {
		if p.ID == "e1" && (!p.Since.Equal(t1) || p.Folder != a.Folder) {
			t.Errorf("e1 = %+v, want its first record %+v", p, a)
		}
		if p.ID == "e2" && !p.Directory {
			t.Errorf("e2 = %+v, want a directory", p)
		}
	}
	must(t, s.DropPending(ctx, []Pending{a, b}))
	got, err = s.Pending(ctx)
	must(t, err)
	if len(got) != 1 || got[0].ID != "e3" {
		t.Errorf("after dropping e1 and e2: %+v, want e3 alone", got)
	}
}

func testLease(t *testing.T, _ target, s Store) {
	ctx := context.Background()
	ok, err := s.Lease(ctx, "planner", "one", time.Minute)
	must(t, err)
	if !ok {
		t.Fatal("the first holder did not get the lease")
	}
	if ok, err := s.Lease(ctx, "planner", "two", time.Minute); err != nil || ok {
		t.Errorf("a second holder got the lease held by the first: %v, %v", ok, err)
	}
	if ok, err := s.Lease(ctx, "planner", "one", time.Minute); err != nil || !ok {
		t.Errorf("the holder could not renew its lease: %v, %v", ok, err)
	}
	must(t, s.Release(ctx, "planner", "two")) // not its lease: no effect
	if ok, _ := s.Lease(ctx, "planner", "two", time.Minute); ok {
		t.Error("a release by another holder freed the lease")
	}
	must(t, s.Release(ctx, "planner", "one"))
	if ok, err := s.Lease(ctx, "planner", "two", 100*time.Millisecond); err != nil || !ok {
		t.Errorf("after release, the second holder did not get the lease: %v, %v", ok, err)
	}
	eventually(t, "the lease expires", func() bool {
		ok, err := s.Lease(ctx, "planner", "three", time.Minute)
		must(t, err)
		return ok
	})
}

func testValues(t *testing.T, _ target, s Store) {
	ctx := context.Background()
	k, brief := KeyOf("doc", "1"), KeyOf("doc", "2")
	if _, ok, err := s.Value(ctx, k); err != nil || ok {
		t.Fatalf("a value never set: %v, %v", ok, err)
	}
	must(t, s.SetValue(ctx, k, `["https://www.example.com/a/"]`, time.Hour))
	must(t, s.SetValue(ctx, k, `["https://www.example.com/b/"]`, time.Hour)) // replaces
	must(t, s.SetValue(ctx, brief, "x", 150*time.Millisecond))
	if v, ok, err := s.Value(ctx, k); err != nil || !ok || v != `["https://www.example.com/b/"]` {
		t.Errorf("Value = %q, %v, %v; want the last one set", v, ok, err)
	}
	eventually(t, "the brief value is forgotten", func() bool {
		_, ok, err := s.Value(ctx, brief)
		must(t, err)
		return !ok
	})
}

func testTracked(t *testing.T, _ target, s Store) {
	ctx := context.Background()
	at := time.UnixMilli(1700000000000).UTC()
	a := Tracked{TaskID: "T1", ObjectType: "File", Paths: []string{"https://cdn.example.com/a.jpg"}, At: at, Cause: "oss:b/a.jpg"}
	b := Tracked{TaskID: "T2", ObjectType: "Directory", Paths: []string{"https://cdn.example.com/d/"}, At: at, Retry: true}
	must(t, s.Track(ctx, []Tracked{a, b}))
	again := a
	again.Cause = "another"
	must(t, s.Track(ctx, []Tracked{again})) // the first record stays
	got, err := s.TrackedTasks(ctx)
	must(t, err)
	if len(got) != 2 {
		t.Fatalf("TrackedTasks = %+v, want 2", got)
	}
	for _, g := range got {
		if g.TaskID == "T1" && (g.Cause != "oss:b/a.jpg" || !g.At.Equal(at) || len(g.Paths) != 1) {
			t.Errorf("T1 = %+v, want its first record", g)
		}
		if g.TaskID == "T2" && !g.Retry {
			t.Errorf("T2 = %+v, want a retry", g)
		}
	}
	must(t, s.Untrack(ctx, []string{"T1"}))
	if got, _ := s.TrackedTasks(ctx); len(got) != 1 || got[0].TaskID != "T2" {
		t.Errorf("after untracking T1: %+v", got)
	}
}

func testCounters(t *testing.T, _ target, s Store) {
	ctx := context.Background()
	k := KeyOf("spend", "2026-11-24")
	must(t, s.Count(ctx, k, map[string]int{"10 urls": 3, "10 dirs": 1}, time.Hour))
	must(t, s.Count(ctx, k, map[string]int{"10 urls": 2, "11 urls": 7}, time.Hour))
	got, err := s.Counts(ctx, k)
	must(t, err)
	if len(got) != 3 || got["10 urls"] != 5 || got["10 dirs"] != 1 || got["11 urls"] != 7 {
		t.Errorf("Counts = %v", got)
	}
	if got, err := s.Counts(ctx, KeyOf("none")); err != nil || len(got) != 0 {
		t.Errorf("Counts of nothing = %v, %v", got, err)
	}
}
