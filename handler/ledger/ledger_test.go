package ledger

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"vodrefresh/handler/internal/vodmem"
	"vodrefresh/handler/store"
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
	// In a bubble, time moves only when every goroutine is blocked: the
	// 50 ms budget below passes exactly, and synctest.Wait replaces polling.
	synctest.Test(t, func(t *testing.T) {
		qc := New(store.NewMemory(store.MemoryOptions{}))
		c := &vodmem.Client{}
		now := time.Now()
		release := stuck(c)
		first := make(chan error, 1)
		go func() {
			_, _, err := qc.Read(context.Background(), c, time.Minute, now)
			first <- err
		}()
		synctest.Wait() // the first read is in flight, and stuck
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		started := time.Now()
		_, _, err := qc.Read(ctx, c, time.Minute, now)
		if ae, ok := vod.AsAPIError(err); !ok || !ae.Unsent || ae.Code != vod.CodeTimeout {
			t.Errorf("waiting caller: %v, want a timeout that sent nothing", err)
		}
		// Get waits for at most half of what its context has left.
		if waited := time.Since(started); waited != 25*time.Millisecond {
			t.Errorf("the waiting caller waited %s, want 25ms", waited)
		}
		release()
		if err := <-first; err != nil {
			t.Fatal(err)
		}
		// A stale reading serves while the next read is in flight.
		release = stuck(c)
		defer release()
		go qc.Read(context.Background(), c, time.Minute, now.Add(time.Hour))
		synctest.Wait()
		q, source, err := qc.Read(context.Background(), c, time.Minute, now.Add(time.Hour))
		if err != nil || source != "cache" || q.URLRemain != vod.DailyURLQuota {
			t.Errorf("during the read: %+v from %q, %v", q, source, err)
		}
	})
}

// What one invocation holds is taken off what the others fit their plans
// to, and is spent or released when its calls are made.
func TestQuotaReservations(t *testing.T) {
	qc := New(store.NewMemory(store.MemoryOptions{}))
	c := &vodmem.Client{Remain: vod.Quota{URLRemain: 2000, DirRemain: 100}}
	now := time.Now()
	if _, _, err := qc.Read(context.Background(), c, time.Minute, now); err != nil {
		t.Fatal(err)
	}
	var seen []vod.Quota
	// hold fits to the room left, as an invocation does, and holds what
	// its plan spends; a plan that does not fit (err) holds nothing.
	hold := func(urls, dirs int, err error) *Reservation {
		room, rerr := qc.Room(context.Background())
		if rerr != nil {
			t.Fatal(rerr)
		}
		seen = append(seen, vod.Quota{URLRemain: room.URLs, DirRemain: room.Dirs})
		if err != nil {
			return nil
		}
		r, _, got := qc.Hold(context.Background(), store.Amount{URLs: urls, Dirs: dirs}, room)
		if got != nil || r == nil {
			t.Fatalf("Hold: %v, %v; want a reservation", r, got)
		}
		return r
	}
	a := hold(999, 0, nil)
	b := hold(999, 5, nil)
	hold(3, 3, errors.New("does not fit")) // holds nothing
	hold(0, 0, nil)
	want := []vod.Quota{{URLRemain: 2000, DirRemain: 100}, {URLRemain: 1001, DirRemain: 100}, {URLRemain: 2, DirRemain: 95}, {URLRemain: 2, DirRemain: 95}}
	for i, q := range seen {
		if q.URLRemain != want[i].URLRemain || q.DirRemain != want[i].DirRemain {
			t.Errorf("fit %d saw %d URLs and %d directories, want %d and %d", i, q.URLRemain, q.DirRemain, want[i].URLRemain, want[i].DirRemain)
		}
	}
	a.Settle(context.Background(), 999, 0, time.Time{}) // sent
	b.Settle(context.Background(), 0, 0, time.Time{})   // failed: released
	hold(0, 0, nil)
	if q := seen[len(seen)-1]; q.URLRemain != 1001 || q.DirRemain != 100 {
		t.Errorf("after settling: %+v, want 1001 URLs and 100 directories", q)
	}
}

// A hold that what is left cannot cover holds nothing and says what is
// left, for the caller to fit again to.
func TestHoldRefusedSaysWhatIsLeft(t *testing.T) {
	qc := New(store.NewMemory(store.MemoryOptions{}))
	c := &vodmem.Client{Remain: vod.Quota{URLRemain: 30, DirRemain: 2}}
	if _, _, err := qc.Read(context.Background(), c, time.Minute, time.Now()); err != nil {
		t.Fatal(err)
	}
	if r, _, err := qc.Hold(context.Background(), store.Amount{URLs: 20}, store.Amount{URLs: 30, Dirs: 2}); r == nil || err != nil {
		t.Fatalf("first hold: %v, %v", r, err)
	}
	r, left, err := qc.Hold(context.Background(), store.Amount{URLs: 20, Dirs: 1}, store.Amount{URLs: 30, Dirs: 2})
	if r != nil || err != nil || left != (store.Amount{URLs: 10, Dirs: 2}) {
		t.Fatalf("second hold: %v, left %+v, %v; want none, with 10 URLs and 2 directories left", r, left, err)
	}
	if qc.URLsSpent(context.Background()) {
		t.Error("URLsSpent with 10 URLs left")
	}
	if r, _, _ := qc.Hold(context.Background(), store.Amount{URLs: 10}, left); r == nil || !qc.URLsSpent(context.Background()) {
		t.Errorf("held the last 10 URLs (%v): URLsSpent is false", r)
	}
}

// A plan fitted to more than is left by the time it holds (others held
// quota in between) is not held, even if what is left covers it: the
// caller fits again to what is left.
func TestHoldRefusesAStaleFit(t *testing.T) {
	qc := New(store.NewMemory(store.MemoryOptions{}))
	c := &vodmem.Client{Remain: vod.Quota{URLRemain: 2000, DirRemain: 100}}
	if _, _, err := qc.Read(context.Background(), c, time.Minute, time.Now()); err != nil {
		t.Fatal(err)
	}
	room, _ := qc.Room(context.Background()) // both read 2,000 URLs
	if r, _, err := qc.Hold(context.Background(), store.Amount{URLs: 999}, room); r == nil || err != nil {
		t.Fatalf("the first: %v, %v", r, err)
	}
	r, left, err := qc.Hold(context.Background(), store.Amount{URLs: 999}, room)
	if r != nil || err != nil || left != (store.Amount{URLs: 1001, Dirs: 100}) {
		t.Fatalf("the second, fitted to 2,000: %v, left %+v, %v; want refused with 1,001 left", r, left, err)
	}
	if now, _ := qc.Room(context.Background()); now != left {
		t.Errorf("the refused hold left %+v held; room %+v, want %+v", now, now, left)
	}
	if r, _, err := qc.Hold(context.Background(), store.Amount{URLs: 500}, left); r == nil || err != nil {
		t.Errorf("the second, fitted again to 1,001: %v, %v", r, err)
	}
}

// A hold outlives a crashed invocation by a minute past its deadline, or
// ten minutes without one: then its quota is released for others.
func TestHoldTTL(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	if got := holdTTL(ctx); got <= time.Hour || got > time.Hour+time.Minute {
		t.Errorf("with an hour left: %s, want an hour and a minute", got)
	}
	if got := holdTTL(context.Background()); got != 10*time.Minute {
		t.Errorf("without a deadline: %s, want 10m", got)
	}
}

// An invocation's calls are answered, and another instance reads the
// quota, which holds their spending, before the invocation settles its
// hold (its writes wait for the end of the invocation): the settling
// does not take the same spending off what is left a second time, while
// a reading begun before the answer counts it.
func TestSettleAfterAReadingThatHoldsTheSpending(t *testing.T) {
	for _, tc := range []struct {
		name     string
		readLag  time.Duration // when the other instance's read began, after the answer
		wantURLs int
	}{
		{"read after the answer", time.Second, 1990},
		{"read before the answer", -time.Second, 1980},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := store.NewMemory(store.MemoryOptions{})
			mine, theirs := New(st), New(st) // two instances, one store
			c := &vodmem.Client{Remain: vod.Quota{URLRemain: 2000, DirRemain: 100}}
			start := time.Now()
			if _, _, err := mine.Read(context.Background(), c, time.Minute, start); err != nil {
				t.Fatal(err)
			}
			r, _, err := mine.Hold(context.Background(), store.Amount{URLs: 10}, store.Amount{URLs: 2000, Dirs: 100})
			if r == nil || err != nil {
				t.Fatalf("hold: %v, %v", r, err)
			}
			c.Remain.URLRemain -= 10 // the calls: VOD spent 10 URLs
			answered := start.Add(time.Second)
			// The other instance's reading is due (a TTL of zero).
			if _, _, err := theirs.Read(context.Background(), c, 0, answered.Add(tc.readLag)); err != nil {
				t.Fatal(err)
			}
			r.Settle(context.Background(), 10, 0, answered)
			room, err := mine.Room(context.Background())
			if err != nil || room.URLs != tc.wantURLs {
				t.Errorf("room %+v, %v; want %d URLs (VOD has 1990)", room, err, tc.wantURLs)
			}
		})
	}
}
