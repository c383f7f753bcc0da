package submit

import (
	"context"
	"time"

	"vodrefresh/handler/store"
)

// MaxAnswerMargin is the most time an invocation keeps, before its
// deadline, to encode its answer and post it to FC.
const MaxAnswerMargin = 500 * time.Millisecond

// WithAnswerMargin returns a context for an invocation's work that ends a
// margin before ctx's deadline: a fifth of the time left, at most
// MaxAnswerMargin. An answer that reaches FC after the deadline counts as
// a timeout, and its structured error is lost. Without a deadline, the
// work has none either.
//
// The writes that must outlive the work (store.Afterwork: settling a
// hold, marking a delivery handled, remembering what was sent) share one
// budget inside the margin: together they end three quarters of the way
// through it, leaving the rest to encode and post the answer.
func WithAnswerMargin(ctx context.Context) (context.Context, context.CancelFunc) {
	dl, ok := ctx.Deadline()
	if !ok {
		return context.WithCancel(ctx)
	}
	margin := max(0, min(time.Until(dl)/5, MaxAnswerMargin))
	budget, cancelBudget := context.WithDeadline(context.WithoutCancel(ctx), dl.Add(-margin/4))
	work, cancelWork := context.WithDeadline(store.WithAfterwork(ctx, budget), dl.Add(-margin))
	return work, func() { cancelWork(); cancelBudget() }
}
