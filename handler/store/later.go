package store

import (
	"context"
	"errors"
	"sync"

	"github.com/redis/go-redis/v9"
)

// Later holds the writes of one invocation that may wait for its end:
// what a refresh leaves behind (the hold settled, what was sent
// remembered, the tasks to follow, the quota spent). On a Redis store
// they are sent together, in one pipeline, by Flush, inside the budget
// that every write after the work shares (Afterwork), rather than one
// round trip each. A store in process memory makes them at once.
//
// A write is deferred only when its context comes from Deferrable and
// carries a Later (WithLater): a write whose result the invocation reads
// again before its end must not be.
type Later struct {
	mu      sync.Mutex
	redis   *Redis
	cmds    []redis.Cmder
	checks  []func() error // after the pipeline ran: what a write's reply says
	mem     []func()       // should the pipeline fail: the writes, in memory
	failed  func(context.Context, error)
	flushed bool
}

type laterKey struct{}

type deferrableKey struct{}

// queueKey marks a context whose Redis commands are queued in a Later
// instead of sent.
type queueKey struct{}

// WithLater attaches a Later to ctx; the caller flushes it.
func WithLater(ctx context.Context) (context.Context, *Later) {
	l := &Later{}
	return context.WithValue(ctx, laterKey{}, l), l
}

// Deferrable returns the context for a write that may wait for the
// Later's flush: Afterwork(ctx), marked so.
func Deferrable(ctx context.Context) context.Context {
	return context.WithValue(Afterwork(ctx), deferrableKey{}, true)
}

// laterOf returns the Later that a write with ctx may be deferred to.
func laterOf(ctx context.Context) *Later {
	if ok, _ := ctx.Value(deferrableKey{}).(bool); !ok {
		return nil
	}
	l, _ := ctx.Value(laterKey{}).(*Later)
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.flushed {
		return nil
	}
	return l
}

// queuedIn returns the Later whose queue ctx's commands go to, if any.
func queuedIn(ctx context.Context) *Later {
	l, _ := ctx.Value(queueKey{}).(*Later)
	return l
}

// queue runs op, a write of r, with its commands queued in l; mem is the
// same write in process memory, made should the pipeline fail. failed
// records a failure, as the store records any.
func (l *Later) queue(ctx context.Context, r *Redis, op func(context.Context) error, mem func(), failed func(context.Context, error)) error {
	l.mu.Lock()
	l.redis, l.failed = r, failed
	l.mu.Unlock()
	if err := op(context.WithValue(ctx, queueKey{}, l)); err != nil {
		return err
	}
	l.mu.Lock()
	l.mem = append(l.mem, mem)
	l.mu.Unlock()
	return nil
}

// add queues cmds.
func (l *Later) add(cmds ...redis.Cmder) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.cmds = append(l.cmds, cmds...)
}

// check adds what to read of a queued write's reply once it has run.
func (l *Later) check(f func() error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.checks = append(l.checks, f)
}

// Flush sends the deferred writes, in one pipeline (one per node of a
// cluster), and makes them in process memory instead should it fail,
// saying so as for any failed operation (WithReport). It returns what
// failed; a Later flushes once, and writes deferred to it after that are
// made at once.
func (l *Later) Flush(ctx context.Context) error {
	l.mu.Lock()
	cmds, checks, mem, r, failed := l.cmds, l.checks, l.mem, l.redis, l.failed
	l.cmds, l.checks, l.mem, l.flushed = nil, nil, nil, true
	l.mu.Unlock()
	if len(cmds) == 0 || r == nil {
		return nil
	}
	ctx, cancel := r.bound(ctx)
	defer cancel()
	_, err := r.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, c := range cmds {
			_ = p.Process(ctx, c)
		}
		return nil
	})
	if errors.Is(err, redis.Nil) {
		err = nil
	}
	if err != nil {
		err = r.wrap("deferred writes", err)
		if failed != nil {
			failed(ctx, err)
		}
		for _, m := range mem {
			m()
		}
		return err
	}
	// The writes went through; what their replies say (a list that is
	// full, say) is not the store failing.
	var said []error
	for _, c := range checks {
		said = append(said, c())
	}
	return errors.Join(said...)
}

// queueHook queues the commands of a context marked by Later.queue
// instead of sending them.
type queueHook struct{}

func (queueHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (queueHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if l := queuedIn(ctx); l != nil {
			l.add(cmd)
			return nil
		}
		return next(ctx, cmd)
	}
}

func (queueHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if l := queuedIn(ctx); l != nil {
			l.add(cmds...)
			return nil
		}
		return next(ctx, cmds)
	}
}
