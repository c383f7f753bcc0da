package function

import (
	"cmp"
	"container/heap"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"vodrefresh/handler/internal/testfix"
	"vodrefresh/handler/internal/vodmem"
	"vodrefresh/handler/store"
	"vodrefresh/handler/vod"
)

// A flood day: a catalog re-export overwrites 4,000 images in 200 folders
// of 20, one every 100 ms, more than the day's 2,000 URLs can carry. OSS
// delivers one object per invocation, a second after it is written, to 3
// instances; FC retries a failed invocation 3 times (after 1, 2 and 4
// minutes) and then writes it to the queue that the queue trigger reads,
// which retries its batches past the midnight reset. The day runs on a
// virtual clock, one invocation at a time.

// floodClock is the flood day's virtual clock.
type floodClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *floodClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *floodClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// timedRefresh is a refresh that VOD accepted, and when.
type timedRefresh struct {
	at         time.Time
	objectType string
	paths      []string
}

// timedAccount is the in-memory VOD account, with the virtual time of
// every refresh it accepts.
type timedAccount struct {
	*vodmem.Client
	clock *floodClock
	log   []timedRefresh
}

func (a *timedAccount) Refresh(ctx context.Context, objectType string, paths []string) (vod.Reply, error) {
	r, err := a.Client.Refresh(ctx, objectType, paths)
	if err == nil {
		a.log = append(a.log, timedRefresh{a.clock.Now(), objectType, append([]string(nil), paths...)})
	}
	return r, err
}

func (a *timedAccount) Dial(vod.STS) (vod.Client, error) { return a, nil }

// floodChange is one changed object: overwritten, unless name says
// otherwise.
type floodChange struct {
	key  string
	at   time.Time
	name string // the OSS event's name; "" for ObjectCreated:PutObject
}

func (c floodChange) url() string {
	if strings.HasPrefix(c.key, "videos/") {
		return "https://video.example.com/" + c.key
	}
	return "https://img.example.com/" + c.key
}

func (c floodChange) event(i int) []byte {
	return []byte(fmt.Sprintf(`{"events":[{"eventName":%q,"eventTime":%q,`+
		`"oss":{"bucket":{"name":"media-bucket"},"object":{"key":%q,"eTag":"E%d"}},"responseElements":{"requestId":"FLOOD-%05d"}}]}`,
		cmp.Or(c.name, "ObjectCreated:PutObject"), c.at.UTC().Format(time.RFC3339Nano), c.key, i, i))
}

// delivery is an invocation due at a time.
type delivery struct {
	at      time.Time
	change  int
	attempt int
}

type deliveries []delivery

func (d deliveries) Len() int           { return len(d) }
func (d deliveries) Less(i, j int) bool { return d[i].at.Before(d[j].at) }
func (d deliveries) Swap(i, j int)      { d[i], d[j] = d[j], d[i] }
func (d *deliveries) Push(x any)        { *d = append(*d, x.(delivery)) }
func (d *deliveries) Pop() any {
	old := *d
	x := old[len(old)-1]
	*d = old[:len(old)-1]
	return x
}

// floodResult is what a flood day cost and left.
type floodResult struct {
	urls, dirs           int // spent on the day
	staleAtEndOfDay      int
	queued               int // events FC wrote to the queue
	urlsAfter, dirsAfter int // spent after the reset
	staleAfterReset      int
	deadLettered         int // events still failing after the queue's retries
}

// stale counts the changes that no refresh accepted after them covers.
func stale(changes []floodChange, log []timedRefresh) int {
	n := 0
	for _, c := range changes {
		u, covered := c.url(), false
		for _, r := range log {
			if r.at.Before(c.at) {
				continue
			}
			for _, p := range r.paths {
				if p == u || (r.objectType == "Directory" && strings.HasPrefix(u, p)) {
					covered = true
					break
				}
			}
			if covered {
				break
			}
		}
		if !covered {
			n++
		}
	}
	return n
}

// playFlood runs the flood day; shared says whether the instances share
// one store.
func playFlood(t *testing.T, shared bool) floodResult {
	start := time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC) // 10:00 in UTC+8
	clock := &floodClock{now: start}
	account := &timedAccount{Client: &vodmem.Client{Remain: vod.Quota{URLRemain: 2000, DirRemain: 100, PreloadRemain: 500}}, clock: clock}
	cfg := mustConfig(t, string(testfix.Read(t, "testdata", "day.yaml")))
	var common store.Store
	if shared {
		common = store.NewMemory(store.MemoryOptions{})
	}
	instances := make([]*Handler, 3)
	for i := range instances {
		h, err := New(cfg, Options{Connector: account, Store: common, Now: clock.Now, Backoff: vod.Backoff{Attempts: 1}})
		if err != nil {
			t.Fatal(err)
		}
		instances[i] = h
	}
	var changes []floodChange
	for i := range 4000 {
		changes = append(changes, floodChange{key: fmt.Sprintf("images/catalog/f%03d/img%02d.jpg", i/20, i%20), at: start.Add(time.Duration(i) * 100 * time.Millisecond)})
	}
	due := &deliveries{}
	for i, c := range changes {
		heap.Push(due, delivery{c.at.Add(time.Second), i, 0})
	}
	var queue []int
	for n := 0; due.Len() > 0; n++ {
		d := heap.Pop(due).(delivery)
		clock.set(d.at)
		if _, err := handle(instances[n%3], context.Background(), changes[d.change].event(d.change)); err == nil {
			continue
		}
		if d.attempt < 3 {
			heap.Push(due, delivery{d.at.Add(time.Minute << d.attempt), d.change, d.attempt + 1})
		} else {
			queue = append(queue, d.change)
		}
	}
	var res floodResult
	res.urls, res.dirs = 2000-account.Remain.URLRemain, 100-account.Remain.DirRemain
	res.staleAtEndOfDay, res.queued = stale(changes, account.log), len(queue)
	// Past midnight in UTC+8 the quota is whole again, and the queue's
	// retries hand over what it holds, 1,000 messages a batch.
	clock.set(time.Date(2026, 11, 24, 16, 5, 0, 0, time.UTC))
	account.Remain = vod.Quota{URLRemain: 2000, DirRemain: 100, PreloadRemain: 500}
	for from := 0; from < len(queue); from += 1000 {
		batch := queue[from:min(from+1000, len(queue))]
		failed := true
		for try := 0; try < 5 && failed; try++ {
			clock.set(clock.Now().Add(time.Minute))
			_, err := handle(instances[from%3], context.Background(), destinationBatch(changes, batch))
			failed = err != nil
		}
		if failed {
			res.deadLettered += len(batch)
		}
	}
	res.urlsAfter, res.dirsAfter = 2000-account.Remain.URLRemain, 100-account.Remain.DirRemain
	res.staleAfterReset = stale(changes, account.log)
	return res
}

// destinationBatch is the queue trigger's batch of FC destination records
// for the failed invocations of changes.
func destinationBatch(changes []floodChange, which []int) []byte {
	var msgs []map[string]string
	for _, i := range which {
		record, _ := json.Marshal(map[string]any{"timestamp": 0, "requestPayload": string(changes[i].event(i)),
			"requestContext":  map[string]any{"requestId": fmt.Sprintf("fc-%d", i), "condition": "UnhandledInvocationError"},
			"responseContext": map[string]any{"statusCode": 200, "functionError": "UnhandledInvocationError"}})
		msgs = append(msgs, map[string]string{"messageId": fmt.Sprintf("Q-%05d", i), "messageBody": string(record)})
	}
	b, _ := json.Marshal(msgs)
	return b
}

func TestFloodDay(t *testing.T) {
	for _, shared := range []bool{true, false} {
		name := map[bool]string{true: "with the store", false: "without it"}[shared]
		t.Run(name, func(t *testing.T) {
			r := playFlood(t, shared)
			t.Logf("%s: day: %d URLs, %d directories, %d stale at its end, %d queued; after the reset: %d URLs, %d directories, %d stale, %d dead-lettered for good",
				name, r.urls, r.dirs, r.staleAtEndOfDay, r.queued, r.urlsAfter, r.dirsAfter, r.staleAfterReset, r.deadLettered)
			if r.queued > 0 && r.dirs < 100 {
				t.Errorf("%d events were queued for want of quota while %d directories stayed unused", r.queued, 100-r.dirs)
			}
			if r.staleAfterReset != 0 || r.deadLettered != 0 {
				t.Errorf("after the reset: %d changes stale, %d dead-lettered for good; want none", r.staleAfterReset, r.deadLettered)
			}
		})
	}
}
