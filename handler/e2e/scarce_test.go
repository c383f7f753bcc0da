package e2e

import (
	"container/heap"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"vodrefresh/handler/internal/fcemu"
	"vodrefresh/handler/internal/redistest"
	"vodrefresh/handler/internal/vodfake"
)

// clockBinary is the function built with the tag vodrefresh_testclock, so
// that it reads its clock from the file VODREFRESH_TEST_CLOCK names; built
// once, for the tests that play a day on a virtual clock.
var clockBinary = sync.OnceValues(func() (string, error) {
	out := filepath.Join(tmpDir, "vodrefresh-testclock")
	return out, build(out, ".", raceEnabled, "vodrefresh_testclock")
})

// scarceConfig plans images on the image domain.
const scarceConfig = `
domains: [https://img.example.com]
oss:
  - bucket: media-bucket
    prefix: images/
    urls: ["https://img.example.com/{key}"]
`

// virtualClock is the time the function's processes read, from a file.
type virtualClock struct {
	path string
	now  time.Time
}

func (c *virtualClock) set(t *testing.T, at time.Time) {
	t.Helper()
	c.now = at
	if err := os.WriteFile(c.path, []byte(at.UTC().Format(time.RFC3339Nano)), 0o600); err != nil {
		t.Fatal(err)
	}
}

// change is one changed image, and when it was changed.
type change struct {
	key string
	at  time.Time
}

func (c change) url() string { return "https://img.example.com/" + c.key }

// event is the OSS trigger's event for change i: one record.
func (c change) event(i int) []byte {
	return []byte(fmt.Sprintf(`{"events":[{"eventName":"ObjectCreated:PutObject","eventTime":%q,`+
		`"oss":{"bucket":{"name":"media-bucket"},"object":{"key":%q,"eTag":"E%d"}},"responseElements":{"requestId":"SCARCE-%05d"}}]}`,
		c.at.UTC().Format(time.RFC3339Nano), c.key, i, i))
}

// due is an invocation due at a time: change's attempt.
type due struct {
	at      time.Time
	change  int
	attempt int
}

type dueHeap []due

func (d dueHeap) Len() int           { return len(d) }
func (d dueHeap) Less(i, j int) bool { return d[i].at.Before(d[j].at) }
func (d dueHeap) Swap(i, j int)      { d[i], d[j] = d[j], d[i] }
func (d *dueHeap) Push(x any)        { *d = append(*d, x.(due)) }
func (d *dueHeap) Pop() any {
	old := *d
	x := old[len(old)-1]
	*d = old[:len(old)-1]
	return x
}

// accepted is a refresh the fake VOD accepted, at a virtual time.
type accepted struct {
	at         time.Time
	objectType string
	paths      []string
}

// scarceRun plays a scarce day through 3 processes of the compiled
// function that share a redis-server, one invocation at a time on a
// virtual clock; the function's timer fires every virtual minute.
type scarceRun struct {
	t        *testing.T
	clock    *virtualClock
	vod      *vodfake.Server
	procs    []*rig
	changes  []change
	due      *dueHeap
	queue    []int
	deferred int
	log      []accepted
	seen     int // the fake's requests stamped so far
	n        int
	tick     time.Time
}

// invoke runs event on the next process and stamps the refreshes it made
// with the virtual time.
func (r *scarceRun) invoke(event []byte) fcemu.Outcome {
	r.n++
	o := r.procs[r.n%len(r.procs)].invoke(r.t, event, fcemu.Invocation{})
	reqs := r.vod.Requests()
	for _, q := range reqs[r.seen:] {
		if q.Action == "RefreshVodObjectCaches" {
			r.log = append(r.log, accepted{r.clock.now, q.ObjectType, q.Paths})
		}
	}
	r.seen = len(reqs)
	return o
}

// run delivers what is due until until; the timer fires on each minute
// while anything is due or pending. FC retries a failed invocation after
// 1, 2 and 4 minutes, then writes it to the queue.
func (r *scarceRun) run(until time.Time) {
	idle := 0
	for {
		next := r.tick.Add(time.Minute)
		if r.due.Len() > 0 && (*r.due)[0].at.Before(next) {
			d := heap.Pop(r.due).(due)
			r.clock.set(r.t, d.at)
			o := r.invoke(r.changes[d.change].event(d.change))
			switch {
			case o.Error == nil:
			case d.attempt < 3:
				if strings.Contains(o.Error.Message, "deferred") {
					r.deferred++
				}
				heap.Push(r.due, due{d.at.Add(time.Minute << d.attempt), d.change, d.attempt + 1})
			default:
				r.queue = append(r.queue, d.change)
			}
			idle = 0
			continue
		}
		if next.After(until) {
			return
		}
		r.tick = next
		r.clock.set(r.t, next)
		o := r.invoke([]byte(fmt.Sprintf(`{"triggerTime":%q,"triggerName":"planner","payload":"plan"}`, next.UTC().Format(time.RFC3339))))
		var res struct {
			Pending int `json:"pending"`
		}
		if o.Error != nil || json.Unmarshal(o.Response, &res) != nil {
			r.t.Fatalf("the timer at %s: %s, %+v", next, o.Response, o.Error)
		}
		// Nothing due and nothing pending: the rest of the day is quiet.
		if idle++; r.due.Len() == 0 && res.Pending == 0 && idle > 3 {
			r.tick = until
			return
		}
	}
}

// stale counts the changes that no refresh accepted after them covers.
func (r *scarceRun) stale() int {
	n := 0
	for _, c := range r.changes {
		covered := false
		for _, a := range r.log {
			if a.at.Before(c.at) {
				continue
			}
			for _, p := range a.paths {
				if p == c.url() || (a.objectType == "Directory" && strings.HasPrefix(c.url(), p)) {
					covered = true
				}
			}
		}
		if !covered {
			n++
		}
	}
	return n
}

// twice counts the refreshes of a change beyond the first after it.
func (r *scarceRun) twice() int {
	n := 0
	for _, c := range r.changes {
		covers := 0
		for _, a := range r.log {
			for _, p := range a.paths {
				if !a.at.Before(c.at) && (p == c.url() || (a.objectType == "Directory" && strings.HasPrefix(c.url(), p))) {
					covers++
				}
			}
		}
		n += max(0, covers-1)
	}
	return n
}

// destinationBatch is the queue trigger's batch of FC destination records
// for the failed invocations of the changes which.
func (r *scarceRun) destinationBatch(which []int) []byte {
	var msgs []map[string]string
	for _, i := range which {
		record, _ := json.Marshal(map[string]any{"timestamp": 0, "requestPayload": string(r.changes[i].event(i)),
			"requestContext":  map[string]any{"requestId": fmt.Sprintf("fc-%d", i), "condition": "UnhandledInvocationError"},
			"responseContext": map[string]any{"statusCode": 200, "functionError": "UnhandledInvocationError"}})
		msgs = append(msgs, map[string]string{"messageId": fmt.Sprintf("Q-%05d", i), "messageBody": string(record)})
	}
	b, _ := json.Marshal(msgs)
	return b
}

// The scarce day of a catalog re-export, through the compiled binary under
// the FC emulator: 3,600 images in 180 folders of 20 (one every 100 ms),
// 100 covers (one every 3.6 s) and 30 deletions from 10:00 (UTC+8), one
// record per invocation, on 3 processes sharing a real redis-server, FC
// retrying after 1, 2 and 4 minutes, the planner's timer every minute.
func TestScarceDayThroughTheBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("plays thousands of invocations")
	}
	bin, err := clockBinary()
	if err != nil {
		t.Fatal(err)
	}
	redis := redistest.Start(t)
	vod, err := vodfake.Start(vodfake.Options{Credentials: map[string]string{stsKey: stsSecret, envKey: envSecret}, Lifetime: 15 * time.Minute, MaxRequests: 1_000_000})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(vod.Close)
	start := time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC)
	clock := &virtualClock{path: filepath.Join(t.TempDir(), "clock")}
	clock.set(t, start)
	run := &scarceRun{t: t, clock: clock, vod: vod, due: &dueHeap{}, tick: start}
	for range 3 {
		run.procs = append(run.procs, newProcessOf(t, bin, 15*time.Minute, vod, scarceConfig, map[string]string{
			"REFRESH_STORE_URL": redis.URL(5), "VODREFRESH_TEST_CLOCK": clock.path}))
	}
	for i := range 3600 {
		run.changes = append(run.changes, change{fmt.Sprintf("images/catalog/f%03d/img%02d.jpg", i/20, i%20), start.Add(time.Duration(i) * 100 * time.Millisecond)})
	}
	for i := range 100 {
		run.changes = append(run.changes, change{fmt.Sprintf("images/covers/cover%03d.jpg", i), start.Add(time.Duration(i)*3600*time.Millisecond + 50*time.Millisecond)})
	}
	for i := range 30 {
		run.changes = append(run.changes, change{fmt.Sprintf("images/archive/a%02d/old.jpg", i), start.Add(6*time.Minute + time.Duration(i)*time.Second)})
	}
	for i, c := range run.changes {
		heap.Push(run.due, due{c.at.Add(time.Second), i, 0})
	}
	run.run(time.Date(2026, 11, 24, 15, 59, 0, 0, time.UTC)) // 23:59 in UTC+8
	staleAtEnd, queued := run.stale(), len(run.queue)
	urls, dirs, _ := vod.Quota()
	// Past midnight the quota is whole again; the queue hands over what it
	// holds, a minute apart, while the timer goes on.
	vod.ResetQuota()
	run.run(time.Date(2026, 11, 24, 16, 2, 0, 0, time.UTC))
	deadLettered := 0
	for from := 0; from < len(run.queue); from += 1000 {
		batch := run.queue[from:min(from+1000, len(run.queue))]
		failed := true
		for try := 0; try < 5 && failed; try++ {
			run.run(clock.now.Add(time.Minute))
			failed = run.invoke(run.destinationBatch(batch)).Error != nil
		}
		if failed {
			deadLettered += len(batch)
		}
	}
	t.Logf("the day: %d URLs, %d directories, %d invocations deferred, %d stale at its end, %d queued; after the reset: %d stale, %d dead-lettered; %d refreshed twice; %d invocations",
		2000-urls, 100-dirs, run.deferred, staleAtEnd, queued, run.stale(), deadLettered, run.twice(), run.n)
	if limit := len(run.changes) * 5 / 100; staleAtEnd > limit {
		t.Errorf("%d changes stale at the day's end, want at most %d (5%%)", staleAtEnd, limit)
	}
	if n := run.stale(); n != 0 || deadLettered != 0 {
		t.Errorf("after the reset: %d stale, %d dead-lettered for good; want none", n, deadLettered)
	}
	if n := run.twice(); n != 0 {
		t.Errorf("%d changes refreshed more than once", n)
	}
	if run.deferred == 0 {
		t.Error("no invocation was deferred to the planner")
	}
}
