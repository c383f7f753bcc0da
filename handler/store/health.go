package store

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Checker is a Store that can say what it is worth: Memory, Redis and the
// Store that Open returns are Checkers.
//
//	if c, ok := s.(store.Checker); ok { h, err := c.Health(ctx); ... }
type Checker interface {
	// Health reports whether the store answers and takes writes, and
	// whether its server may evict the store's keys.
	Health(ctx context.Context) (Health, error)
	// Evicted returns how many keys the server evicted since the store was
	// opened (since the first call that could read the count, if Open
	// could not): each may have cost a guarantee (a retry memory, a
	// delivery's dedupe, a hold of quota). It costs one INFO stats (one
	// per master on a cluster): call it once per invocation at most. The
	// count is the server's, of every key, the store's or not.
	Evicted(ctx context.Context) (int64, error)
}

// Health is what a store says of itself.
type Health struct {
	// Kind is "memory", "redis" or "redis cluster".
	Kind string
	// Server names the server as String does, without the password; ""
	// for a Memory.
	Server string
	// Shared: the instances of a deployment share the state. A Memory's
	// is its own process's alone.
	Shared bool
	// Reachable: the server answered. Writable: a probe key under
	// "vodrefresh:" was written, read back and deleted.
	Reachable, Writable bool
	// MaxMemory is the server's maxmemory in bytes: 0 is no limit, -1
	// unknown (the server refused both CONFIG GET and INFO memory).
	MaxMemory int64
	// Policy is the server's maxmemory-policy, or "unknown" ("none" for a
	// Memory). On a cluster whose masters differ, the first that may
	// evict, else the first.
	Policy string
	// Warning is "" unless the server may evict the store's keys: every
	// key the store writes expires, so each volatile-* and allkeys-*
	// policy can evict it once maxmemory is reached; noeviction cannot
	// (writes fail instead, and the store falls back to memory).
	Warning string
}

// String sums up h in one line.
func (h Health) String() string {
	if !h.Shared {
		return h.Kind + ": not shared: each instance keeps its own state"
	}
	var b strings.Builder
	b.WriteString(h.Server)
	switch {
	case !h.Reachable:
		b.WriteString(": not reachable")
		return b.String()
	case !h.Writable:
		b.WriteString(": reachable, not writable")
	default:
		b.WriteString(": reachable, writable")
	}
	fmt.Fprintf(&b, ", maxmemory-policy %s, maxmemory %s", h.Policy, bytesOf(h.MaxMemory))
	return b.String()
}

// bytesOf names a maxmemory.
func bytesOf(n int64) string {
	switch {
	case n < 0:
		return "unknown"
	case n == 0:
		return "0 (no limit)"
	case n%(1<<30) == 0:
		return fmt.Sprintf("%dgb", n>>30)
	case n%(1<<20) == 0:
		return fmt.Sprintf("%dmb", n>>20)
	}
	return strconv.FormatInt(n, 10)
}

// evicts reports whether a server with policy and maxmemory may evict the
// store's keys, which all expire.
func evicts(policy string, maxmemory int64) bool {
	if policy == "noeviction" || policy == "unknown" || policy == "" || maxmemory == 0 {
		return false
	}
	return strings.HasPrefix(policy, "volatile-") || strings.HasPrefix(policy, "allkeys-")
}

// evictionWarning says what a policy that may evict costs.
func evictionWarning(policy string, maxmemory int64) string {
	return fmt.Sprintf("the server may evict the store's keys (maxmemory-policy %s, maxmemory %s): "+
		"an evicted key loses a guarantee: a change may be refreshed twice, a delivery handled twice, "+
		"quota held by an invocation counted as free; set maxmemory-policy to noeviction", policy, bytesOf(maxmemory))
}

// Health of a Memory: always reachable and writable, never shared, and it
// evicts nothing but what its own bounds (MemoryOptions) drop.
func (m *Memory) Health(context.Context) (Health, error) {
	return Health{Kind: "memory", Reachable: true, Writable: true, Policy: "none"}, nil
}

// Evicted of a Memory is 0: it has no server that evicts.
func (m *Memory) Evicted(context.Context) (int64, error) { return 0, nil }

// probeTTL is how long Health's probe key lives, should its DEL fail.
const probeTTL = 10 * time.Second

// Health pings the server (every master on a cluster), writes, reads back
// and deletes a probe key (vodrefresh:probe:<random>, expiring in 10 s),
// and reads maxmemory and maxmemory-policy: with CONFIG GET, or, where a
// managed Redis refuses it, from INFO memory. The error says what failed
// first; Health is filled as far as it got.
func (r *Redis) Health(ctx context.Context) (Health, error) {
	h := Health{Kind: "redis", Server: r.where, Shared: true, MaxMemory: -1, Policy: "unknown"}
	if r.cluster != nil {
		h.Kind = "redis cluster"
	}
	if err := r.Ping(ctx); err != nil {
		return h, err
	}
	if r.cluster != nil {
		pctx, cancel := r.bound(ctx)
		err := r.eachServer(pctx, func(ctx context.Context, c redis.Cmdable) error { return c.Ping(ctx).Err() })
		cancel()
		if err != nil {
			return h, r.wrap("ping", err)
		}
	}
	h.Reachable = true
	if err := r.probe(ctx); err != nil {
		return h, r.wrap("health: probe", err)
	}
	h.Writable = true
	ctx, cancel := r.bound(ctx)
	defer cancel()
	var mu sync.Mutex
	first := true
	err := r.eachServer(ctx, func(ctx context.Context, c redis.Cmdable) error {
		policy, maxmemory := memorySettings(ctx, c)
		mu.Lock()
		defer mu.Unlock()
		if first || !evicts(h.Policy, h.MaxMemory) && evicts(policy, maxmemory) {
			h.Policy, h.MaxMemory = policy, maxmemory
		}
		first = false
		return nil
	})
	if evicts(h.Policy, h.MaxMemory) {
		h.Warning = evictionWarning(h.Policy, h.MaxMemory)
	}
	return h, r.wrap("health", err)
}

// probe writes, reads back and deletes a key of its own.
func (r *Redis) probe(ctx context.Context) error {
	ctx, cancel := r.bound(ctx)
	defer cancel()
	var id [8]byte
	rand.Read(id[:])
	k := prefix + "probe:" + hex.EncodeToString(id[:])
	if err := r.c.Set(ctx, k, "1", probeTTL).Err(); err != nil {
		return err
	}
	v, err := r.c.Get(ctx, k).Result()
	if err != nil {
		return err
	}
	if v != "1" {
		return errors.New("the probe key read back differs from what was written")
	}
	return r.c.Del(ctx, k).Err()
}

// eachServer runs fn on the server, or on each master of a cluster.
func (r *Redis) eachServer(ctx context.Context, fn func(ctx context.Context, c redis.Cmdable) error) error {
	if r.cluster == nil {
		return fn(ctx, r.c)
	}
	masters, err := r.cluster.masters(ctx)
	if err != nil {
		return err
	}
	for _, c := range masters {
		if err := fn(ctx, c); err != nil {
			return err
		}
	}
	return nil
}

// memorySettings reads maxmemory-policy and maxmemory: CONFIG GET, else
// INFO memory, else "unknown" and -1.
func memorySettings(ctx context.Context, c redis.Cmdable) (string, int64) {
	policy, maxmemory := "unknown", int64(-1)
	if m, err := c.ConfigGet(ctx, "maxmemory*").Result(); err == nil {
		if p, ok := m["maxmemory-policy"]; ok && p != "" {
			policy = p
		}
		if n, err := strconv.ParseInt(m["maxmemory"], 10, 64); err == nil {
			maxmemory = n
		}
	}
	if policy != "unknown" && maxmemory >= 0 {
		return policy, maxmemory
	}
	if info, err := c.Info(ctx, "memory").Result(); err == nil {
		f := infoFields(info)
		if p := f["maxmemory_policy"]; p != "" && policy == "unknown" {
			policy = p
		}
		if n, err := strconv.ParseInt(f["maxmemory"], 10, 64); err == nil && maxmemory < 0 {
			maxmemory = n
		}
	}
	return policy, maxmemory
}

// infoFields reads the "name:value" lines of an INFO reply.
func infoFields(info string) map[string]string {
	f := make(map[string]string)
	sc := bufio.NewScanner(strings.NewReader(info))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		if k, v, ok := strings.Cut(line, ":"); ok {
			f[k] = v
		}
	}
	return f
}

// Evicted returns how many keys the server evicted since the store began
// counting (at OpenRedis or Open, or at the first call that could read the
// count), summed over the masters of a cluster: one INFO stats per server.
// A server whose count went down was restarted: what it counts since then
// is counted. A master first seen at this call (after a failover, say)
// begins counting now.
func (r *Redis) Evicted(ctx context.Context) (int64, error) {
	ctx, cancel := r.bound(ctx)
	defer cancel()
	var mu sync.Mutex
	now := make(map[string]int64)
	err := r.eachServer(ctx, func(ctx context.Context, c redis.Cmdable) error {
		info, err := c.Info(ctx, "stats").Result()
		if err != nil {
			return err
		}
		n, err := strconv.ParseInt(infoFields(info)["evicted_keys"], 10, 64)
		if err != nil {
			return errors.New("INFO stats has no evicted_keys")
		}
		addr := ""
		if cl, ok := c.(*redis.Client); ok && r.cluster != nil {
			addr = cl.Options().Addr
		}
		mu.Lock()
		now[addr] = n
		mu.Unlock()
		return nil
	})
	if err != nil {
		return 0, r.wrap("evicted", err)
	}
	return r.count(now), nil
}

// count takes the servers' evicted_keys now and returns how many were
// evicted since counting began.
func (r *Redis) count(now map[string]int64) int64 {
	r.evictMu.Lock()
	defer r.evictMu.Unlock()
	if r.evictBase == nil {
		r.evictBase, r.evictLast = now, make(map[string]int64)
		maps.Copy(r.evictLast, now)
		return 0
	}
	for addr, n := range now {
		base, ok := r.evictBase[addr]
		switch {
		case !ok:
			r.evictBase[addr] = n
		case n < r.evictLast[addr]: // restarted: keep what it had counted
			r.evictCarried += r.evictLast[addr] - base
			r.evictBase[addr] = 0
		}
		r.evictLast[addr] = n
	}
	d := r.evictCarried
	for addr, n := range r.evictLast {
		d += n - r.evictBase[addr]
	}
	return d
}

// Health of the store Open returns is its Redis's; an operation that
// failed over to memory does not change it.
func (f *fallback) Health(ctx context.Context) (Health, error) {
	return f.redis.Health(ctx)
}

// Evicted is its Redis's; while Redis is left alone after a failure
// (fallbackPause), it says so without trying.
func (f *fallback) Evicted(ctx context.Context) (int64, error) {
	if !f.use() {
		reason, _ := f.down.Load().(string)
		return 0, fmt.Errorf("store: evicted: not asked, as the store failed a moment ago: %s", reason)
	}
	return f.redis.Evicted(ctx)
}

var (
	_ Checker = (*Memory)(nil)
	_ Checker = (*Redis)(nil)
	_ Checker = (*fallback)(nil)
)
