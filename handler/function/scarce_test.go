package function

import (
	"container/heap"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/internal/redistest"
	"vodrefresh/handler/internal/testfix"
	"vodrefresh/handler/internal/vodmem"
	"vodrefresh/handler/store"
	"vodrefresh/handler/vod"
)

// A scarce day, planned as a whole: a catalog re-export overwrites 3,600
// images in 180 folders of 20 (one every 100 ms), while 100 covers are
// uploaded again (one every 3.6 s) and, at the end, 30 old images are
// deleted: 3,730 changes, more than the day's 2,000 URLs, which 100
// directories and 1,730 URLs could carry. OSS delivers one object per
// invocation, a second after the change, to 3 instances that share one
// store; FC retries a failed invocation after 1, 2 and 4 minutes, then
// writes it to the queue, which hands it over again past the reset. The
// function's timer fires every minute. The day runs on a virtual clock.

// scarceChanges is the scarce day's changes, in the order they are made.
func scarceChanges(start time.Time) []floodChange {
	var out []floodChange
	for i := range 3600 {
		out = append(out, floodChange{key: fmt.Sprintf("images/catalog/f%03d/img%02d.jpg", i/20, i%20), at: start.Add(time.Duration(i) * 100 * time.Millisecond)})
	}
	for i := range 100 {
		out = append(out, floodChange{key: fmt.Sprintf("images/covers/cover%03d.jpg", i), at: start.Add(time.Duration(i)*3600*time.Millisecond + 50*time.Millisecond)})
	}
	end := start.Add(6 * time.Minute)
	for i := range 30 {
		out = append(out, floodChange{key: fmt.Sprintf("images/archive/a%02d/old.jpg", i), at: end.Add(time.Duration(i) * time.Second)})
	}
	return out
}

// timerEvent is the function's timer firing at at.
func timerEvent(at time.Time) []byte {
	return []byte(fmt.Sprintf(`{"triggerTime":%q,"triggerName":"planner","payload":"plan"}`, at.UTC().Format(time.RFC3339)))
}

// scarceResult is what the scarce day cost and left.
type scarceResult struct {
	floodResult
	sentTwice int // paths refreshed again for no new change
	deferred  int // invocations deferred to the planner
}

// scarceDay is a day played on instances that share a store, with the
// timer firing every minute.
type scarceDay struct {
	t         *testing.T
	clock     *floodClock
	account   *timedAccount
	instances []*Handler
	changes   []floodChange
	due       *deliveries
	queue     []int // the changes FC gave up on, written to the queue
	deferred  int   // invocations deferred to the planner
	n         int
	tick      time.Time
}

// newScarceDay starts a day at start with quota left, on 3 instances
// sharing st; changes are delivered a second after they are made.
func newScarceDay(t *testing.T, st store.Store, start time.Time, quota vod.Quota, changes []floodChange) *scarceDay {
	return newScarceDayWith(t, st, start, quota, changes, "", nil)
}

// newScarceDayWith is newScarceDay with more configuration (appended to
// testdata/day.yaml) and an environment for its secrets.
func newScarceDayWith(t *testing.T, st store.Store, start time.Time, quota vod.Quota, changes []floodChange, more string, env map[string]string) *scarceDay {
	clock := &floodClock{now: start}
	day := &scarceDay{t: t, clock: clock, account: &timedAccount{Client: &vodmem.Client{Remain: quota}, clock: clock},
		changes: changes, due: &deliveries{}, tick: start}
	cfg := mustConfig(t, string(testfix.Read(t, "testdata", "day.yaml"))+more)
	for range 3 {
		h, err := New(cfg, Options{Connector: day.account, Store: st, Now: clock.Now, Backoff: vod.Backoff{Attempts: 1},
			Getenv: func(k string) string { return env[k] }})
		if err != nil {
			t.Fatal(err)
		}
		day.instances = append(day.instances, h)
	}
	for i, c := range changes {
		heap.Push(day.due, delivery{c.at.Add(time.Second), i, 0})
	}
	return day
}

// run delivers what is due until until, the timer firing on each minute,
// on the instances in turn. FC retries a failed invocation after 1, 2 and
// 4 minutes, then writes it to the queue.
func (day *scarceDay) run(until time.Time) {
	for {
		next := day.tick.Add(time.Minute)
		if day.due.Len() > 0 && (*day.due)[0].at.Before(next) {
			d := heap.Pop(day.due).(delivery)
			day.clock.set(d.at)
			day.n++
			_, err := handle(day.instances[day.n%3], context.Background(), day.changes[d.change].event(d.change))
			switch {
			case err == nil:
			case d.attempt < 3:
				if strings.HasPrefix(err.Error(), "deferred") {
					day.deferred++
				}
				heap.Push(day.due, delivery{d.at.Add(time.Minute << d.attempt), d.change, d.attempt + 1})
			default:
				day.queue = append(day.queue, d.change)
			}
			continue
		}
		if next.After(until) {
			return
		}
		day.tick = next
		day.clock.set(next)
		day.n++
		if _, err := handle(day.instances[day.n%3], context.Background(), timerEvent(next)); err != nil {
			day.t.Fatalf("the timer at %s: %v", next, err)
		}
	}
}

// playScarce runs the scarce day on instances that share st.
func playScarce(t *testing.T, st store.Store) scarceResult {
	start := time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC) // 10:00 in UTC+8
	day := newScarceDay(t, st, start, vod.Quota{URLRemain: 2000, DirRemain: 100, PreloadRemain: 500}, scarceChanges(start))
	day.run(time.Date(2026, 11, 24, 15, 59, 0, 0, time.UTC)) // 23:59 in UTC+8
	account, changes := day.account, day.changes
	var res scarceResult
	res.deferred = day.deferred
	res.urls, res.dirs = 2000-account.Remain.URLRemain, 100-account.Remain.DirRemain
	res.staleAtEndOfDay, res.queued = stale(changes, account.log), len(day.queue)
	// Past midnight the quota is whole again; the queue hands over what it
	// holds, in batches of 1,000, retried a minute apart, while the timer
	// goes on.
	account.Remain = vod.Quota{URLRemain: 2000, DirRemain: 100, PreloadRemain: 500}
	day.run(time.Date(2026, 11, 24, 16, 2, 0, 0, time.UTC))
	for from := 0; from < len(day.queue); from += 1000 {
		batch := day.queue[from:min(from+1000, len(day.queue))]
		failed := true
		for try := 0; try < 5 && failed; try++ {
			day.run(day.clock.Now().Add(time.Minute))
			_, err := handle(day.instances[from%3], context.Background(), destinationBatch(changes, batch))
			failed = err != nil
		}
		if failed {
			res.deadLettered += len(batch)
		}
	}
	res.urlsAfter, res.dirsAfter = 2000-account.Remain.URLRemain, 100-account.Remain.DirRemain
	res.staleAfterReset = stale(changes, account.log)
	res.sentTwice = sentTwice(changes, account.log)
	return res
}

// sentTwice counts the refreshes of a path, as a URL or within a
// directory, beyond the first after its last change.
func sentTwice(changes []floodChange, log []timedRefresh) int {
	n := 0
	for _, c := range changes {
		u, covers := c.url(), 0
		for _, r := range log {
			for _, p := range r.paths {
				if !r.at.Before(c.at) && (p == u || (r.objectType == "Directory" && strings.HasPrefix(u, p))) {
					covers++
				}
			}
		}
		n += max(0, covers-1)
	}
	return n
}

func TestScarceDay(t *testing.T) {
	stores := map[string]func(t *testing.T) store.Store{
		"memory": func(*testing.T) store.Store { return store.NewMemory(store.MemoryOptions{}) },
		"redis": func(t *testing.T) store.Store {
			srv := redistest.Start(t)
			s, err := store.OpenRedis(srv.URL(3))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		},
	}
	for _, name := range []string{"memory", "redis"} {
		t.Run(name, func(t *testing.T) {
			r := playScarce(t, stores[name](t))
			t.Logf("day: %d URLs, %d directories, %d deferred, %d stale at its end, %d queued; after the reset: %d URLs, %d directories, %d stale, %d dead-lettered; %d refreshed twice",
				r.urls, r.dirs, r.deferred, r.staleAtEndOfDay, r.queued, r.urlsAfter, r.dirsAfter, r.staleAfterReset, r.deadLettered, r.sentTwice)
			if limit := 3730 * 5 / 100; r.staleAtEndOfDay > limit {
				t.Errorf("%d changes stale at the day's end, want at most %d (5%%)", r.staleAtEndOfDay, limit)
			}
			if r.staleAfterReset != 0 || r.deadLettered != 0 {
				t.Errorf("after the reset: %d stale, %d dead-lettered for good; want none", r.staleAfterReset, r.deadLettered)
			}
			if r.sentTwice != 0 {
				t.Errorf("%d changes were refreshed more than once", r.sentTwice)
			}
			if r.deferred == 0 {
				t.Error("no invocation was deferred to the planner: the day was not planned as a whole")
			}
		})
	}
}

// A slow trickle on a scarce day: one change a minute into one folder, for
// an hour. The folder never settles, and each change is refreshed all the
// same, before FC gives up on its event.
func TestScarceDayTrickle(t *testing.T) {
	start := time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC) // 10:00 in UTC+8
	var changes []floodChange
	for i := range 60 {
		changes = append(changes, floodChange{key: fmt.Sprintf("images/live/frame%02d.jpg", i), at: start.Add(time.Duration(i)*time.Minute + 30*time.Second)})
	}
	// 1,000 URLs spent by 10:00 pace to 1,400 more by the reset: scarce.
	day := newScarceDay(t, store.NewMemory(store.MemoryOptions{}), start, vod.Quota{URLRemain: 1000, DirRemain: 100, PreloadRemain: 500}, changes)
	day.run(start.Add(90 * time.Minute))
	if day.deferred == 0 {
		t.Fatal("no change was deferred: the day was not scarce")
	}
	if len(day.queue) != 0 {
		t.Errorf("%d events went to the queue: the trickle kept its folder from refreshing", len(day.queue))
	}
	if n := stale(changes, day.account.log); n != 0 {
		t.Errorf("%d changes stale", n)
	}
	dirs := 0
	for _, r := range day.account.log {
		if r.objectType == "Directory" {
			dirs++
		}
	}
	if dirs != 0 {
		t.Errorf("%d directory refreshes of a folder that never settled, want URLs", dirs)
	}
}

// Two timer runs at once (two instances): the one that finds the lease
// taken plans nothing. A store emptied under a deferred change loses
// nothing: the event is still FC's, and its retry records it again.
func TestPlannerLeaseAndAnEmptiedStore(t *testing.T) {
	start := time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC)
	changes := []floodChange{{key: "images/one/a.jpg", at: start}, {key: "images/one/b.jpg", at: start}}
	st := store.NewMemory(store.MemoryOptions{})
	// 1,500 URLs spent by 10:00: any change is scarce.
	day := newScarceDay(t, st, start, vod.Quota{URLRemain: 500, DirRemain: 100, PreloadRemain: 500}, changes)
	if _, err := handle(day.instances[0], context.Background(), timerEvent(start)); err != nil {
		t.Fatal(err)
	}
	day.clock.set(start.Add(time.Second))
	// The first reads the quota: with no reading, nothing says the day is
	// scarce. The second is deferred.
	if _, err := handle(day.instances[1], context.Background(), changes[0].event(0)); err != nil {
		t.Fatalf("the first change: %v", err)
	}
	changes = changes[1:]
	day.account.log = nil
	if _, err := handle(day.instances[1], context.Background(), changes[0].event(1)); err == nil || !strings.HasPrefix(err.Error(), "deferred") {
		t.Fatalf("the change: %v, want it deferred", err)
	}
	items, _ := st.Pending(context.Background())
	if len(items) != 1 {
		t.Fatalf("%d pending, want 1", len(items))
	}
	// Another instance's run holds the lease.
	if ok, _ := st.Lease(context.Background(), plannerLease, "another run", time.Minute); !ok {
		t.Fatal("cannot take the lease")
	}
	day.clock.set(start.Add(3 * time.Minute))
	res, err := handle(day.instances[2], context.Background(), timerEvent(day.clock.Now()))
	if err != nil || res.Planner == nil || !strings.Contains(res.Planner.Note, "another instance") || len(day.account.log) != 0 {
		t.Fatalf("a run without the lease: %+v, %v, %d refreshes; want nothing planned", res.Planner, err, len(day.account.log))
	}
	st.Release(context.Background(), plannerLease, "another run")
	// The store empties: the retry records the change again, and the next
	// run refreshes it.
	st.DropPending(context.Background(), items)
	if _, err := handle(day.instances[0], context.Background(), changes[0].event(1)); err == nil {
		t.Fatal("the retry went through with the change still stale")
	}
	day.clock.set(start.Add(4 * time.Minute))
	if res, err := handle(day.instances[1], context.Background(), timerEvent(day.clock.Now())); err != nil || res.Planner.URLs != 1 {
		t.Fatalf("the next run: %+v, %v; want one URL", res.Planner, err)
	}
	if _, err := handle(day.instances[2], context.Background(), changes[0].event(1)); err != nil {
		t.Errorf("the retry after the refresh: %v", err)
	}
	if n := stale(changes, day.account.log); n != 0 || len(day.account.log) != 1 {
		t.Errorf("%d stale, %d refreshes; want none stale, one refresh", n, len(day.account.log))
	}
}
