package webhook

import (
	"sync"
	"time"
)

// Deliveries remembers webhook delivery IDs for a while, so that a repeated
// delivery is acknowledged without a second refresh. It is bounded: when
// full, expired entries are dropped, then the oldest.
type Deliveries struct {
	mu     sync.Mutex
	seen   map[string]time.Time // ID -> when it was recorded
	window time.Duration
	limit  int
}

// NewDeliveries remembers up to limit delivery IDs, each for window.
func NewDeliveries(window time.Duration, limit int) *Deliveries {
	return &Deliveries{seen: make(map[string]time.Time), window: window, limit: limit}
}

// Seen reports whether id was recorded within the window before now.
func (d *Deliveries) Seen(id string, now time.Time) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	t, ok := d.seen[id]
	return ok && now.Sub(t) < d.window
}

// Record remembers id as handled at now.
func (d *Deliveries) Record(id string, now time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.seen) >= d.limit {
		var oldest string
		for k, t := range d.seen {
			if now.Sub(t) >= d.window {
				delete(d.seen, k)
			} else if oldest == "" || t.Before(d.seen[oldest]) {
				oldest = k
			}
		}
		if len(d.seen) >= d.limit && oldest != "" {
			delete(d.seen, oldest)
		}
	}
	d.seen[id] = now
}
