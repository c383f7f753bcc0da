package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// backlogKey is the hash of the backlog: Pending.key to the Pending as
// JSON.
const backlogKey = prefix + "backlog"

func leaseKey(name string) string { return prefix + "lease:" + KeyOf(name).String() }

// addPendingScript: KEYS[1] the backlog; ARGV[1] its TTL in ms, ARGV[2]
// its bound, then field and value pairs. Adds each field not already
// there while the hash is under its bound; returns how many it could not
// add.
var addPendingScript = newScript(`
local left = 0
for i = 3, #ARGV, 2 do
  if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 0 then
    if redis.call('HLEN', KEYS[1]) < tonumber(ARGV[2]) then
      redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
    else
      left = left + 1
    end
  end
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return left
`)

// releaseScript: KEYS[1] the lease; ARGV[1] the holder. Deletes the lease
// only if the holder has it.
var releaseScript = newScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`)

// AddPending adds items to the backlog, keeping the first record of each:
// one script per 1,000 items.
func (r *Redis) AddPending(ctx context.Context, items []Pending) error {
	ctx, cancel := r.bound(ctx)
	defer cancel()
	for start := 0; start < len(items); start += seenChunk {
		chunk := items[start:min(start+seenChunk, len(items))]
		args := make([]any, 0, 2+2*len(chunk))
		args = append(args, BacklogTTL.Milliseconds(), MaxBacklog)
		for _, it := range chunk {
			b, err := json.Marshal(it)
			if err != nil {
				return fmt.Errorf("store: add pending: %w", err)
			}
			args = append(args, it.key().String(), b)
		}
		left, err := r.run(ctx, addPendingScript, []string{backlogKey}, args...).Int()
		if err != nil {
			return r.wrap("add pending", err)
		}
		if left > 0 {
			return fmt.Errorf("store: the backlog holds its most, %d changes: %d more not recorded", MaxBacklog, left)
		}
	}
	return nil
}

// Pending returns the backlog, read with HSCAN so that a large one does
// not hold the server.
func (r *Redis) Pending(ctx context.Context) ([]Pending, error) {
	ctx, cancel := r.bound(ctx)
	defer cancel()
	var out []Pending
	iter := r.c.HScan(ctx, backlogKey, 0, "", seenChunk).Iterator()
	for i := 0; iter.Next(ctx); i++ {
		if i%2 == 0 {
			continue // the field
		}
		var p Pending
		if json.Unmarshal([]byte(iter.Val()), &p) == nil {
			out = append(out, p)
		}
	}
	if err := iter.Err(); err != nil {
		return nil, r.wrap("pending", err)
	}
	return out, nil
}

// PendingCount returns the backlog's size.
func (r *Redis) PendingCount(ctx context.Context) (int, error) {
	ctx, cancel := r.bound(ctx)
	defer cancel()
	n, err := r.c.HLen(ctx, backlogKey).Result()
	if err != nil {
		return 0, r.wrap("pending count", err)
	}
	return int(n), nil
}

// DropPending takes items out of the backlog, 1,000 fields a command.
func (r *Redis) DropPending(ctx context.Context, items []Pending) error {
	ctx, cancel := r.bound(ctx)
	defer cancel()
	for start := 0; start < len(items); start += seenChunk {
		chunk := items[start:min(start+seenChunk, len(items))]
		fields := make([]string, len(chunk))
		for i, it := range chunk {
			fields[i] = it.key().String()
		}
		if err := r.c.HDel(ctx, backlogKey, fields...).Err(); err != nil {
			return r.wrap("drop pending", err)
		}
	}
	return nil
}

// Lease takes the lease name for holder (SET NX PX), or renews it if
// holder has it already.
func (r *Redis) Lease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error) {
	ctx, cancel := r.bound(ctx)
	defer cancel()
	ok, err := r.c.SetNX(ctx, leaseKey(name), holder, ttl).Result()
	if err != nil {
		return false, r.wrap("lease", err)
	}
	if ok {
		return true, nil
	}
	cur, err := r.c.Get(ctx, leaseKey(name)).Result()
	if err != nil && err != redis.Nil {
		return false, r.wrap("lease", err)
	}
	if cur != holder {
		return false, nil
	}
	return true, r.wrap("lease", r.c.PExpire(ctx, leaseKey(name), ttl).Err())
}

// Release gives the lease name back, if holder has it.
func (r *Redis) Release(ctx context.Context, name, holder string) error {
	ctx, cancel := r.bound(ctx)
	defer cancel()
	return r.wrap("release", r.run(ctx, releaseScript, []string{leaseKey(name)}, holder).Err())
}

// valueKey is the key of a value remembered under k.
func valueKey(k Key) string { return prefix + "v:" + k.String() }

// Value returns the value remembered under key.
func (r *Redis) Value(ctx context.Context, key Key) (string, bool, error) {
	ctx, cancel := r.bound(ctx)
	defer cancel()
	v, err := r.c.Get(ctx, valueKey(key)).Result()
	switch {
	case err == redis.Nil:
		return "", false, nil
	case err != nil:
		return "", false, r.wrap("value", err)
	}
	return v, true, nil
}

// SetValue remembers value under key for ttl.
func (r *Redis) SetValue(ctx context.Context, key Key, value string, ttl time.Duration) error {
	ctx, cancel := r.bound(ctx)
	defer cancel()
	return r.wrap("set value", r.c.Set(ctx, valueKey(key), value, ttl).Err())
}

// trackedKey is the hash of the tasks followed: task ID to the Tracked as
// JSON.
const trackedKey = prefix + "tracked"

// Track follows tasks, keeping the first record of each: the backlog's
// script, on the tracked hash.
func (r *Redis) Track(ctx context.Context, tasks []Tracked) error {
	ctx, cancel := r.bound(ctx)
	defer cancel()
	for start := 0; start < len(tasks); start += seenChunk {
		chunk := tasks[start:min(start+seenChunk, len(tasks))]
		args := make([]any, 0, 2+2*len(chunk))
		args = append(args, TrackedTTL.Milliseconds(), MaxTracked)
		for _, t := range chunk {
			b, err := json.Marshal(t)
			if err != nil {
				return fmt.Errorf("store: track: %w", err)
			}
			args = append(args, t.TaskID, b)
		}
		cmd := r.run(ctx, addPendingScript, []string{trackedKey}, args...)
		overflow := func() error {
			if left, err := cmd.Int(); err == nil && left > 0 {
				return fmt.Errorf("store: %d tasks are followed, the most: %d more not followed", MaxTracked, left)
			}
			return nil
		}
		if l := queuedIn(ctx); l != nil {
			l.check(overflow) // read once the pipeline has run
			continue
		}
		if err := cmd.Err(); err != nil {
			return r.wrap("track", err)
		}
		if err := overflow(); err != nil {
			return err
		}
	}
	return nil
}

// TrackedTasks returns the tasks followed, read with HSCAN.
func (r *Redis) TrackedTasks(ctx context.Context) ([]Tracked, error) {
	ctx, cancel := r.bound(ctx)
	defer cancel()
	var out []Tracked
	iter := r.c.HScan(ctx, trackedKey, 0, "", seenChunk).Iterator()
	for i := 0; iter.Next(ctx); i++ {
		if i%2 == 0 {
			continue
		}
		var t Tracked
		if json.Unmarshal([]byte(iter.Val()), &t) == nil {
			out = append(out, t)
		}
	}
	if err := iter.Err(); err != nil {
		return nil, r.wrap("tracked tasks", err)
	}
	return out, nil
}

// Untrack stops following the tasks with these IDs.
func (r *Redis) Untrack(ctx context.Context, ids []string) error {
	ctx, cancel := r.bound(ctx)
	defer cancel()
	for start := 0; start < len(ids); start += seenChunk {
		if err := r.c.HDel(ctx, trackedKey, ids[start:min(start+seenChunk, len(ids))]...).Err(); err != nil {
			return r.wrap("untrack", err)
		}
	}
	return nil
}

// countKey is the hash of the counters under k.
func countKey(k Key) string { return prefix + "c:" + k.String() }

// Count adds to the counters under key: HINCRBY per field, and PEXPIRE,
// in one pipeline.
func (r *Redis) Count(ctx context.Context, key Key, by map[string]int, ttl time.Duration) error {
	ctx, cancel := r.bound(ctx)
	defer cancel()
	_, err := r.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		for f, n := range by {
			hincrby(ctx, p, countKey(key), f, int64(n))
		}
		p.PExpire(ctx, countKey(key), ttl)
		return nil
	})
	return r.wrap("count", err)
}

// Counts returns the counters under key.
func (r *Redis) Counts(ctx context.Context, key Key) (map[string]int, error) {
	ctx, cancel := r.bound(ctx)
	defer cancel()
	m, err := r.c.HGetAll(ctx, countKey(key)).Result()
	if err != nil {
		return nil, r.wrap("counts", err)
	}
	out := make(map[string]int, len(m))
	for f, v := range m {
		n, _ := strconv.Atoi(v)
		out[f] = n
	}
	return out, nil
}
