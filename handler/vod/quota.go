package vod

import (
	"context"
	"sync"
	"time"
)

// QuotaCache keeps the last quota reading for a while, decremented locally
// as calls succeed. It is shared by the invocations of one instance.
type QuotaCache struct {
	mu   sync.Mutex
	q    Quota
	at   time.Time
	have bool
}

// Get returns the cached quota, or reads it through c. Concurrent
// invocations wait for one read rather than each making their own. source
// is "cache" or "api".
func (qc *QuotaCache) Get(ctx context.Context, c Client, ttl time.Duration, now time.Time) (q Quota, source string, err error) {
	qc.mu.Lock()
	defer qc.mu.Unlock()
	if qc.have && now.Sub(qc.at) < ttl {
		return qc.q, "cache", nil
	}
	q, err = c.Quota(ctx)
	if err != nil {
		return Quota{}, "", err
	}
	qc.q, qc.at, qc.have = q, now, true
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
