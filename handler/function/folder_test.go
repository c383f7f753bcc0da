package function

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/history"
	"vodrefresh/handler/internal/vodmem"
	"vodrefresh/handler/vod"
)

// changed is a native OSS event of one overwritten image, made at t, with
// an identity (its request ID).
func changed(key string, t time.Time) []byte {
	return []byte(fmt.Sprintf(`{"events":[{"eventName":"ObjectCreated:PutObject","eventTime":%q,`+
		`"oss":{"bucket":{"name":"media-bucket"},"object":{"key":%q,"eTag":"E"}},"responseElements":{"requestId":"R-%s"}}]}`,
		t.UTC().Format(time.RFC3339Nano), key, key))
}

// With the URLs spent, a single-record invocation refreshes its folder as
// a directory; a later invocation for a change made before that refresh
// was accepted costs nothing, and one for a change made after it is held
// back (TestBurstIsHeldBack follows it).
func TestFolderMemory(t *testing.T) {
	account := &vodmem.Client{Remain: vod.Quota{URLRemain: 0, DirRemain: 10, PreloadRemain: 1}}
	h, err := New(mustConfig(t, planConfig), Options{Connector: account, Backoff: vod.Backoff{Attempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for _, tt := range []struct {
		key       string
		at        time.Time
		refreshes int // how many calls VOD has accepted after this one
		skipped   string
		deferred  bool
	}{
		{"images/shelf/1.jpg", now.Add(-time.Minute), 1, "", false},
		{"images/shelf/2.jpg", now.Add(-30 * time.Second), 1, "the directory refresh of https://img.example.com/images/shelf/", false},
		{"images/shelf/3.jpg", now.Add(time.Minute), 1, "", true},
	} {
		res, err := handle(h, context.Background(), changed(tt.key, tt.at))
		var d *history.Deferred
		if tt.deferred != errors.As(err, &d) || (!tt.deferred && err != nil) {
			t.Fatalf("%s: %v; deferred: %v", tt.key, err, tt.deferred)
		}
		if n := len(account.Refreshes()); n != tt.refreshes {
			t.Errorf("%s: %d refreshes accepted, want %d", tt.key, n, tt.refreshes)
		}
		last := account.Refreshes()[len(account.Refreshes())-1]
		if last.ObjectType != "Directory" || last.Paths[0] != "https://img.example.com/images/shelf/" {
			t.Errorf("%s: last refresh %+v, want the folder as a directory", tt.key, last)
		}
		if tt.skipped != "" && (len(res.Skipped) != 1 || !strings.Contains(res.Skipped[0].Reason, tt.skipped)) {
			t.Errorf("%s: skipped %+v, want the reason to name %q", tt.key, res.Skipped, tt.skipped)
		}
	}
}

// With the URLs spent, a change into a folder refreshed as a directory
// moments before it is held back (the invocation fails, for FC to retry);
// once the burst is over, the retry refreshes the folder once, and that
// refresh covers the other changes of the burst.
func TestBurstIsHeldBack(t *testing.T) {
	clock := &floodClock{now: time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)}
	account := &vodmem.Client{Remain: vod.Quota{URLRemain: 0, DirRemain: 10, PreloadRemain: 1}}
	h, err := New(mustConfig(t, planConfig), Options{Connector: account, Now: clock.Now, Backoff: vod.Backoff{Attempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	start := clock.Now()
	first, second, third := changed("images/burst/1.jpg", start), changed("images/burst/2.jpg", start.Add(2*time.Second)), changed("images/burst/3.jpg", start.Add(3*time.Second))
	clock.set(start.Add(time.Second))
	if _, err := handle(h, context.Background(), first); err != nil || len(account.Refreshes()) != 1 {
		t.Fatalf("first change: %v, %d refreshes; want the folder refreshed", err, len(account.Refreshes()))
	}
	clock.set(start.Add(3 * time.Second))
	for _, ev := range [][]byte{second, third} {
		_, err := handle(h, context.Background(), ev)
		var d *history.Deferred
		if !errors.As(err, &d) || d.Folder != "https://img.example.com/images/burst/" {
			t.Fatalf("a change during the burst: %v, want it deferred for the folder", err)
		}
	}
	clock.set(start.Add(2 * time.Minute)) // FC's retries
	for _, ev := range [][]byte{second, third} {
		if _, err := handle(h, context.Background(), ev); err != nil {
			t.Fatalf("retry: %v", err)
		}
	}
	if n := len(account.Refreshes()); n != 2 {
		t.Errorf("%d refreshes, want 2: the folder once for the first change, once for the burst", n)
	}
}
