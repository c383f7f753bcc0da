package submit

import (
	"context"
	"sync"
	"time"

	"vodrefresh/handler/vod"
)

// quotaCache keeps the last quota reading for a while and the reservations
// that the instance's invocations in flight hold against it, so that
// together they never plan with quota another has already taken. Spent
// quota comes off the reading as calls succeed. It is shared by the
// invocations of one instance, and holds no lock across a network call.
type quotaCache struct {
	mu       sync.Mutex
	q        vod.Quota
	at       time.Time
	have     bool
	held     vod.Quota     // reserved by invocations in flight (URLRemain, DirRemain)
	inflight chan struct{} // closed when the read in flight ends; nil when none is
}

// Get returns the quota to plan with: the reading less what others have
// reserved, read again through c when it is older than ttl. One read runs
// at a time: a caller that finds one in flight plans with the last reading
// when there is one, and otherwise waits for it. The read, or the wait,
// takes at most half the time ctx has left, so that the invocation keeps
// time to refresh and answer. source is "cache" or "api".
func (qc *quotaCache) Get(ctx context.Context, c vod.Client, ttl time.Duration, now time.Time) (q vod.Quota, source string, err error) {
	ctx, cancel := halfTime(ctx)
	defer cancel()
	for {
		qc.mu.Lock()
		if qc.have && (now.Sub(qc.at) < ttl || qc.inflight != nil) {
			defer qc.mu.Unlock()
			return qc.available(), "cache", nil
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

// read reads the quota through c, with no lock held, and records it.
func (qc *quotaCache) read(ctx context.Context, c vod.Client, now time.Time, done chan struct{}) (vod.Quota, string, error) {
	q, err := c.Quota(ctx)
	qc.mu.Lock()
	defer qc.mu.Unlock()
	qc.inflight = nil
	close(done)
	if err != nil {
		return vod.Quota{}, "", err
	}
	qc.q, qc.at, qc.have = q, now, true
	return qc.available(), "api", nil
}

// available is the reading less the reservations; qc.mu is held.
func (qc *quotaCache) available() vod.Quota {
	q := qc.q
	q.URLRemain = max(0, q.URLRemain-qc.held.URLRemain)
	q.DirRemain = max(0, q.DirRemain-qc.held.DirRemain)
	return q
}

// reservation is quota held for an invocation's calls until they are made.
type reservation struct {
	qc         *quotaCache
	urls, dirs int
}

// Hold calls fit with the quota that others have not reserved, and
// reserves what fit says its plan spends, in one atomic step, so that
// invocations planning at the same time cannot together exceed the share
// or the remaining quota. The lock is held while fit runs: fit must do no
// I/O. An error from fit reserves nothing.
func (qc *quotaCache) Hold(fit func(vod.Quota) (urls, dirs int, err error)) (*reservation, error) {
	qc.mu.Lock()
	defer qc.mu.Unlock()
	urls, dirs, err := fit(qc.available())
	if err != nil {
		return nil, err
	}
	qc.held.URLRemain += urls
	qc.held.DirRemain += dirs
	return &reservation{qc: qc, urls: urls, dirs: dirs}, nil
}

// Settle ends the reservation: what was spent comes off the reading, and
// the rest is released for others.
func (r *reservation) Settle(spentURLs, spentDirs int) {
	if r == nil {
		return
	}
	qc := r.qc
	qc.mu.Lock()
	defer qc.mu.Unlock()
	qc.held.URLRemain -= r.urls
	qc.held.DirRemain -= r.dirs
	qc.q.URLRemain = max(0, qc.q.URLRemain-spentURLs)
	qc.q.DirRemain = max(0, qc.q.DirRemain-spentDirs)
	r.urls, r.dirs = 0, 0
}

// SpendPreload takes successful prefetches off the cached quota.
func (qc *quotaCache) SpendPreload(n int) {
	qc.mu.Lock()
	defer qc.mu.Unlock()
	qc.q.PreloadRemain = max(0, qc.q.PreloadRemain-n)
}

// Forget drops the reading, so the next invocation reads the quota again.
func (qc *quotaCache) Forget() {
	qc.mu.Lock()
	defer qc.mu.Unlock()
	qc.have = false
}
