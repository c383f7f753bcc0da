package handler

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

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
// was accepted costs nothing, and one for a change made after it is
// refreshed again.
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
	}{
		{"images/shelf/1.jpg", now.Add(-time.Minute), 1, ""},
		{"images/shelf/2.jpg", now.Add(-30 * time.Second), 1, "the directory refresh of https://img.example.com/images/shelf/"},
		{"images/shelf/3.jpg", now.Add(time.Minute), 2, ""},
	} {
		res, err := handle(h, context.Background(), changed(tt.key, tt.at))
		if err != nil {
			t.Fatalf("%s: %v", tt.key, err)
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
