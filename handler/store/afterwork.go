package store

import (
	"context"
	"time"
)

// afterworkKey keys the budget that WithAfterwork attaches to a context.
type afterworkKey struct{}

// WithAfterwork attaches budget to ctx: the one context that every write
// made after ctx's work has ended (Afterwork) shares. Its deadline bounds
// them all together, however many there are, where each on its own could
// take up to OpTimeout.
func WithAfterwork(ctx, budget context.Context) context.Context {
	return context.WithValue(ctx, afterworkKey{}, budget)
}

// Afterwork returns the context for a write that must be made even when
// ctx's work has ended (its deadline passed, or it was cancelled): ctx's
// values, without its cancellation, and with the deadline of the budget
// that WithAfterwork attached, which all such writes share. Without one,
// it is context.WithoutCancel(ctx).
func Afterwork(ctx context.Context) context.Context {
	budget, ok := ctx.Value(afterworkKey{}).(context.Context)
	if !ok {
		return context.WithoutCancel(ctx)
	}
	return afterwork{values: context.WithoutCancel(ctx), budget: budget}
}

// afterwork is a context with the values of one and the deadline and
// cancellation of another.
type afterwork struct {
	values context.Context
	budget context.Context
}

func (a afterwork) Deadline() (time.Time, bool) { return a.budget.Deadline() }
func (a afterwork) Done() <-chan struct{}       { return a.budget.Done() }
func (a afterwork) Err() error                  { return a.budget.Err() }
func (a afterwork) Value(key any) any           { return a.values.Value(key) }
