package function

import (
	"context"
	"encoding/json"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"vodrefresh/handler/internal/redistest"
	"vodrefresh/handler/internal/testfix"
	"vodrefresh/handler/internal/vodfake"
	"vodrefresh/handler/report"
	"vodrefresh/handler/store"
	"vodrefresh/handler/vod"
)

// deliver plays events through instances, as FC does: each event is an
// invocation, inFlight at a time on each instance, and an invocation that
// fails is retried up to retries times; it returns how many ended
// dead-lettered.
func deliver(instances []*Handler, inFlight, retries int, events [][]byte) (deadLettered int) {
	queue := make(chan []byte)
	go func() {
		for _, ev := range events {
			queue <- ev
		}
		close(queue)
	}()
	var mu sync.Mutex
	testfix.Parallel(len(instances)*inFlight, func(w int) {
		h := instances[w%len(instances)]
		for ev := range queue {
			failed := true
			for attempt := 0; attempt <= retries && failed; attempt++ {
				// Each invocation has a context of its own, as on FC.
				_, err := handle(h, withFCCredentials(context.Background(), testAK, testSecret, testToken), ev)
				failed = err != nil
			}
			if failed {
				mu.Lock()
				deadLettered++
				mu.Unlock()
			}
		}
	})
	return deadLettered
}

// spent returns the URLs and directories that VOD accepted, and the
// changes whose URL no accepted refresh covers: not a File refresh of it,
// nor a Directory refresh of a folder that holds it.
func spent(t *testing.T, srv *vodfake.Server, day []testfix.Change) (urls, dirs int, stale []string) {
	files, folders := map[string]bool{}, []string{}
	for _, r := range refreshes(srv) {
		for _, p := range r.Paths {
			if r.ObjectType == "Directory" {
				folders = append(folders, p)
				dirs++
			} else {
				files[p] = true
				urls++
			}
		}
	}
	if u, d, _ := srv.Quota(); 2000-u != urls || 100-d != dirs {
		t.Errorf("VOD was sent %d URLs and %d directories but spent %d and %d: some calls failed", urls, dirs, 2000-u, 100-d)
	}
	stale = testfix.Stale(day, files, folders)
	return urls, dirs, stale
}

// dayRig is a fake VOD with the real daily quota and n instances of the
// function on it; shared, when set, is the store they share.
func dayRig(t *testing.T, n int, shared store.Store) (*vodfake.Server, []*Handler) {
	srv, err := vodfake.Start(vodfake.Options{Credentials: map[string]string{testAK: testSecret}, Lifetime: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	doc := string(testfix.Read(t, "testdata", "day.yaml"))
	instances := make([]*Handler, n)
	for i := range instances {
		opts := fakeOptions(t, srv, nil)
		opts.Store = shared
		h, err := New(mustConfig(t, doc), opts)
		if err != nil {
			t.Fatal(err)
		}
		instances[i] = h
	}
	return srv, instances
}

// The day delivered as the native OSS trigger delivers it: one record per
// invocation, 3 instances with 10 in flight each, 3 retries. Playlists
// cover their new segments, and each cover and deleted segment is one URL.
func TestDayOneRecordPerInvocation(t *testing.T) {
	day := testfix.Day()
	events := make([][]byte, len(day))
	for i, c := range day {
		events[i] = c.Native(i)
	}
	for name, shared := range sharedOrNot() {
		t.Run(name, func(t *testing.T) {
			srv, instances := dayRig(t, 3, shared)
			playDay(t, "one record per invocation, "+name, srv, instances, day, events, 160, 6)
		})
	}
}

// sharedOrNot names the two ways a day runs: with the instances sharing a
// store, and each on its own.
func sharedOrNot() map[string]store.Store {
	return map[string]store.Store{"with a shared store": store.NewMemory(store.MemoryOptions{}), "each instance on its own": nil}
}

// The day delivered through an MNS queue trigger that hands over 1,000
// messages a batch: the 120 covers are one directory.
func TestDayBatchedThroughMNS(t *testing.T) {
	day := testfix.Day()
	events := testfix.Batches(day, 1000)
	for name, shared := range sharedOrNot() {
		t.Run(name, func(t *testing.T) {
			srv, instances := dayRig(t, 3, shared)
			playDay(t, "batched through MNS, "+name, srv, instances, day, events, 40, 7)
		})
	}
}

// playDay delivers the day's events through the instances, with 10 in
// flight on each and 3 retries, and checks that none ended dead-lettered,
// that no change was left stale, and what the day spent.
func playDay(t *testing.T, how string, srv *vodfake.Server, instances []*Handler, day []testfix.Change, events [][]byte, wantURLs, wantDirs int) {
	t.Helper()
	if n := deliver(instances, 10, 3, events); n != 0 {
		t.Errorf("%d of %d invocations dead-lettered", n, len(events))
	}
	urls, dirs, stale := spent(t, srv, day)
	t.Logf("%s: %d changes in %d invocations; %d URLs and %d directories spent", how, len(day), len(events), urls, dirs)
	if len(stale) > 0 {
		t.Errorf("%d changes left stale, such as %s", len(stale), stale[0])
	}
	if urls != wantURLs || dirs != wantDirs {
		t.Errorf("spent %d URLs and %d directories, want %d and %d", urls, dirs, wantURLs, wantDirs)
	}
}

// An ordinary day is untouched by the planner of scarce days: with the
// store shared and the timer running, every invocation refreshes at once,
// and the day costs what it costs without them.
func TestDayWithThePlannerRunning(t *testing.T) {
	day := testfix.Day()
	events := make([][]byte, len(day))
	for i, c := range day {
		events[i] = c.Native(i)
	}
	shared := store.NewMemory(store.MemoryOptions{})
	srv, instances := dayRig(t, 3, shared)
	res, err := handle(instances[0], withFCCredentials(context.Background(), testAK, testSecret, testToken), timerEvent(time.Now()))
	if err != nil || res.Planner == nil || res.Planner.Note != "" {
		t.Fatalf("the timer's run: %+v, %v; want it to plan, with nothing pending", res, err)
	}
	playDay(t, "one record per invocation, the planner running", srv, instances, day, events, 160, 6)
	if n, err := shared.PendingCount(context.Background()); err != nil || n != 0 {
		t.Errorf("%d changes pending (%v), want none: an ordinary day is not scarce", n, err)
	}
}

// The ordinary day on a virtual clock, one change every 100 ms from 10:00
// (UTC+8), each delivered a second after it is made, on 3 instances that
// share a store, with the planner's timer firing every minute: nothing is
// deferred, the day costs what it costs without the planner, and 99% of
// the changes that had something cached are refreshed within a second of
// being made (their delivery). New segments are left out: nothing is
// cached under a new name, and their playlist's folder refresh covers them.
func TestDayFreshnessWithThePlannerRunning(t *testing.T) {
	start := time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC)
	var changes []floodChange
	for i, c := range testfix.Day() {
		changes = append(changes, floodChange{key: c.Key, at: start.Add(time.Duration(i) * 100 * time.Millisecond), name: c.Event})
	}
	day := newScarceDay(t, store.NewMemory(store.MemoryOptions{}), start, vod.Quota{URLRemain: 2000, DirRemain: 100, PreloadRemain: 500}, changes)
	// The planner runs first, so that it is known to run all day.
	if _, err := handle(day.instances[0], context.Background(), timerEvent(start)); err != nil {
		t.Fatal(err)
	}
	day.run(start.Add(10 * time.Minute))
	urls, dirs := 2000-day.account.Remain.URLRemain, 100-day.account.Remain.DirRemain
	var lags []time.Duration
	for _, c := range changes {
		if c.name == "ObjectCreated:PutObject" && strings.HasSuffix(c.key, ".ts") {
			continue
		}
		lag := time.Duration(-1)
		for _, r := range day.account.log {
			if !r.at.Before(c.at) && covers(r, c.url()) {
				lag = r.at.Sub(c.at)
				break
			}
		}
		if lag < 0 {
			t.Fatalf("%s was never refreshed", c.key)
		}
		lags = append(lags, lag)
	}
	slices.Sort(lags)
	p99 := lags[len(lags)*99/100]
	t.Logf("%d URLs, %d directories; %d changes with something cached, p99 freshness %s; %d deferred", urls, dirs, len(lags), p99, day.deferred)
	if urls > 176 || dirs > 7 || day.deferred != 0 || len(day.queue) != 0 {
		t.Errorf("%d URLs and %d directories, %d deferred, %d queued; want at most 176 and 7, none deferred or queued", urls, dirs, day.deferred, len(day.queue))
	}
	if p99 > time.Second {
		t.Errorf("p99 freshness %s, want at most 1s", p99)
	}
}

// covers reports whether refresh r covers url.
func covers(r timedRefresh, url string) bool {
	for _, p := range r.paths {
		if p == url || (r.objectType == "Directory" && strings.HasPrefix(url, p)) {
			return true
		}
	}
	return false
}

// The audit trail of a day accounts for every call VOD accepted: one
// "refresh call" line each, with its task IDs and what asked for it, and
// no secret.
func TestDayAuditTrail(t *testing.T) {
	day := testfix.Day()
	events := make([][]byte, len(day))
	for i, c := range day {
		events[i] = c.Native(i)
	}
	logs := &testfix.SyncBuffer{}
	srv, instances := dayRig(t, 3, store.NewMemory(store.MemoryOptions{}))
	log := slog.New(slog.NewJSONHandler(logs, nil))
	for _, h := range instances {
		h.log = log
	}
	if n := deliver(instances, 10, 3, events); n != 0 {
		t.Fatalf("%d dead-lettered", n)
	}
	type line struct {
		Msg        string   `json:"msg"`
		ObjectType string   `json:"objectType"`
		Paths      []string `json:"paths"`
		PathsCount int      `json:"pathsCount"`
		TaskIDs    []string `json:"taskIds"`
		URLs       int      `json:"urlsSpent"`
		Dirs       int      `json:"dirsSpent"`
		Outcome    string   `json:"outcome"`
		Causes     []string `json:"causes"`
	}
	audited := map[string]int{}
	urls, dirs := 0, 0
	for _, raw := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var l line
		if json.Unmarshal([]byte(raw), &l) != nil || l.Msg != "refresh call" || l.Outcome != "sent" {
			continue
		}
		if len(l.TaskIDs) == 0 || len(l.Causes) == 0 || !strings.HasPrefix(l.Causes[0], "oss:media-bucket/") {
			t.Errorf("a line without task IDs or causes: %s", raw)
		}
		for _, p := range l.Paths {
			audited[l.ObjectType+" "+p]++
		}
		urls, dirs = urls+l.URLs, dirs+l.Dirs
	}
	accepted := map[string]int{}
	for _, r := range refreshes(srv) {
		for _, p := range r.Paths {
			accepted[r.ObjectType+" "+p]++
		}
	}
	if !maps.Equal(audited, accepted) {
		t.Errorf("audited %d paths, VOD accepted %d: they differ", len(audited), len(accepted))
	}
	if u, d, _ := srv.Quota(); 2000-u != urls || 100-d != dirs {
		t.Errorf("the audit trail spent %d URLs and %d directories, VOD %d and %d", urls, dirs, 2000-u, 100-d)
	}
	assertNoSecret(t, "the audit trail", logs.String())
}

// The report of a played day, read from the store the instances share (a
// real redis-server), counts what the fake VOD counts it spent.
func TestDayReport(t *testing.T) {
	day := testfix.Day()
	events := make([][]byte, len(day))
	for i, c := range day {
		events[i] = c.Native(i)
	}
	st, err := store.OpenRedis(redistest.Start(t).URL(11))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	srv, instances := dayRig(t, 3, st)
	if n := deliver(instances, 10, 3, events); n != 0 {
		t.Fatalf("%d dead-lettered", n)
	}
	d, err := report.Read(context.Background(), st, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	u, dirs, _ := srv.Quota()
	if d.Spent.URLs != 2000-u || d.Spent.Dirs != 100-dirs {
		t.Errorf("the report: spent %+v; VOD spent %d URLs and %d directories", d.Spent, 2000-u, 100-dirs)
	}
	// What is left is the ledger's, never above VOD's. It is lower when a
	// quota read began while another instance's calls were in flight and
	// VOD counted them in it: they are then taken off twice, each at most
	// once (TestSettleAfterAReadingThatHoldsTheSpending, in ledger).
	if l := d.Left; l == nil || l.URLs > u || l.Dirs > dirs || u-l.URLs > d.Spent.URLs || dirs-l.Dirs > d.Spent.Dirs {
		t.Errorf("the report: left %+v, spent %+v; VOD has %d URLs and %d directories left", d.Left, d.Spent, u, dirs)
	}
	if len(d.Top) != 1 || d.Top[0].Cause != "oss:media-bucket" || d.Top[0].URLs != 2000-u {
		t.Errorf("spent by %+v, want media-bucket alone", d.Top)
	}
}
