package handler

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/internal/testfix"
	"vodrefresh/handler/internal/vodfake"
	"vodrefresh/handler/vod"
)

// A quota read that would take the whole budget is cut short, and the
// invocation still refreshes and answers before its deadline.
func TestSlowQuotaReadLeavesRoom(t *testing.T) {
	srv := startFake(t, nil)
	srv.Script("DescribeVodRefreshQuota", vodfake.Reply{Delay: 10 * time.Second})
	h := fakeHandler(t, srv, planConfig, nil)
	ctx, cancel := context.WithTimeout(withFCCredentials(context.Background(), testAK, testSecret, testToken), time.Second)
	defer cancel()
	dl, _ := ctx.Deadline()
	res, err := h.Handle(ctx, nativeEvent([2]string{"ObjectCreated:PutObject", "images/a.png"}))
	if answered := time.Now(); !answered.Before(dl) {
		t.Errorf("answered %s after the deadline", answered.Sub(dl))
	}
	if err != nil || len(res.Calls) != 1 || !res.Calls[0].Sent || res.Quota.Source != "unavailable" {
		t.Fatalf("result %+v, error %v; want the refresh sent with the quota unavailable", res, err)
	}
}

// An invocation that waits for another's quota read waits only within its
// own budget.
func TestQuotaWaitIsBoundedByOwnDeadline(t *testing.T) {
	srv := startFake(t, nil)
	srv.Script("DescribeVodRefreshQuota", vodfake.Reply{Delay: 10 * time.Second})
	h := fakeHandler(t, srv, planConfig, nil)
	// Each invocation has a context of its own, as FC gives it.
	slowCtx, cancelSlow := context.WithTimeout(withFCCredentials(context.Background(), testAK, testSecret, testToken), 3*time.Second)
	defer cancelSlow()
	first := make(chan struct{})
	go func() {
		defer close(first)
		h.Handle(slowCtx, nativeEvent([2]string{"ObjectCreated:PutObject", "images/first.png"}))
	}()
	defer func() { <-first }()
	time.Sleep(100 * time.Millisecond) // the first holds the quota read
	ctx, cancel := context.WithTimeout(withFCCredentials(context.Background(), testAK, testSecret, testToken), time.Second)
	defer cancel()
	dl, _ := ctx.Deadline()
	res, err := h.Handle(ctx, nativeEvent([2]string{"ObjectCreated:PutObject", "images/second.png"}))
	if answered := time.Now(); !answered.Before(dl) {
		t.Errorf("the second invocation answered %s after its deadline", answered.Sub(dl))
	}
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
	res, err := h.Handle(ctx, nativeEvent([2]string{"ObjectCreated:PutObject", "images/a.png"}))
	var se *vod.SubmitError
	if !errors.As(err, &se) || len(res.Calls) != 1 || res.Calls[0].Attempts != 0 || res.Calls[0].Error.Code != vod.CodeTimeout {
		t.Fatalf("result %+v, error %v; want one unsent call with 0 attempts", res, err)
	}
	if n := len(srv.Requests()) + srv.Rejected(); n != 0 {
		t.Errorf("%d requests reached VOD", n)
	}
	if _, err := h.Invoke(ctx, nativeEvent([2]string{"ObjectCreated:PutObject", "images/a.png"})); err == nil || !strings.Contains(logs.String(), `"calls":0`) {
		t.Errorf("summary: %s", logs.String())
	}
}
