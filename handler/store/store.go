// Package store keeps what must outlive one invocation and be shared by
// the instances of a deployment: the retry memory (which paths an event
// already submitted), the delivery dedupe (which webhook deliveries were
// seen, per route), the quota ledger (the last quota reading, what was
// spent since and what invocations in flight hold), and the folder memory
// (which folders were refreshed as directories, and when); and, for scarce
// days, the backlog of changes that wait for the planner, with the lease
// that lets one planner run at a time.
//
// Memory is the in-process implementation, the default. Redis keeps the
// same state in ApsaraDB for Redis, Tair, or any Redis 6+ or Valkey, chosen
// by REFRESH_STORE_URL (Open). Every Redis operation is atomic and every
// key it writes expires.
//
// The store URL is redis://[user:password@]host:port/db, rediss:// for
// TLS, or redis+cluster://[user:password@]host:port?addr=host2:port2&...
// (rediss+cluster://) for a Redis Cluster in direct-connection mode, whose
// seed nodes are the host and each addr; a cluster in proxy mode takes the
// plain form. Its query may set pool_size (1 to 64, per node on a
// cluster), dial_timeout, read_timeout, write_timeout and pool_timeout (1ms
// to 30s), conn_max_idle_time and conn_max_lifetime, min_idle_conns and
// max_idle_conns, client_name, protocol (2 or 3), and skip_verify with
// TLS. Any other option is an error, and so are those that would undo
// what the store depends on: max_retries and the retry backoffs (a command
// that may have run is never sent again), dialer retries,
// context_timeout_enabled, max_redirects and replica reads on a cluster,
// pipeline pools, and db= (the database is the path).
//
// Memory, Redis and the store Open returns are each a Checker: Health says
// whether the server answers and takes writes, and whether its
// maxmemory-policy may evict the store's keys (any but noeviction, as
// every key expires); Evicted counts the keys the server evicted since the
// store was opened, each of which may have cost a guarantee. Open wraps Redis so that a store that cannot be
// reached never blocks a refresh: the operation falls back to in-process
// memory, and the invocation's Report says so.
//
// A deployment opens the store once; each invocation carries a Report:
//
//	s, err := store.Open(os.Getenv("REFRESH_STORE_URL"), log) // once, at start
//	ctx, rep := store.WithReport(ctx)                          // per invocation
//	...                                                        // s.Seen(ctx, ...), s.Hold(ctx, ...)
//	if why := rep.Degraded(); why != "" { ... }                // say so in the result
//
// Degraded is "" when every operation ran on Redis (or when the store is a
// Memory); otherwise it says how many fell back and why the first did. The
// state those operations kept lives in one instance only: a retry may be
// submitted twice, or a delivery handled twice, and the quota ledger is
// that instance's own until Redis answers again. Open's errors, Redis's
// errors and the Report name the server as host:port and db, never the
// password.
//
// It imports trust (the CA roots of rediss://) and nothing else of
// vodrefresh.
package store

import (
	"context"
	"time"
)

// Key names one remembered fact compactly: 16 bytes of a hash of what it
// stands for (an event identity and a path, say). Callers make keys with
// KeyOf.
type Key [16]byte

// Delivery is what the dedupe knows of a webhook delivery.
type Delivery int

// The states of a delivery.
const (
	// New: the delivery was not seen; Reserve has now reserved it.
	New Delivery = iota
	// InProgress: another invocation holds it and has not finished.
	InProgress
	// Handled: it was handled within the window.
	Handled
)

// Amount is a number of URLs and directories.
type Amount struct {
	URLs int `json:"urls"`
	Dirs int `json:"dirs"`
}

// Reading is a quota reading from the service, and when it was taken.
type Reading struct {
	URLRemain     int       `json:"urlRemain"`
	DirRemain     int       `json:"dirRemain"`
	PreloadRemain int       `json:"preloadRemain"`
	At            time.Time `json:"at"`
	// Day is the quota day the reading belongs to (the caller's name for
	// it: the date in UTC+8, when the quota resets). SetReading uses it;
	// Ledger does not report it. "" means unknown.
	Day string `json:"-"`
}

// Ledger is the quota as the deployment sees it: the last reading, what
// was spent since it was taken, and what invocations in flight hold.
type Ledger struct {
	Reading Reading
	Have    bool   // false when there is no reading (Reading is zero)
	Spent   Amount // spent since the reading
	Preload int    // prefetches made since the reading
	Held    Amount // reserved by invocations in flight, unexpired
}

// readAfter reports whether a reading begun at at began after answered:
// strictly, so that a clock that did not move counts what was spent.
func readAfter(at, answered time.Time) bool {
	return !answered.IsZero() && !at.IsZero() && at.After(answered)
}

// Available is what may still be planned: the reading less what was spent
// since and what is held, never below zero.
func (l Ledger) Available() Amount {
	return Amount{
		URLs: max(0, l.Reading.URLRemain-l.Spent.URLs-l.Held.URLs),
		Dirs: max(0, l.Reading.DirRemain-l.Spent.Dirs-l.Held.Dirs),
	}
}

// Store is the state shared by a deployment's invocations. Every method is
// safe for concurrent use, and atomic.
type Store interface {
	// Seen reports, for each key, whether it was marked and has not
	// expired (the retry memory).
	Seen(ctx context.Context, keys []Key) ([]bool, error)
	// Mark remembers keys for ttl.
	Mark(ctx context.Context, keys []Key, ttl time.Duration) error

	// Reserve checks a webhook delivery of route and, when it is New,
	// reserves it as in progress for at most hold, in one step: of
	// concurrent deliveries with one key, one alone is New. Each route
	// has its own share of memory: one route's deliveries never evict
	// another's.
	Reserve(ctx context.Context, route, key string, hold time.Duration) (Delivery, error)
	// Finish ends a reservation: handled remembers the delivery as Handled
	// for window; otherwise the reservation is dropped, so that the
	// sender's retry goes through.
	Finish(ctx context.Context, route, key string, handled bool, window time.Duration) error

	// Ledger returns the quota ledger.
	Ledger(ctx context.Context) (Ledger, error)
	// SetReading records a new reading and starts counting what is spent
	// from it; reservations in flight stay held. A reading of the same
	// quota Day as the one it replaces may have been taken before some of
	// what was spent since: each of its figures is then kept no higher
	// than the old reading less what was spent.
	SetReading(ctx context.Context, r Reading) error
	// Forget drops the reading, so that the next invocation reads the
	// quota from the service again.
	Forget(ctx context.Context) error
	// Hold reserves need under id for at most ttl, if the ledger's
	// Available covers it, in one step. It returns the ledger it decided
	// on, and whether it reserved.
	Hold(ctx context.Context, id string, need Amount, ttl time.Duration) (Ledger, bool, error)
	// Settle ends the reservation id: spent is counted as spent since the
	// reading, and the rest is released. Settling an unknown or expired id
	// still counts spent. answered is when the calls that spent it had all
	// been answered: a reading begun after it (Reading.At) already holds
	// what they spent, which is then not counted again. A zero answered
	// always counts.
	Settle(ctx context.Context, id string, spent Amount, preload int, answered time.Time) error

	// Folders returns, for each folder that was refreshed as a directory
	// and is still remembered, when that refresh was accepted.
	Folders(ctx context.Context, folders []string) (map[string]time.Time, error)
	// RecordFolders remembers that folders were refreshed as directories,
	// accepted at at, for ttl. A later time replaces an earlier one, never
	// the reverse.
	RecordFolders(ctx context.Context, folders []string, at time.Time, ttl time.Duration) error

	// Value returns the value remembered under key, and whether there is
	// one (the last URLs of a sender's document, say).
	Value(ctx context.Context, key Key) (string, bool, error)
	// SetValue remembers value under key for ttl.
	SetValue(ctx context.Context, key Key, value string, ttl time.Duration) error

	// Count adds each of by's numbers to its field of the counters under
	// key, which expire ttl after the last addition.
	Count(ctx context.Context, key Key, by map[string]int, ttl time.Duration) error
	// Counts returns the counters under key.
	Counts(ctx context.Context, key Key) (map[string]int, error)

	// AddPending adds changes to the backlog of scarce days; one already
	// there (the same event and path) keeps the times it was first
	// recorded with. Past MaxBacklog it adds nothing more and says so.
	AddPending(ctx context.Context, items []Pending) error
	// Pending returns the backlog, in no order.
	Pending(ctx context.Context) ([]Pending, error)
	// PendingCount returns how many changes the backlog holds.
	PendingCount(ctx context.Context) (int, error)
	// DropPending takes items out of the backlog.
	DropPending(ctx context.Context, items []Pending) error
	// Track follows accepted refresh tasks; one already followed keeps its
	// first record. Past MaxTracked it follows no more and says so.
	Track(ctx context.Context, tasks []Tracked) error
	// TrackedTasks returns the tasks followed, in no order.
	TrackedTasks(ctx context.Context) ([]Tracked, error)
	// Untrack stops following the tasks with these IDs.
	Untrack(ctx context.Context, ids []string) error
	// Lease takes the lease name for holder for ttl, unless another holder
	// has it; it reports whether holder has it now.
	Lease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
	// Release gives the lease name back, if holder has it.
	Release(ctx context.Context, name, holder string) error

	// Kind names the implementation for logs and results: "memory" or
	// "redis".
	Kind() string
	// Close releases the store's connections.
	Close() error
}
