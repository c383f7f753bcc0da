package store

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Open returns the Store that url names. An empty url gives a Memory with
// the default bounds. Otherwise url is a Redis URL (OpenRedis):
// redis://[user:password@]host:port/db, rediss:// for TLS, or
// redis+cluster://host:port?addr=host2:port2 (rediss+cluster://) for a
// Redis Cluster in direct-connection mode; and Open
// returns the Redis wrapped so that it never blocks a refresh: each
// operation tries Redis, and when Redis cannot be reached or fails, runs
// on an in-process Memory instead and records why in the invocation's
// Report (WithReport). After a failure the Redis is left alone for a few
// seconds, so that a server that does not answer costs one timeout, not
// one per operation.
//
// A URL that is wrong in itself (its scheme, host, port or db) is an error
// from Open, which names the problem and never the password. A server that
// does not answer at Open is not an error: Open logs it to log (which may
// be nil) and the store starts degraded. A server that answers is checked
// (Health): Open logs at WARN when it may evict the store's keys (its
// maxmemory-policy is not noeviction), and begins counting its evictions
// (Evicted). The store Open returns is a Checker.
func Open(url string, log *slog.Logger) (Store, error) {
	if url == "" {
		return NewMemory(MemoryOptions{}), nil
	}
	r, err := newRedis(url)
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	useClientLog(log)
	f := &fallback{redis: r, mem: NewMemory(MemoryOptions{}), log: log, pause: fallbackPause}
	ctx, cancel := context.WithTimeout(context.Background(), DialTimeout+IOTimeout)
	defer cancel()
	if err := r.Ping(ctx); err != nil {
		f.failed(ctx, err)
		return f, nil
	}
	log.Info("store: redis answers", "server", r.String())
	h, err := r.Health(ctx)
	switch {
	case err != nil:
		log.Warn("store: redis answers but failed its check", "server", r.String(), "reason", err.Error())
	case h.Warning != "":
		log.Warn("store: redis may evict the store's keys", "server", r.String(),
			"maxmemory_policy", h.Policy, "maxmemory", h.MaxMemory, "warning", h.Warning)
	default:
		log.Info("store: redis keeps the store's keys", "server", r.String(), "maxmemory_policy", h.Policy, "maxmemory", h.MaxMemory)
	}
	r.Evicted(ctx) // the count begins here; a failure makes it begin at the next call
	return f, nil
}

// fallbackPause is how long a fallback leaves Redis alone after it failed.
const fallbackPause = 3 * time.Second

// Report tells whether an invocation's store operations ran where they
// should. A fallback store records in it each operation that Redis could
// not do and in-process memory did instead. A nil *Report records nothing
// and is never degraded.
type Report struct {
	mu     sync.Mutex
	reason string
	n      int
}

type reportKey struct{}

// WithReport returns a context that carries a new Report, for the store
// operations of one invocation, and the Report.
func WithReport(ctx context.Context) (context.Context, *Report) {
	r := &Report{}
	return context.WithValue(ctx, reportKey{}, r), r
}

// reportOf returns the Report that ctx carries, or nil.
func reportOf(ctx context.Context) *Report {
	r, _ := ctx.Value(reportKey{}).(*Report)
	return r
}

// record counts one operation that fell back; the first reason stays. It
// reports whether this was the first.
func (r *Report) record(reason string) bool {
	if r == nil {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n++
	if r.reason == "" {
		r.reason = reason
		return true
	}
	return false
}

// Degraded returns "" when every operation ran on the configured store.
// Otherwise it says how many fell back to in-process memory and why the
// first did, naming the server but never the password: "3 store
// operations ran in process memory: store: redis 10.0.0.5:6379 db 0: seen:
// no answer in time".
func (r *Report) Degraded() string {
	if r == nil {
		return ""
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.n == 0 {
		return ""
	}
	ops := "operations"
	if r.n == 1 {
		ops = "operation"
	}
	return fmt.Sprintf("%d store %s ran in process memory: %s", r.n, ops, r.reason)
}

// fallback is a Redis that falls back to a Memory, operation by operation.
type fallback struct {
	redis *Redis
	mem   *Memory
	log   *slog.Logger
	pause time.Duration

	downUntil atomic.Int64 // unix ns before which Redis is not tried
	lastLog   atomic.Int64 // unix ns of the last warning without a Report
	down      atomic.Value // string: why Redis was last left alone
}

// use reports whether to try Redis now.
func (f *fallback) use() bool {
	return time.Now().UnixNano() >= f.downUntil.Load()
}

// failed records that Redis failed with err: the invocation's Report says
// so, and Redis is left alone for f.pause, unless the caller's own context
// ended, which is no fault of Redis.
func (f *fallback) failed(ctx context.Context, err error) {
	reason := err.Error()
	now := time.Now()
	if ctx.Err() == nil {
		f.down.Store(reason)
		f.downUntil.Store(now.Add(f.pause).UnixNano())
	}
	f.skipped(ctx, reason, now)
}

// skipped records an operation run on memory, and logs it once per
// invocation (once a minute for operations outside one).
func (f *fallback) skipped(ctx context.Context, reason string, now time.Time) {
	rep := reportOf(ctx)
	if rep != nil {
		if rep.record(reason) {
			f.log.Warn("store: falling back to process memory", "reason", reason)
		}
		return
	}
	last := f.lastLog.Load()
	if now.UnixNano()-last >= int64(time.Minute) && f.lastLog.CompareAndSwap(last, now.UnixNano()) {
		f.log.Warn("store: falling back to process memory", "reason", reason)
	}
}

// try runs op on Redis when it is not left alone, and reports whether it
// did so without error. When not, the caller runs the operation on memory.
func (f *fallback) try(ctx context.Context, op func(Store) error) bool {
	if !f.use() {
		reason, _ := f.down.Load().(string)
		f.skipped(ctx, reason, time.Now())
		return false
	}
	if err := op(f.redis); err != nil {
		f.failed(ctx, err)
		return false
	}
	return true
}

// later defers a write to the Later of ctx (Deferrable, WithLater):
// op, with its commands queued for one pipeline, and mem, the same write
// in process memory should the pipeline fail. It reports whether the
// write was deferred: not when ctx allows no deferral, or Redis is being
// left alone after a failure.
func (f *fallback) later(ctx context.Context, op func(context.Context) error, mem func()) bool {
	l := laterOf(ctx)
	if l == nil || !f.use() {
		return false
	}
	return l.queue(ctx, f.redis, op, mem, f.failed) == nil
}

func (f *fallback) Kind() string { return "redis" }

func (f *fallback) String() string { return f.redis.String() }

func (f *fallback) Close() error {
	f.mem.Close()
	return f.redis.Close()
}

func (f *fallback) Seen(ctx context.Context, keys []Key) (seen []bool, err error) {
	if f.try(ctx, func(s Store) error { seen, err = s.Seen(ctx, keys); return err }) {
		return seen, nil
	}
	return f.mem.Seen(ctx, keys)
}

func (f *fallback) Mark(ctx context.Context, keys []Key, ttl time.Duration) error {
	if f.later(ctx, func(ctx context.Context) error { return f.redis.Mark(ctx, keys, ttl) }, func() { f.mem.Mark(context.Background(), keys, ttl) }) {
		return nil
	}
	if f.try(ctx, func(s Store) error { return s.Mark(ctx, keys, ttl) }) {
		return nil
	}
	return f.mem.Mark(ctx, keys, ttl)
}

func (f *fallback) Reserve(ctx context.Context, route, key string, hold time.Duration) (d Delivery, err error) {
	if f.try(ctx, func(s Store) error { d, err = s.Reserve(ctx, route, key, hold); return err }) {
		return d, nil
	}
	return f.mem.Reserve(ctx, route, key, hold)
}

func (f *fallback) Finish(ctx context.Context, route, key string, handled bool, window time.Duration) error {
	if f.try(ctx, func(s Store) error { return s.Finish(ctx, route, key, handled, window) }) {
		return nil
	}
	return f.mem.Finish(ctx, route, key, handled, window)
}

func (f *fallback) Ledger(ctx context.Context) (l Ledger, err error) {
	if f.try(ctx, func(s Store) error { l, err = s.Ledger(ctx); return err }) {
		return l, nil
	}
	return f.mem.Ledger(ctx)
}

func (f *fallback) SetReading(ctx context.Context, r Reading) error {
	if f.try(ctx, func(s Store) error { return s.SetReading(ctx, r) }) {
		return nil
	}
	return f.mem.SetReading(ctx, r)
}

func (f *fallback) Forget(ctx context.Context) error {
	if f.try(ctx, func(s Store) error { return s.Forget(ctx) }) {
		return nil
	}
	return f.mem.Forget(ctx)
}

func (f *fallback) Hold(ctx context.Context, id string, need Amount, ttl time.Duration) (l Ledger, ok bool, err error) {
	if f.try(ctx, func(s Store) error { l, ok, err = s.Hold(ctx, id, need, ttl); return err }) {
		return l, ok, nil
	}
	return f.mem.Hold(ctx, id, need, ttl)
}

func (f *fallback) Settle(ctx context.Context, id string, spent Amount, preload int, answered time.Time) error {
	if f.later(ctx, func(ctx context.Context) error { return f.redis.Settle(ctx, id, spent, preload, answered) },
		func() { f.mem.Settle(context.Background(), id, spent, preload, answered) }) {
		return nil
	}
	if f.try(ctx, func(s Store) error { return s.Settle(ctx, id, spent, preload, answered) }) {
		return nil
	}
	return f.mem.Settle(ctx, id, spent, preload, answered)
}

func (f *fallback) Folders(ctx context.Context, folders []string) (m map[string]time.Time, err error) {
	if f.try(ctx, func(s Store) error { m, err = s.Folders(ctx, folders); return err }) {
		return m, nil
	}
	return f.mem.Folders(ctx, folders)
}

func (f *fallback) RecordFolders(ctx context.Context, folders []string, at time.Time, ttl time.Duration) error {
	if f.later(ctx, func(ctx context.Context) error { return f.redis.RecordFolders(ctx, folders, at, ttl) }, func() { f.mem.RecordFolders(context.Background(), folders, at, ttl) }) {
		return nil
	}
	if f.try(ctx, func(s Store) error { return s.RecordFolders(ctx, folders, at, ttl) }) {
		return nil
	}
	return f.mem.RecordFolders(ctx, folders, at, ttl)
}

func (f *fallback) AddPending(ctx context.Context, items []Pending) error {
	if f.try(ctx, func(s Store) error { return s.AddPending(ctx, items) }) {
		return nil
	}
	return f.mem.AddPending(ctx, items)
}

func (f *fallback) Pending(ctx context.Context) (p []Pending, err error) {
	if f.try(ctx, func(s Store) error { p, err = s.Pending(ctx); return err }) {
		return p, nil
	}
	return f.mem.Pending(ctx)
}

func (f *fallback) PendingCount(ctx context.Context) (n int, err error) {
	if f.try(ctx, func(s Store) error { n, err = s.PendingCount(ctx); return err }) {
		return n, nil
	}
	return f.mem.PendingCount(ctx)
}

func (f *fallback) DropPending(ctx context.Context, items []Pending) error {
	if f.try(ctx, func(s Store) error { return s.DropPending(ctx, items) }) {
		return nil
	}
	return f.mem.DropPending(ctx, items)
}

func (f *fallback) Lease(ctx context.Context, name, holder string, ttl time.Duration) (ok bool, err error) {
	if f.try(ctx, func(s Store) error { ok, err = s.Lease(ctx, name, holder, ttl); return err }) {
		return ok, nil
	}
	return f.mem.Lease(ctx, name, holder, ttl)
}

func (f *fallback) Release(ctx context.Context, name, holder string) error {
	if f.try(ctx, func(s Store) error { return s.Release(ctx, name, holder) }) {
		return nil
	}
	return f.mem.Release(ctx, name, holder)
}

func (f *fallback) Value(ctx context.Context, key Key) (v string, ok bool, err error) {
	if f.try(ctx, func(s Store) error { v, ok, err = s.Value(ctx, key); return err }) {
		return v, ok, nil
	}
	return f.mem.Value(ctx, key)
}

func (f *fallback) SetValue(ctx context.Context, key Key, value string, ttl time.Duration) error {
	if f.try(ctx, func(s Store) error { return s.SetValue(ctx, key, value, ttl) }) {
		return nil
	}
	return f.mem.SetValue(ctx, key, value, ttl)
}

func (f *fallback) Track(ctx context.Context, tasks []Tracked) error {
	if f.later(ctx, func(ctx context.Context) error { return f.redis.Track(ctx, tasks) }, func() { f.mem.Track(context.Background(), tasks) }) {
		return nil
	}
	if f.try(ctx, func(s Store) error { return s.Track(ctx, tasks) }) {
		return nil
	}
	return f.mem.Track(ctx, tasks)
}

func (f *fallback) TrackedTasks(ctx context.Context) (t []Tracked, err error) {
	if f.try(ctx, func(s Store) error { t, err = s.TrackedTasks(ctx); return err }) {
		return t, nil
	}
	return f.mem.TrackedTasks(ctx)
}

func (f *fallback) Untrack(ctx context.Context, ids []string) error {
	if f.try(ctx, func(s Store) error { return s.Untrack(ctx, ids) }) {
		return nil
	}
	return f.mem.Untrack(ctx, ids)
}

func (f *fallback) Count(ctx context.Context, key Key, by map[string]int, ttl time.Duration) error {
	if f.later(ctx, func(ctx context.Context) error { return f.redis.Count(ctx, key, by, ttl) }, func() { f.mem.Count(context.Background(), key, by, ttl) }) {
		return nil
	}
	if f.try(ctx, func(s Store) error { return s.Count(ctx, key, by, ttl) }) {
		return nil
	}
	return f.mem.Count(ctx, key, by, ttl)
}

func (f *fallback) Counts(ctx context.Context, key Key) (c map[string]int, err error) {
	if f.try(ctx, func(s Store) error { c, err = s.Counts(ctx, key); return err }) {
		return c, nil
	}
	return f.mem.Counts(ctx, key)
}

var _ Store = (*fallback)(nil)
