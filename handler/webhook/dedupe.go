package webhook

import (
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
)

// Deliveries remembers webhook delivery IDs for a while, so that a repeated
// delivery is acknowledged without a second refresh. A delivery is first
// reserved, in one step with the check, and then either marked handled or
// released. The store is bounded: when full, the least recently reserved
// ID is evicted, in constant time; entries also expire after the window.
// It is per instance: another instance of the function does not see it.
type Deliveries struct {
	mu     sync.Mutex // makes the check and the reservation one step
	seen   *expirable.LRU[string, delivery]
	window time.Duration
}

// delivery is a reserved ID: handled, or still in flight.
type delivery struct {
	at      time.Time // when it was reserved, or handled
	handled bool
}

// Reservation is what Reserve found.
type Reservation int

// What Reserve found.
const (
	Reserved   Reservation = iota // new: reserved for this caller
	Handled                       // handled within the window
	InProgress                    // reserved by a delivery still being handled
)

// NewDeliveries remembers up to limit delivery IDs, each for window.
func NewDeliveries(window time.Duration, limit int) *Deliveries {
	return &Deliveries{seen: expirable.NewLRU[string, delivery](limit, nil, window), window: window}
}

// Reserve checks id and, unless it was handled within the window before
// now or is in progress, reserves it, in one step: of concurrent calls
// with one ID, exactly one gets Reserved. The caller then calls Done or
// Release.
func (d *Deliveries) Reserve(id string, now time.Time) Reservation {
	d.mu.Lock()
	defer d.mu.Unlock()
	if e, ok := d.seen.Peek(id); ok && now.Sub(e.at) < d.window {
		if e.handled {
			return Handled
		}
		return InProgress
	}
	d.seen.Add(id, delivery{at: now})
	return Reserved
}

// Done marks a reserved id as handled at now.
func (d *Deliveries) Done(id string, now time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.seen.Add(id, delivery{at: now, handled: true})
}

// Release forgets a reserved id, so that the sender's retry goes through.
func (d *Deliveries) Release(id string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.seen.Remove(id)
}

// Len returns how many IDs are held, expired ones not yet dropped
// included.
func (d *Deliveries) Len() int { return d.seen.Len() }
