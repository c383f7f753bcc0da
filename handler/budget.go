package handler

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"
)

// QuotaConfig is the quota budgeting policy.
type QuotaConfig struct {
	// MaxURLShare is the largest share of the remaining URL quota that one
	// invocation may spend before its URLs are coalesced into directories
	// (default 0.5; 1 spends up to all of it).
	MaxURLShare float64 `yaml:"maxUrlShare" validate:"gte=0,lte=1"`
	// MinDirectoryDepth is the shallowest folder a coalesced directory may
	// be (default 1: never a bare domain root).
	MinDirectoryDepth *int `yaml:"minDirectoryDepth" validate:"omitempty,gte=0,lte=64"`
	// MaxDirsPerEvent caps the directories that coalescing makes for one
	// invocation (default 10).
	MaxDirsPerEvent int `yaml:"maxDirsPerEvent" validate:"gte=0,lte=100"`
	// CacheTTL is how long a quota reading is reused (default 60s).
	CacheTTL time.Duration `yaml:"cacheTTL" validate:"gte=0"`
}

// Defaults of the quota policy, and the daily quota assumed when it cannot
// be read.
const (
	DefaultMaxURLShare     = 0.5
	DefaultMinDirDepth     = 1
	DefaultMaxDirsPerEvent = 10
	DefaultQuotaTTL        = 60 * time.Second
	DailyURLQuota          = 2000
	DailyDirQuota          = 100
	DailyPreloadQuota      = 500
)

func (q QuotaConfig) share() float64 {
	if q.MaxURLShare > 0 {
		return q.MaxURLShare
	}
	return DefaultMaxURLShare
}

func (q QuotaConfig) maxDirs() int {
	if q.MaxDirsPerEvent > 0 {
		return q.MaxDirsPerEvent
	}
	return DefaultMaxDirsPerEvent
}

func (q QuotaConfig) ttl() time.Duration {
	if q.CacheTTL > 0 {
		return q.CacheTTL
	}
	return DefaultQuotaTTL
}

// QuotaInfo is the quota an invocation planned with.
type QuotaInfo struct {
	URLRemain     int    `json:"urlRemain"`
	DirRemain     int    `json:"dirRemain"`
	PreloadRemain int    `json:"preloadRemain"`
	Source        string `json:"source"` // api, cache, assumed (no credentials) or unavailable
	Note          string `json:"note,omitempty"`
}

// quotaCache keeps the last quota reading for a while, decremented locally
// as calls succeed. It is shared by the invocations of one instance.
type quotaCache struct {
	mu   sync.Mutex
	q    Quota
	at   time.Time
	have bool
}

// get returns the cached quota, or reads it through v. Concurrent
// invocations wait for one read rather than each making their own.
func (c *quotaCache) get(ctx context.Context, v *VOD, ttl time.Duration, now time.Time) (Quota, string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.have && now.Sub(c.at) < ttl {
		return c.q, "cache", nil
	}
	q, err := v.Quota(ctx)
	if err != nil {
		return Quota{}, "", err
	}
	c.q, c.at, c.have = q, now, true
	return q, "api", nil
}

// spend takes successful calls off the cached quota.
func (c *quotaCache) spend(urls, dirs int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.q.URLRemain = max(0, c.q.URLRemain-urls)
	c.q.DirRemain = max(0, c.q.DirRemain-dirs)
}

// spendPreload takes successful prefetches off the cached quota.
func (c *quotaCache) spendPreload(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.q.PreloadRemain = max(0, c.q.PreloadRemain-n)
}

// forget drops the reading, so the next invocation reads the quota again.
func (c *quotaCache) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.have = false
}

// Coalesced records file URLs that one directory refresh covers instead.
type Coalesced struct {
	Directory string   `json:"directory"`
	Paths     []string `json:"paths"`
}

// QuotaError is work that neither quota can cover.
type QuotaError struct {
	Pending            int
	URLRemain, URLNeed int
	DirRemain, DirNeed int
}

func (e *QuotaError) Error() string {
	return fmt.Sprintf("refresh quota exhausted: %d paths pending (URLs: %d needed, %d left; directories: %d needed, %d left); "+
		"they are refreshed when the invocation is retried after the quota resets at midnight (UTC+8), or replay the event",
		e.Pending, e.URLNeed, e.URLRemain, e.DirNeed, e.DirRemain)
}

// budget fits the plan to the quota: when the files exceed the share of the
// remaining URL quota that one invocation may spend, they are covered by
// directory refreshes, as deep as the directory quota and the per-event cap
// allow, never above each rule's prefix or the minimum depth. It returns
// what was coalesced, or a *QuotaError when the quota cannot cover the work.
func (c *Config) budget(p *Plan, q QuotaInfo) ([]Coalesced, error) {
	dirRoom := q.DirRemain - len(p.Directories)
	if dirRoom < 0 {
		return nil, c.quotaError(p, q)
	}
	allowed := int(math.Floor(c.Quota.share() * float64(q.URLRemain)))
	if len(p.Files) <= allowed {
		return nil, nil
	}
	minDepth := DefaultMinDirDepth
	if c.Quota.MinDirectoryDepth != nil {
		minDepth = *c.Quota.MinDirectoryDepth
	}
	if !c.AllowRootDirectory {
		minDepth = max(minDepth, 1)
	}
	in := make([]coalesceInput, len(p.Files))
	for i, f := range p.Files {
		in[i] = coalesceInput{url: f, floor: max(p.floors[f], minDepth)}
	}
	dirs, cover, rest, ok := coalesce(in, min(dirRoom, c.Quota.maxDirs()))
	if ok && len(rest) <= q.URLRemain {
		var out []Coalesced
		idx := map[string]int{}
		for _, f := range p.Files {
			d, covered := cover[f]
			if !covered {
				continue
			}
			if _, seen := idx[d]; !seen {
				idx[d] = len(out)
				out = append(out, Coalesced{Directory: d})
			}
			out[idx[d]].Paths = append(out[idx[d]].Paths, f)
		}
		p.Files = rest
		for _, d := range dirs {
			p.add(TypeDirectory, d)
		}
		return out, nil
	}
	if len(p.Files) <= q.URLRemain {
		return nil, nil // over the share, but it fits: refreshing beats leaving content stale
	}
	return nil, c.quotaError(p, q)
}

func (c *Config) quotaError(p *Plan, q QuotaInfo) error {
	return &QuotaError{Pending: p.Size(), URLRemain: q.URLRemain, URLNeed: len(p.Files), DirRemain: q.DirRemain, DirNeed: len(p.Directories)}
}
