package function

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"vodrefresh/handler/internal/testfix"
	"vodrefresh/handler/internal/vodmem"
)

// Two invocations of 999 URLs each plan at the same time in one instance.
// The first to reserve takes 999 of the 2,000 URLs; the second plans with
// the 1,001 left, half of which is its share, and refreshes its nine
// folders as directories. Without reservations both would plan with 2,000
// and spend 1,998 URLs.
func TestConcurrentInvocationsReserve(t *testing.T) {
	h, c := memHandler(t, "quota: {denseFolder: 100000}\n"+planConfig, 2000, 100)
	var arrived sync.WaitGroup
	arrived.Add(2)
	var first sync.Map // each invocation's first refresh, by its folder images/invN
	c.Fail = func(call vodmem.Call) error {
		if call.Action != "RefreshVodObjectCaches" {
			return nil
		}
		if _, seen := first.LoadOrStore(call.Paths[0][:len("https://img.example.com/images/inv0")], true); !seen {
			arrived.Done() // both have planned before either spends
			arrived.Wait()
		}
		return nil
	}
	events := make([][]byte, 2)
	for n := range events {
		var recs [][2]string
		for i := range 999 {
			recs = append(recs, [2]string{"ObjectCreated:PutObject", fmt.Sprintf("images/inv%d/f%d/%d.png", n, i%9, i)})
		}
		events[n] = nativeEvent(recs...)
	}
	errs := make([]error, 2)
	testfix.Parallel(2, func(i int) { _, errs[i] = handle(h, context.Background(), events[i]) })
	if errs[0] != nil || errs[1] != nil {
		t.Fatal(errs)
	}
	urls, dirs := 0, 0
	for _, r := range c.Refreshes() {
		if r.ObjectType == "Directory" {
			dirs += len(r.Paths)
		} else {
			urls += len(r.Paths)
		}
	}
	if urls != 999 || dirs != 9 {
		t.Errorf("spent %d URLs and %d directories, want 999 and 9", urls, dirs)
	}
}

// A slow quota read of one invocation does not hold up a webhook: it
// plans without waiting longer than a third of its answer time, and
// answers 202 within it.
func TestSlowQuotaReadDoesNotHoldWebhooks(t *testing.T) {
	gate := make(chan struct{})
	defer close(gate)
	c := &vodmem.Client{}
	c.Fail = func(call vodmem.Call) error {
		if call.Action == "DescribeVodRefreshQuota" && c.Calls(call.Action) == 1 {
			<-gate // the first read hangs until the test ends
		}
		return nil
	}
	h, err := New(mustConfig(t, hookConfig+"\noss: [{bucket: media-bucket, urls: ['https://img.example.com/{key}']}]\n"),
		Options{Connector: c, Getenv: func(k string) string { return hookEnv[k] }})
	if err != nil {
		t.Fatal(err)
	}
	go handle(h, context.Background(), nativeEvent([2]string{"ObjectCreated:PutObject", "images/a.png"}))
	for c.Calls("DescribeVodRefreshQuota") == 0 {
		time.Sleep(time.Millisecond)
	}
	body := []byte(`{"paths":["https://img.example.com/b.png"]}`)
	status, reply := invokeHTTP(t, h, httpEvent("POST", "/hooks/open", nil, body, false))
	if status != 202 || reply.Status != "accepted" {
		t.Fatalf("%d %+v", status, reply)
	}
	if reply.Quota == nil || reply.Quota.Source != "unavailable" {
		t.Errorf("quota %+v: the webhook should not have waited for the stuck read", reply.Quota)
	}
}
