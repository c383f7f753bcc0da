package store

import (
	"context"
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// The bounds of a Memory when MemoryOptions leaves them zero.
const (
	DefaultRetryKeys          = 50_000
	DefaultRoutes             = 64
	DefaultDeliveriesPerRoute = 10_000
	DefaultFolders            = 10_000
	DefaultValues             = 10_000
)

// MemoryOptions bounds a Memory. A zero field takes its default.
type MemoryOptions struct {
	// RetryKeys is how many keys the retry memory holds
	// (DefaultRetryKeys). Past it the least recently used key is dropped.
	RetryKeys int
	// Routes is how many webhook routes have a share of the delivery
	// dedupe (DefaultRoutes). Routes come from the configuration, so the
	// bound only guards against a mistake; past it the least recently
	// used route's share is dropped.
	Routes int
	// DeliveriesPerRoute is how many deliveries each route's share holds
	// (DefaultDeliveriesPerRoute). Past it the route's least recently
	// used delivery is dropped, never another route's.
	DeliveriesPerRoute int
	// Folders is how many folders the folder memory holds
	// (DefaultFolders).
	Folders int
	// Values is how many values SetValue keeps (DefaultValues).
	Values int
}

func (o MemoryOptions) withDefaults() MemoryOptions {
	if o.RetryKeys <= 0 {
		o.RetryKeys = DefaultRetryKeys
	}
	if o.Routes <= 0 {
		o.Routes = DefaultRoutes
	}
	if o.DeliveriesPerRoute <= 0 {
		o.DeliveriesPerRoute = DefaultDeliveriesPerRoute
	}
	if o.Folders <= 0 {
		o.Folders = DefaultFolders
	}
	if o.Values <= 0 {
		o.Values = DefaultValues
	}
	return o
}

// Memory is the Store of one process: what it remembers is lost when the
// instance stops and is not shared with the deployment's other instances.
// Every part is bounded (MemoryOptions) and each entry expires at its own
// time, checked when it is read. It is safe for concurrent use; each method
// holds one lock for its whole work, which makes it atomic.
//
// Delivery keys and folders are kept as their KeyOf, so that a long name
// costs no more memory than a short one.
type Memory struct {
	opts MemoryOptions

	mu         sync.Mutex
	retry      *simplelru.LRU[Key, time.Time] // key → expiry
	deliveries *simplelru.LRU[string, *simplelru.LRU[Key, delivery]]
	folders    *simplelru.LRU[Key, folder]

	reading Reading
	have    bool
	spent   Amount
	preload int
	holds   map[string]hold

	pending map[Key]Pending    // the backlog, at most MaxBacklog
	tracked map[string]Tracked // by task ID, at most MaxTracked
	leases  map[string]lease
	values  *simplelru.LRU[Key, value]
	counts  *simplelru.LRU[Key, *counters]
}

type counters struct {
	n     map[string]int
	until time.Time
}

type value struct {
	v     string
	until time.Time
}

type delivery struct {
	state Delivery // InProgress or Handled
	until time.Time
}

type folder struct {
	at, until time.Time
}

type hold struct {
	need  Amount
	until time.Time
}

// NewMemory returns an empty Memory bounded by opts.
func NewMemory(opts MemoryOptions) *Memory {
	opts = opts.withDefaults()
	m := &Memory{opts: opts, holds: map[string]hold{}}
	m.retry = mustLRU[Key, time.Time](opts.RetryKeys)
	m.deliveries = mustLRU[string, *simplelru.LRU[Key, delivery]](opts.Routes)
	m.folders = mustLRU[Key, folder](opts.Folders)
	m.values = mustLRU[Key, value](opts.Values)
	m.counts = mustLRU[Key, *counters](opts.Values)
	return m
}

// mustLRU makes an LRU of size > 0, which cannot fail.
func mustLRU[K comparable, V any](size int) *simplelru.LRU[K, V] {
	l, err := simplelru.NewLRU[K, V](size, nil)
	if err != nil {
		panic(err)
	}
	return l
}

// Kind returns "memory".
func (m *Memory) Kind() string { return "memory" }

// Close does nothing: a Memory holds no connection.
func (m *Memory) Close() error { return nil }

// Seen reports, for each key, whether it was marked and has not expired.
func (m *Memory) Seen(_ context.Context, keys []Key) ([]bool, error) {
	now := time.Now()
	seen := make([]bool, len(keys))
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, k := range keys {
		until, ok := m.retry.Peek(k)
		switch {
		case !ok:
		case now.Before(until):
			seen[i] = true
		default:
			m.retry.Remove(k)
		}
	}
	return seen, nil
}

// Mark remembers keys for ttl.
func (m *Memory) Mark(_ context.Context, keys []Key, ttl time.Duration) error {
	until := time.Now().Add(ttl)
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range keys {
		m.retry.Add(k, until)
	}
	return nil
}

// route returns route's share of the dedupe, making it if need be.
func (m *Memory) route(route string) *simplelru.LRU[Key, delivery] {
	d, ok := m.deliveries.Get(route)
	if !ok {
		d = mustLRU[Key, delivery](m.opts.DeliveriesPerRoute)
		m.deliveries.Add(route, d)
	}
	return d
}

// Reserve checks a delivery of route and reserves it when it is New.
func (m *Memory) Reserve(_ context.Context, route, key string, hold time.Duration) (Delivery, error) {
	k := KeyOf(key)
	now := time.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	d := m.route(route)
	if e, ok := d.Get(k); ok && now.Before(e.until) {
		return e.state, nil
	}
	d.Add(k, delivery{state: InProgress, until: now.Add(hold)})
	return New, nil
}

// Finish ends a reservation: handled remembers the delivery for window,
// otherwise a reservation still in progress is dropped.
func (m *Memory) Finish(_ context.Context, route, key string, handled bool, window time.Duration) error {
	k := KeyOf(key)
	now := time.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	d := m.route(route)
	if handled {
		d.Add(k, delivery{state: Handled, until: now.Add(window)})
		return nil
	}
	if e, ok := d.Peek(k); ok && e.state == InProgress {
		d.Remove(k)
	}
	return nil
}

// ledger drops expired holds and returns the ledger. m.mu is held.
func (m *Memory) ledger(now time.Time) Ledger {
	l := Ledger{Reading: m.reading, Have: m.have, Spent: m.spent, Preload: m.preload}
	l.Reading.Day = "" // not reported, as Redis does not
	for id, h := range m.holds {
		if !now.Before(h.until) {
			delete(m.holds, id)
			continue
		}
		l.Held.URLs += h.need.URLs
		l.Held.Dirs += h.need.Dirs
	}
	return l
}

// Ledger returns the quota ledger.
func (m *Memory) Ledger(context.Context) (Ledger, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.ledger(time.Now()), nil
}

// SetReading records r and zeroes what was spent; holds stay.
func (m *Memory) SetReading(_ context.Context, r Reading) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.have && r.Day != "" && r.Day == m.reading.Day {
		r.URLRemain = min(r.URLRemain, max(0, m.reading.URLRemain-m.spent.URLs))
		r.DirRemain = min(r.DirRemain, max(0, m.reading.DirRemain-m.spent.Dirs))
		r.PreloadRemain = min(r.PreloadRemain, max(0, m.reading.PreloadRemain-m.preload))
	}
	m.reading, m.have = r, true
	m.spent, m.preload = Amount{}, 0
	return nil
}

// Forget drops the reading and what was spent since; holds stay.
func (m *Memory) Forget(context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.reading, m.have = Reading{}, false
	m.spent, m.preload = Amount{}, 0
	return nil
}

// Hold reserves need under id for ttl if Available covers it. The Ledger
// it returns is the one it decided on: its Held does not count need. A
// hold already under id is replaced, and does not count against its
// replacement.
func (m *Memory) Hold(_ context.Context, id string, need Amount, ttl time.Duration) (Ledger, bool, error) {
	now := time.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	l := m.ledger(now)
	if h, ok := m.holds[id]; ok {
		l.Held.URLs -= h.need.URLs
		l.Held.Dirs -= h.need.Dirs
	}
	a := l.Available()
	if a.URLs < need.URLs || a.Dirs < need.Dirs {
		return l, false, nil
	}
	m.holds[id] = hold{need: need, until: now.Add(ttl)}
	return l, true, nil
}

// Settle drops the hold id and counts spent and preload as spent, unless
// the reading began after answered.
func (m *Memory) Settle(_ context.Context, id string, spent Amount, preload int, answered time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.holds, id)
	if m.have && readAfter(m.reading.At, answered) {
		return nil
	}
	m.spent.URLs += spent.URLs
	m.spent.Dirs += spent.Dirs
	m.preload += preload
	return nil
}

// Folders returns when each remembered folder was refreshed.
func (m *Memory) Folders(_ context.Context, folders []string) (map[string]time.Time, error) {
	now := time.Now()
	out := make(map[string]time.Time)
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, f := range folders {
		k := KeyOf(f)
		e, ok := m.folders.Peek(k)
		switch {
		case !ok:
		case now.Before(e.until):
			out[f] = e.at
		default:
			m.folders.Remove(k)
		}
	}
	return out, nil
}

// RecordFolders remembers folders as refreshed at at, for ttl, unless a
// later time is remembered.
func (m *Memory) RecordFolders(_ context.Context, folders []string, at time.Time, ttl time.Duration) error {
	now := time.Now()
	until := now.Add(ttl)
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, f := range folders {
		k := KeyOf(f)
		if e, ok := m.folders.Peek(k); ok && now.Before(e.until) && !at.After(e.at) {
			continue
		}
		m.folders.Add(k, folder{at: at, until: until})
	}
	return nil
}

// Value returns the value remembered under key.
func (m *Memory) Value(_ context.Context, key Key) (string, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.values.Get(key)
	if !ok || !time.Now().Before(v.until) {
		return "", false, nil
	}
	return v.v, true, nil
}

// SetValue remembers value under key for ttl.
func (m *Memory) SetValue(_ context.Context, key Key, v string, ttl time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.values.Add(key, value{v: v, until: time.Now().Add(ttl)})
	return nil
}

// Count adds to the counters under key.
func (m *Memory) Count(_ context.Context, key Key, by map[string]int, ttl time.Duration) error {
	now := time.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.counts.Get(key)
	if !ok || !now.Before(c.until) {
		c = &counters{n: map[string]int{}}
		m.counts.Add(key, c)
	}
	for f, n := range by {
		c.n[f] += n
	}
	c.until = now.Add(ttl)
	return nil
}

// Counts returns the counters under key.
func (m *Memory) Counts(_ context.Context, key Key) (map[string]int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]int{}
	if c, ok := m.counts.Get(key); ok && time.Now().Before(c.until) {
		for f, n := range c.n {
			out[f] = n
		}
	}
	return out, nil
}

var _ Store = (*Memory)(nil)
