package handler

import (
	"sync"
	"time"
)

// deliveries remembers webhook delivery IDs for a while, so that a repeated
// delivery is acknowledged without a second refresh. It is bounded: when
// full, expired entries are dropped, then the oldest.
type deliveries struct {
	mu     sync.Mutex
	seen   map[string]time.Time // ID -> when it was recorded
	window time.Duration
	limit  int
}

func newDeliveries(window time.Duration, limit int) *deliveries {
	return &deliveries{seen: make(map[string]time.Time), window: window, limit: limit}
}

// Seen reports whether id was recorded within the window before now.
func (d *deliveries) Seen(id string, now time.Time) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	t, ok := d.seen[id]
	return ok && now.Sub(t) < d.window
}

// Record remembers id as handled at now.
func (d *deliveries) Record(id string, now time.Time) {
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
