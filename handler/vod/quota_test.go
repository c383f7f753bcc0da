package vod_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"vodrefresh/handler/internal/vodmem"
	"vodrefresh/handler/vod"
)

// stuck makes every quota read of c block until release is closed.
func stuck(c *vodmem.Client) (release func()) {
	gate := make(chan struct{})
	c.Fail = func(call vodmem.Call) error {
		if call.Action == "DescribeVodRefreshQuota" {
			<-gate
		}
		return nil
	}
	return func() { close(gate) }
}

// A slow quota read holds no lock: while it is in flight, another caller
// plans with the last reading at once, or, with none, gives up when its
// context does, rather than queue behind the read.
func TestQuotaReadHoldsNoLock(t *testing.T) {
	var qc vod.QuotaCache
	c := &vodmem.Client{}
	now := time.Now()
	release := stuck(c)
	first := make(chan error, 1)
	go func() {
		_, _, err := qc.Get(context.Background(), c, time.Minute, now)
		first <- err
	}()
	for c.Calls("DescribeVodRefreshQuota") == 0 {
		time.Sleep(time.Millisecond) // the first read is on its way
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, _, err := qc.Get(ctx, c, time.Minute, now)
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("waiting caller: %v, want its deadline", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a caller queued behind the read in flight")
	}
	release()
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	// A stale reading serves while the next read is in flight.
	release = stuck(c)
	defer release()
	go qc.Get(context.Background(), c, time.Minute, now.Add(time.Hour))
	for c.Calls("DescribeVodRefreshQuota") < 2 {
		time.Sleep(time.Millisecond)
	}
	q, source, err := qc.Get(context.Background(), c, time.Minute, now.Add(time.Hour))
	if err != nil || source != "cache" || q.URLRemain != vod.DailyURLQuota {
		t.Errorf("during the read: %+v from %q, %v", q, source, err)
	}
}

// Reservations are taken off what others plan with, and released or spent
// when the calls are made.
func TestQuotaReservations(t *testing.T) {
	var qc vod.QuotaCache
	c := &vodmem.Client{Remain: vod.Quota{URLRemain: 2000, DirRemain: 100}}
	now := time.Now()
	get := func() vod.Quota {
		q, _, err := qc.Get(context.Background(), c, time.Minute, now)
		if err != nil {
			t.Fatal(err)
		}
		return q
	}
	a, ok := qc.Reserve(999, 0)
	if !ok {
		t.Fatal("the first reservation was refused")
	}
	get()
	b, ok := qc.Reserve(999, 5)
	if !ok || get().URLRemain != 2 || get().DirRemain != 95 {
		t.Fatalf("after two reservations: %v, %+v", ok, get())
	}
	if _, ok := qc.Reserve(3, 0); ok {
		t.Error("a reservation beyond what is left was granted")
	}
	a.Settle(999, 0) // sent
	b.Settle(0, 0)   // failed: released
	if q := get(); q.URLRemain != 1001 || q.DirRemain != 100 {
		t.Errorf("after settling: %+v, want 1001 URLs and 100 directories", q)
	}
}
