package vod

import (
	"context"
	"sync"
	"time"
)

// QuotaCache keeps the last quota reading for a while, decremented locally
// as calls succeed. It is shared by the invocations of one instance.
type QuotaCache struct {
	mu      sync.Mutex
	q       Quota
	at      time.Time
	have    bool
	reading chan struct{} // closed when the read in flight ends; nil when none is
}

// Get returns the cached quota, or reads it through c. Concurrent
// invocations wait for one read rather than each making their own. The
// read, or the wait for another invocation's, takes at most half the time
// ctx has left, so that the invocation keeps time to refresh and answer.
// source is "cache" or "api".
func (qc *QuotaCache) Get(ctx context.Context, c Client, ttl time.Duration, now time.Time) (q Quota, source string, err error) {
	ctx, cancel := halfTime(ctx)
	defer cancel()
	for {
		qc.mu.Lock()
		if qc.have && now.Sub(qc.at) < ttl {
			defer qc.mu.Unlock()
			return qc.q, "cache", nil
		}
		if qc.reading == nil {
			break // this invocation reads, with mu held
		}
		wait := qc.reading
		qc.mu.Unlock()
		select {
		case <-wait: // read again from the cache, or read it if that read failed
		case <-ctx.Done():
			return Quota{}, "", notSent("DescribeVodRefreshQuota", "another invocation's quota read did not end in time")
		}
	}
	done := make(chan struct{})
	qc.reading = done
	qc.mu.Unlock()
	q, err = c.Quota(ctx)
	qc.mu.Lock()
	qc.reading = nil
	if err == nil {
		qc.q, qc.at, qc.have = q, now, true
	}
	qc.mu.Unlock()
	close(done)
	if err != nil {
		return Quota{}, "", err
	}
	return q, "api", nil
}

// Spend takes successful refreshes off the cached quota.
func (qc *QuotaCache) Spend(urls, dirs int) {
	qc.mu.Lock()
	defer qc.mu.Unlock()
	qc.q.URLRemain = max(0, qc.q.URLRemain-urls)
	qc.q.DirRemain = max(0, qc.q.DirRemain-dirs)
}

// SpendPreload takes successful prefetches off the cached quota.
func (qc *QuotaCache) SpendPreload(n int) {
	qc.mu.Lock()
	defer qc.mu.Unlock()
	qc.q.PreloadRemain = max(0, qc.q.PreloadRemain-n)
}

// Forget drops the reading, so the next invocation reads the quota again.
func (qc *QuotaCache) Forget() {
	qc.mu.Lock()
	defer qc.mu.Unlock()
	qc.have = false
}
