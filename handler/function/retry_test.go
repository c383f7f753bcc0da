package function

import (
	"context"
	"slices"
	"strings"
	"testing"

	"vodrefresh/handler/internal/testfix"
	"vodrefresh/handler/internal/vodfake"
)

// sentPaths lists, in order, the paths of the refresh calls that reached
// the fake, whatever it answered.
func sentPaths(srv *vodfake.Server) []string {
	var out []string
	for _, r := range refreshes(srv) {
		out = append(out, r.Paths...)
	}
	return out
}

// oneByOne starts a fake VOD and a handler of doc that sends one file a
// call, and returns them with an invocation's context.
func oneByOne(t *testing.T, doc string) (*vodfake.Server, *Handler, context.Context) {
	t.Helper()
	srv := startFake(t, nil)
	return srv, fakeHandler(t, srv, "batch: {files: 1}\n"+doc, nil), withFCCredentials(context.Background(), testAK, testSecret, testToken)
}

// An event of three calls whose last call fails: FC's retries submit the
// first two paths once, and the third until it goes through.
func TestRedeliverySubmitsNothingTwice(t *testing.T) {
	srv, h, ctx := oneByOne(t, planConfig)
	event := ossEvent("REQ", [][2]string{
		{"ObjectCreated:PutObject", "images/a.png"},
		{"ObjectCreated:PutObject", "images/b.png"},
		{"ObjectCreated:PutObject", "images/c.png"},
	})
	permanent := vodfake.ErrorReply("InvalidDomain.Offline")
	srv.Script("RefreshVodObjectCaches", vodfake.Served, vodfake.Served, permanent, permanent, permanent)
	for attempt := range 4 {
		res, err := handle(h, ctx, event)
		if (attempt < 3) != (err != nil) {
			t.Fatalf("attempt %d: error %v", attempt, err)
		}
		if attempt > 0 && len(res.Skipped) != 2 {
			t.Errorf("attempt %d: skipped %+v, want the two paths submitted before", attempt, res.Skipped)
		}
	}
	// Every attempt sends c; a and b went through on the first.
	want := []string{"https://img.example.com/images/a.png", "https://img.example.com/images/b.png",
		"https://img.example.com/images/c.png", "https://img.example.com/images/c.png", "https://img.example.com/images/c.png", "https://img.example.com/images/c.png"}
	if got := sentPaths(srv); !slices.Equal(got, want) {
		t.Errorf("VOD received %q, want %q", got, want)
	}
	if urls, _, _ := srv.Quota(); urls != 2000-3 {
		t.Errorf("%d URLs spent, want 3", 2000-urls)
	}
	// A new change to the same object is a new event: it is refreshed.
	again := ossEvent("NEW", [][2]string{{"ObjectCreated:PutObject", "images/a.png"}})
	if _, err := handle(h, ctx, again); err != nil || srv.Calls("RefreshVodObjectCaches") != 7 {
		t.Errorf("a new change: %v, %d calls", err, srv.Calls("RefreshVodObjectCaches"))
	}
}

// An invocation whose refreshes did not all go through prefetches nothing;
// its retry prefetches every created object, once.
func TestPrefetchWaitsForEveryRefresh(t *testing.T) {
	srv, h, ctx := oneByOne(t, followConfig)
	event := ossEvent("REQ", [][2]string{
		{"ObjectCreated:PutObject", "videos/a.mp4"},
		{"ObjectCreated:PutObject", "images/b.png"},
	})
	srv.Script("RefreshVodObjectCaches", vodfake.Served, vodfake.ErrorReply("InvalidDomain.Offline"))
	res, err := handle(h, ctx, event)
	if err == nil || srv.Calls("PreloadVodObjectCaches") != 0 || res.Prefetch == nil || len(res.Prefetch.Skipped) != 1 {
		t.Fatalf("first attempt: %v, %d preloads, prefetch %+v", err, srv.Calls("PreloadVodObjectCaches"), res.Prefetch)
	}
	if res, err = handle(h, ctx, event); err != nil {
		t.Fatal(err)
	}
	if srv.Calls("PreloadVodObjectCaches") != 1 || res.Prefetch == nil || !slices.Equal(res.Prefetch.Paths, []string{"https://video.example.com/videos/a.mp4"}) {
		t.Errorf("retry: %d preloads, prefetch %+v", srv.Calls("PreloadVodObjectCaches"), res.Prefetch)
	}
}

// An MNS batch with messages that cannot be read: the others are refreshed,
// the invocation fails naming the bad ones, and the batch's retry spends
// nothing twice.
func TestMNSBatchWithBadMessages(t *testing.T) {
	srv := startFake(t, nil)
	h := fakeHandler(t, srv, planConfig, nil)
	ctx := withFCCredentials(context.Background(), testAK, testSecret, testToken)
	batch := testfix.Read(t, "..", "event", "testdata", "mns-bad.json")
	want := []string{"https://img.example.com/images/covers/c2.jpg", "https://img.example.com/images/covers/c3.jpg"}
	for attempt := range 3 {
		_, err := handle(h, ctx, batch)
		if err == nil || !strings.Contains(err.Error(), "4 MNS messages could not be read") {
			t.Fatalf("attempt %d: error %v", attempt, err)
		}
		for _, id := range []string{"M-0102", "M-0103", "M-0104", "M-0105"} {
			if !strings.Contains(err.Error(), id) {
				t.Errorf("attempt %d: %q does not name %s", attempt, err, id)
			}
		}
		if got := sentPaths(srv); !slices.Equal(got, want) {
			t.Errorf("attempt %d: VOD received %q, want %q once", attempt, got, want)
		}
	}
}
