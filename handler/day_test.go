package handler

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"vodrefresh/handler/internal/testfix"
	"vodrefresh/handler/internal/vodfake"
)

// change is one object change of the day.
type change struct{ event, key string }

// aDay is a video team's day: a new season uploaded as HLS (6 rendition
// folders of 400 segments, each playlist written after its segments), 120
// cover images uploaded again, and 40 old segments deleted, 4 in each of 10
// folders: 2,566 changes.
func aDay() []change {
	var day []change
	for ep := 1; ep <= 6; ep++ {
		dir := fmt.Sprintf("videos/season2/ep%02d/720p/", ep)
		for s := 1; s <= 400; s++ {
			day = append(day, change{"ObjectCreated:PutObject", fmt.Sprintf("%sseg%04d.ts", dir, s)})
		}
		day = append(day, change{"ObjectCreated:PutObject", dir + "index.m3u8"})
	}
	for c := 1; c <= 120; c++ {
		day = append(day, change{"ObjectCreated:PutObject", fmt.Sprintf("images/covers/cover%03d.jpg", c)})
	}
	for ep := 1; ep <= 10; ep++ {
		for s := 1; s <= 4; s++ {
			day = append(day, change{"ObjectRemoved:DeleteObject", fmt.Sprintf("videos/season1/ep%02d/720p/seg%04d.ts", ep, s*10)})
		}
	}
	return day
}

// record is the OSS record of change i, as OSS writes it.
func (c change) record(i int) map[string]any {
	return map[string]any{
		"eventName": c.event, "eventSource": "acs:oss", "eventTime": "2026-11-24T08:00:00.000Z", "region": "cn-shanghai",
		"oss": map[string]any{"bucket": map[string]string{"name": "media-bucket"},
			"object": map[string]any{"key": c.key, "eTag": fmt.Sprintf("ETAG%05d", i), "size": 1024}},
		"responseElements": map[string]string{"requestId": fmt.Sprintf("REQ%05d", i)},
	}
}

// native is the OSS trigger's event for change i: one record.
func (c change) native(i int) []byte {
	b, _ := json.Marshal(map[string]any{"events": []any{c.record(i)}})
	return b
}

// message is change i as EventBridge puts it on an MNS queue: the whole
// CloudEvent as the message body.
func (c change) message(i int) map[string]any {
	rec := c.record(i)
	delete(rec, "eventName")
	body, _ := json.Marshal(map[string]any{"specversion": "1.0", "id": fmt.Sprintf("EB%05d", i), "source": "acs.oss",
		"type": "oss:" + c.event, "subject": "acs:oss:cn-shanghai:123456789:media-bucket/" + c.key, "data": rec})
	return map[string]any{"id": fmt.Sprintf("MNSEV%05d", i), "source": "MNS-Function-vodrefresh", "specversion": "1.0",
		"type": "mns:Queue:SendMessage", "data": map[string]string{"requestId": fmt.Sprintf("MREQ%05d", i),
			"messageId": fmt.Sprintf("MSG%05d", i), "messageBody": string(body)}}
}

// url is the URL through which the CDN serves the changed object.
func (c change) url() string {
	if strings.HasPrefix(c.key, "images/") {
		return "https://img.example.com/" + c.key
	}
	return "https://video.example.com/" + c.key
}

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
				_, err := h.Handle(withFCCredentials(context.Background(), testAK, testSecret, testToken), ev)
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
func spent(t *testing.T, srv *vodfake.Server, day []change) (urls, dirs int, stale []string) {
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
	for _, c := range day {
		covered := files[c.url()]
		for _, f := range folders {
			covered = covered || strings.HasPrefix(c.url(), f)
		}
		if !covered {
			stale = append(stale, c.key)
		}
	}
	return urls, dirs, stale
}

// dayRig is a fake VOD with the real daily quota and n instances of the
// function on it.
func dayRig(t *testing.T, n int) (*vodfake.Server, []*Handler) {
	srv, err := vodfake.Start(vodfake.Options{Credentials: map[string]string{testAK: testSecret}, Lifetime: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	doc := string(testfix.Read(t, "testdata", "day.yaml"))
	instances := make([]*Handler, n)
	for i := range instances {
		instances[i] = fakeHandler(t, srv, doc, nil)
	}
	return srv, instances
}

// The day delivered as the native OSS trigger delivers it: one record per
// invocation, 3 instances with 10 in flight each, 3 retries. Playlists
// cover their new segments, and each cover and deleted segment is one URL.
func TestDayOneRecordPerInvocation(t *testing.T) {
	day := aDay()
	srv, instances := dayRig(t, 3)
	events := make([][]byte, len(day))
	for i, c := range day {
		events[i] = c.native(i)
	}
	playDay(t, "one record per invocation", srv, instances, day, events, 160, 6)
}

// The day delivered through an MNS queue trigger that hands over 1,000
// messages a batch: the 120 covers are one directory.
func TestDayBatchedThroughMNS(t *testing.T) {
	day := aDay()
	srv, instances := dayRig(t, 3)
	var events [][]byte
	for start := 0; start < len(day); start += 1000 {
		var batch []any
		for i := start; i < min(start+1000, len(day)); i++ {
			batch = append(batch, day[i].message(i))
		}
		b, _ := json.Marshal(batch)
		events = append(events, b)
	}
	playDay(t, "batched through MNS", srv, instances, day, events, 40, 7)
}

// playDay delivers the day's events through the instances, with 10 in
// flight on each and 3 retries, and checks that none ended dead-lettered,
// that no change was left stale, and what the day spent.
func playDay(t *testing.T, how string, srv *vodfake.Server, instances []*Handler, day []change, events [][]byte, wantURLs, wantDirs int) {
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
