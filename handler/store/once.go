package store

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"sync"

	"github.com/redis/go-redis/v9"
)

// script is a Lua script of the store, with its SHA-1 for EVALSHA,
// computed on first use, off the cold-start path.
type script struct {
	src string
	sha func() string
}

func newScript(src string) *script {
	return &script{src: src, sha: sync.OnceValue(func() string {
		sum := sha1.Sum([]byte(src))
		return hex.EncodeToString(sum[:])
	})}
}

// onceCmd is a command that go-redis must not send again once it may
// have reached the server: a script that counted spent quota, or an
// HINCRBY, would count twice. The clients' retries are off (MaxRetries
// -1); the command says NoRetry as well, which go-redis consults on the
// paths that resend by themselves. A MOVED or ASK reply, which a node of
// a cluster gives without running the command, is still followed
// (cluster).
type onceCmd struct{ *redis.Cmd }

// NoRetry says not to send the command again.
func (onceCmd) NoRetry() bool { return true }

// onceIntCmd is an onceCmd that answers a number.
type onceIntCmd struct{ *redis.IntCmd }

// NoRetry says not to send the command again.
func (onceIntCmd) NoRetry() bool { return true }

// evalCmd makes the EVALSHA (or EVAL) of s, its keys in KEYS and args in
// ARGV, as the client makes it: the first key, at position 3, gives the
// slot on a cluster.
func evalCmd(ctx context.Context, s *script, eval bool, keys []string, args []any) *redis.Cmd {
	a := make([]any, 0, 3+len(keys)+len(args))
	if eval {
		a = append(a, "eval", s.src, len(keys))
	} else {
		a = append(a, "evalsha", s.sha(), len(keys))
	}
	for _, k := range keys {
		a = append(a, k)
	}
	a = append(a, args...)
	cmd := redis.NewCmd(ctx, a...)
	if len(keys) > 0 {
		cmd.SetFirstKeyPos(3)
	}
	return cmd
}

// run runs s once: EVALSHA, and EVAL should the server not have the
// script (NOSCRIPT, which it answers without running anything).
func (r *Redis) run(ctx context.Context, s *script, keys []string, args ...any) *redis.Cmd {
	// Queued for a pipeline (Later), a script goes whole: a NOSCRIPT
	// answer would come too late to send it again.
	cmd := evalCmd(ctx, s, queuedIn(ctx) != nil, keys, args)
	_ = r.c.Process(ctx, onceCmd{cmd})
	if redis.HasErrorPrefix(cmd.Err(), "NOSCRIPT") {
		cmd = evalCmd(ctx, s, true, keys, args)
		_ = r.c.Process(ctx, onceCmd{cmd})
	}
	return cmd
}

// hincrby queues HINCRBY in p, sent once.
func hincrby(ctx context.Context, p redis.Pipeliner, key, field string, n int64) *redis.IntCmd {
	cmd := redis.NewIntCmd(ctx, "hincrby", key, field, n)
	_ = p.Process(ctx, onceIntCmd{cmd})
	return cmd
}
