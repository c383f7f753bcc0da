package function

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/internal/testfix"
	"vodrefresh/handler/internal/vodfake"
	"vodrefresh/handler/submit"
	"vodrefresh/handler/vod"
)

// delayedHandler is the function against a fake VOD that answers action
// only after delay.
func delayedHandler(t *testing.T, action string, delay time.Duration) (*Handler, *vodfake.Server) {
	t.Helper()
	srv := startFake(t, nil)
	srv.Script(action, vodfake.Reply{Delay: delay})
	return fakeHandler(t, srv, planConfig, nil), srv
}

// awaitRequest waits until srv has received a request for action, polling
// for at most 10 s.
func awaitRequest(t *testing.T, srv *vodfake.Server, action string) {
	t.Helper()
	for range 1000 {
		for _, r := range srv.Requests() {
			if r.Action == action {
				return
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no %s request reached the fake VOD", action)
}

// handleWithin handles an OSS event for key as one FC invocation with
// timeout, and fails the test if the answer came after the deadline.
func handleWithin(t *testing.T, h *Handler, timeout time.Duration, key string) (*submit.Result, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(withFCCredentials(context.Background(), testAK, testSecret, testToken), timeout)
	defer cancel()
	dl, _ := ctx.Deadline()
	res, err := handle(h, ctx, nativeEvent([2]string{"ObjectCreated:PutObject", key}))
	if answered := time.Now(); !answered.Before(dl) {
		t.Errorf("%s: answered %s after the deadline", key, answered.Sub(dl))
	}
	return res, err
}

// A quota read that would take the whole budget is cut short, and the
// invocation still refreshes and answers before its deadline.
func TestSlowQuotaReadLeavesRoom(t *testing.T) {
	h, _ := delayedHandler(t, "DescribeVodRefreshQuota", 10*time.Second)
	res, err := handleWithin(t, h, time.Second, "images/a.png")
	if err != nil || len(res.Calls) != 1 || !res.Calls[0].Sent || res.Quota.Source != "unavailable" {
		t.Fatalf("result %+v, error %v; want the refresh sent with the quota unavailable", res, err)
	}
}

// An invocation that waits for another's quota read waits only within its
// own budget.
func TestQuotaWaitIsBoundedByOwnDeadline(t *testing.T) {
	h, srv := delayedHandler(t, "DescribeVodRefreshQuota", 10*time.Second)
	first := make(chan struct{})
	go func() { // its own context, as FC gives each invocation
		defer close(first)
		ctx, cancel := context.WithTimeout(withFCCredentials(context.Background(), testAK, testSecret, testToken), 3*time.Second)
		defer cancel()
		handle(h, ctx, nativeEvent([2]string{"ObjectCreated:PutObject", "images/first.png"}))
	}()
	defer func() { <-first }()
	awaitRequest(t, srv, "DescribeVodRefreshQuota") // the first holds the quota read
	res, err := handleWithin(t, h, time.Second, "images/second.png")
	if err != nil || len(res.Calls) != 1 || !res.Calls[0].Sent {
		t.Errorf("result %+v, error %v; want the refresh sent", res, err)
	}
}

// A call that never left the process (no time was left) reports 0
// attempts, and the summary line does not count it.
func TestUnsentCallIsNotCounted(t *testing.T) {
	srv := startFake(t, nil)
	var logs testfix.SyncBuffer
	h := fakeHandler(t, srv, planConfig, nil, slog.New(slog.NewJSONHandler(&logs, nil)))
	ctx, cancel := context.WithDeadline(withFCCredentials(context.Background(), testAK, testSecret, testToken), time.Now().Add(-time.Millisecond))
	defer cancel()
	res, err := handle(h, ctx, nativeEvent([2]string{"ObjectCreated:PutObject", "images/a.png"}))
	var se *submit.Error
	if !errors.As(err, &se) || len(res.Calls) != 1 || res.Calls[0].Attempts != 0 || res.Calls[0].Error.Code != vod.CodeTimeout {
		t.Fatalf("result %+v, error %v; want one unsent call with 0 attempts", res, err)
	}
	if n := len(srv.Requests()) + srv.Rejected(); n != 0 {
		t.Errorf("%d requests reached VOD", n)
	}
	if _, err := invokeJSON(h, ctx, nativeEvent([2]string{"ObjectCreated:PutObject", "images/a.png"})); err == nil || !strings.Contains(logs.String(), `"calls":0`) {
		t.Errorf("summary: %s", logs.String())
	}
}

// A 25,000-record upload into one folder plans within its deadline, and
// the invocation answers before it, whatever it managed to do.
func TestLargeUploadAnswersWithinDeadline(t *testing.T) {
	srv := startFake(t, nil)
	h := fakeHandler(t, srv, planConfig, nil)
	recs := make([][2]string, 25000)
	for i := range recs {
		recs[i] = [2]string{"ObjectCreated:PutObject", fmt.Sprintf("images/upload/photo-%d.jpg", i)}
	}
	ctx, cancel := context.WithTimeout(withFCCredentials(context.Background(), testAK, testSecret, testToken), 5*time.Second)
	defer cancel()
	dl, _ := ctx.Deadline()
	res, err := handle(h, ctx, nativeEvent(recs...))
	if answered := time.Now(); !answered.Before(dl) {
		t.Fatalf("answered %s after the deadline", answered.Sub(dl))
	}
	if err != nil {
		t.Fatalf("error %v", err)
	}
	if len(res.Coalesced) != 1 || res.Coalesced[0].Count != 25000 || srv.Calls("RefreshVodObjectCaches") != 1 {
		t.Fatalf("coalesced %d directories, %d calls; want the upload as one directory in one call", len(res.Coalesced), srv.Calls("RefreshVodObjectCaches"))
	}
	// The answer lists the first submit.MaxListed covered URLs, and counts
	// them all: a crafted event cannot make it larger than itself.
	if n := len(res.Coalesced[0].Paths); n != submit.MaxListed {
		t.Errorf("the answer lists %d covered URLs, want %d", n, submit.MaxListed)
	}
}
