// Package ledger is the daily refresh quota as the deployment's instances
// share it: the last reading of the service (DescribeVodRefreshQuota),
// read again when it is older than a TTL, what was spent since, and what
// invocations in flight hold, kept in the store. An invocation reads the
// Room left, fits its plan to it, and Holds what the fitted plan spends;
// when others took quota in between, the Hold is refused with what is
// left, and the caller fits again. The quota day ends at midnight UTC+8.
//
// It imports store (where the ledger is kept) and vod (the quota read),
// and nothing else of vodrefresh.
package ledger

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

// Ledger is the quota an instance's invocations plan with: the
// deployment's quota ledger in the store (the last reading, what was spent
// since and what invocations in flight hold, on every instance), read
// again from the service when it is older than the TTL. One read of the
// service runs at a time in an instance, and no lock is held across it.
// It is safe for concurrent use.
type Ledger struct {
	store    store.Store
	mu       sync.Mutex
	inflight chan struct{} // closed when the read in flight ends; nil when none is
}

// New returns the Ledger kept in st.
func New(st store.Store) *Ledger { return &Ledger{store: st} }

// available is what a ledger leaves to plan with, as a vod.Quota.
func available(l store.Ledger) vod.Quota {
	a := l.Available()
	return vod.Quota{URLRemain: a.URLs, DirRemain: a.Dirs, PreloadRemain: max(0, l.Reading.PreloadRemain-l.Preload)}
}

// Read returns the quota to plan with: the ledger's reading less what was
// spent since and what others hold, read again through c when it is
// older than ttl. A caller that finds a read in flight plans with the
// last reading when there is one, and otherwise waits for it. The read,
// or the wait, takes at most half the time ctx has left, so that the
// invocation keeps time to refresh and answer. source is "cache" or "api".
func (qc *Ledger) Read(ctx context.Context, c vod.Client, ttl time.Duration, now time.Time) (q vod.Quota, source string, err error) {
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
func (qc *Ledger) read(ctx context.Context, c vod.Client, now time.Time, done chan struct{}) (vod.Quota, string, error) {
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
	r := store.Reading{URLRemain: q.URLRemain, DirRemain: q.DirRemain, PreloadRemain: q.PreloadRemain, At: now, Day: Day(now)}
	if err := qc.store.SetReading(ctx, r); err != nil {
		return q, "api", nil
	}
	l, err := qc.store.Ledger(ctx)
	if err != nil || !l.Have {
		return q, "api", nil
	}
	return available(l), "api", nil
}

// MaxHoldTries bounds how often a caller fits a plan again because other
// invocations took quota between the reading and the hold.
const MaxHoldTries = 4

// Reservation is quota held in the ledger for an invocation's calls until
// they are made.
type Reservation struct {
	qc *Ledger
	id string
}

// Room returns what the ledger leaves to plan with: the reading less what
// was spent since and what others hold.
func (qc *Ledger) Room(ctx context.Context) (store.Amount, error) {
	l, err := qc.store.Ledger(ctx)
	if err != nil {
		return store.Amount{}, fmt.Errorf("the quota ledger: %w", err)
	}
	return l.Available(), nil
}

// Hold holds need, which the caller fitted to room (what Room, or a
// refused Hold, said was left), in one step, so that invocations planning
// at the same time, on any instance, cannot together exceed the remaining
// quota. When others took quota between the reading and the hold (what is
// left is less than room, or does not cover need), it holds nothing and
// returns a nil Reservation with what is left, for the caller to fit
// again: a plan fitted to quota that others took may have spent, in URLs,
// what its share of what is left would have given to directories.
func (qc *Ledger) Hold(ctx context.Context, need, room store.Amount) (*Reservation, store.Amount, error) {
	id := holdID()
	got, ok, err := qc.store.Hold(ctx, id, need, holdTTL(ctx))
	if err != nil {
		return nil, store.Amount{}, fmt.Errorf("the quota ledger: %w", err)
	}
	left := got.Available()
	if !ok {
		return nil, left, nil
	}
	if left.URLs < room.URLs || left.Dirs < room.Dirs {
		qc.store.Settle(store.Afterwork(ctx), id, store.Amount{}, 0, time.Time{})
		return nil, left, nil
	}
	return &Reservation{qc: qc, id: id}, store.Amount{}, nil
}

// URLsSpent reports whether the ledger says no URL is left today.
func (qc *Ledger) URLsSpent(ctx context.Context) bool {
	l, err := qc.store.Ledger(ctx)
	return err == nil && l.Have && l.Available().URLs == 0
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
// the rest is released for others. answered is when the calls that spent
// it had all been answered (read on the clock the quota readings are
// timed by): a reading begun after it holds the spending already, and is
// not lowered by it twice. It runs even when the invocation's context is
// done, so that a late call's spending is not lost.
func (r *Reservation) Settle(ctx context.Context, spentURLs, spentDirs int, answered time.Time) {
	if r == nil {
		return
	}
	r.qc.store.Settle(store.Deferrable(ctx), r.id, store.Amount{URLs: spentURLs, Dirs: spentDirs}, 0, answered)
}

// SpendPreload counts successful prefetches against the preload quota.
func (qc *Ledger) SpendPreload(ctx context.Context, n int) {
	if n > 0 {
		qc.store.Settle(store.Afterwork(ctx), holdID(), store.Amount{}, n, time.Time{})
	}
}

// Forget drops the reading, so that the next invocation reads the quota
// again.
func (qc *Ledger) Forget(ctx context.Context) {
	qc.store.Forget(store.Afterwork(ctx))
}

// halfTime returns a context that ends halfway to ctx's deadline, for a
// step, such as the quota read, that must leave time for what follows it.
func halfTime(ctx context.Context) (context.Context, context.CancelFunc) {
	dl, ok := ctx.Deadline()
	if !ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, time.Until(dl)/2)
}
