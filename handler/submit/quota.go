package submit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"vodrefresh/handler/store"
	"vodrefresh/handler/vod"
)

// quotaCache is the quota an instance's invocations plan with: the
// deployment's quota ledger in the store (the last reading, what was spent
// since and what invocations in flight hold, on every instance), read
// again from the service when it is older than the TTL. One read of the
// service runs at a time in an instance, and no lock is held across it.
type quotaCache struct {
	store    store.Store
	mu       sync.Mutex
	inflight chan struct{} // closed when the read in flight ends; nil when none is
}

// available is what a ledger leaves to plan with, as a vod.Quota.
func available(l store.Ledger) vod.Quota {
	a := l.Available()
	return vod.Quota{URLRemain: a.URLs, DirRemain: a.Dirs, PreloadRemain: max(0, l.Reading.PreloadRemain-l.Preload)}
}

// Get returns the quota to plan with: the ledger's reading less what was
// spent since and what others hold, read again through c when it is
// older than ttl. A caller that finds a read in flight plans with the
// last reading when there is one, and otherwise waits for it. The read,
// or the wait, takes at most half the time ctx has left, so that the
// invocation keeps time to refresh and answer. source is "cache" or "api".
func (qc *quotaCache) Get(ctx context.Context, c vod.Client, ttl time.Duration, now time.Time) (q vod.Quota, source string, err error) {
	ctx, cancel := halfTime(ctx)
	defer cancel()
	for {
		l, err := qc.store.Ledger(ctx)
		if err != nil {
			l = store.Ledger{}
		}
		qc.mu.Lock()
		if l.Have && (now.Sub(l.Reading.At) < ttl || qc.inflight != nil) {
			qc.mu.Unlock()
			return available(l), "cache", nil
		}
		if wait := qc.inflight; wait != nil {
			qc.mu.Unlock()
			select {
			case <-wait:
				continue
			case <-ctx.Done():
				return vod.Quota{}, "", vod.NotSent("DescribeVodRefreshQuota", "another invocation's quota read did not end in time")
			}
		}
		done := make(chan struct{})
		qc.inflight = done
		qc.mu.Unlock()
		return qc.read(ctx, c, now, done)
	}
}

// read reads the quota through c, with no lock held, and records it in
// the ledger.
func (qc *quotaCache) read(ctx context.Context, c vod.Client, now time.Time, done chan struct{}) (vod.Quota, string, error) {
	q, err := c.Quota(ctx)
	defer func() {
		qc.mu.Lock()
		qc.inflight = nil
		close(done)
		qc.mu.Unlock()
	}()
	if err != nil {
		return vod.Quota{}, "", err
	}
	// now is when the read began: what was spent after it may or may not
	// be in the reading, and the ledger keeps the lower figure of the day.
	r := store.Reading{URLRemain: q.URLRemain, DirRemain: q.DirRemain, PreloadRemain: q.PreloadRemain, At: now, Day: quotaDay(now)}
	if err := qc.store.SetReading(ctx, r); err != nil {
		return q, "api", nil
	}
	l, err := qc.store.Ledger(ctx)
	if err != nil || !l.Have {
		return q, "api", nil
	}
	return available(l), "api", nil
}

// maxHoldTries bounds how often Hold fits a plan again because other
// invocations took quota between the reading and the hold.
const maxHoldTries = 4

// reservation is quota held in the ledger for an invocation's calls until
// they are made.
type reservation struct {
	qc *quotaCache
	id string
}

// Hold calls fit with the quota that others have not taken, and holds what
// fit says its plan spends, so that invocations planning at the same time,
// on any instance, cannot together exceed the remaining quota. When others
// took quota in between, fit is called again with what is left. fit must
// do no I/O. An error from fit holds nothing.
func (qc *quotaCache) Hold(ctx context.Context, fit func(vod.Quota) (urls, dirs int, err error)) (*reservation, error) {
	l, err := qc.store.Ledger(ctx)
	if err != nil {
		return nil, fmt.Errorf("the quota ledger: %w", err)
	}
	id := holdID()
	for try := 1; ; try++ {
		urls, dirs, err := fit(available(l))
		if err != nil {
			return nil, err
		}
		got, ok, err := qc.store.Hold(ctx, id, store.Amount{URLs: urls, Dirs: dirs}, holdTTL(ctx))
		switch {
		case err != nil:
			return nil, fmt.Errorf("the quota ledger: %w", err)
		case ok:
			return &reservation{qc: qc, id: id}, nil
		case try == maxHoldTries:
			return nil, fmt.Errorf("the quota ledger: other invocations kept taking the quota this plan was fitted to (%d tries); retry", try)
		}
		l = got
	}
}

// holdTTL is how long a hold outlives a crashed invocation: ctx's time
// left and a minute, or ten minutes without a deadline.
func holdTTL(ctx context.Context) time.Duration {
	if dl, ok := ctx.Deadline(); ok {
		return time.Until(dl) + time.Minute
	}
	return 10 * time.Minute
}

// holdID names one reservation in the ledger.
func holdID() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Settle ends the reservation: what was spent is counted as spent, and
// the rest is released for others. It runs even when the invocation's
// context is done, so that a late call's spending is not lost.
func (r *reservation) Settle(ctx context.Context, spentURLs, spentDirs int) {
	if r == nil {
		return
	}
	r.qc.store.Settle(context.WithoutCancel(ctx), r.id, store.Amount{URLs: spentURLs, Dirs: spentDirs}, 0)
}

// SpendPreload counts successful prefetches against the preload quota.
func (qc *quotaCache) SpendPreload(ctx context.Context, n int) {
	if n > 0 {
		qc.store.Settle(context.WithoutCancel(ctx), holdID(), store.Amount{}, n)
	}
}

// Forget drops the reading, so that the next invocation reads the quota
// again.
func (qc *quotaCache) Forget(ctx context.Context) {
	qc.store.Forget(context.WithoutCancel(ctx))
}
