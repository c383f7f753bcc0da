package submit_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"vodrefresh/handler/submit"
)

// An invocation's work ends a fifth of its time left before its deadline,
// at most MaxAnswerMargin (0.5 s) before it; with no deadline, it has none
// either, and it ends when its caller's context does, or when cancelled.
func TestWithAnswerMargin(t *testing.T) {
	if submit.MaxAnswerMargin != 500*time.Millisecond {
		t.Fatalf("MaxAnswerMargin is %s; the cases below are worked out for 500ms", submit.MaxAnswerMargin)
	}
	far := time.Now().Add(time.Hour)
	past := time.Now().Add(-time.Second)
	cases := []struct {
		name string
		dl   time.Time // zero: none
		// the margin kept, from at least min to at most max.
		min, max time.Duration
	}{
		{name: "an hour left: the most margin", dl: far, min: 500 * time.Millisecond, max: 500 * time.Millisecond},
		// 2 s left when the context is made, a fifth of it at most.
		{name: "two seconds left: a fifth", dl: time.Now().Add(2 * time.Second), min: time.Nanosecond, max: 400 * time.Millisecond},
		{name: "past its deadline: no margin", dl: past},
		{name: "no deadline"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			parent, stop := context.WithCancel(context.Background())
			defer stop()
			if !tc.dl.IsZero() {
				var cancel context.CancelFunc
				parent, cancel = context.WithDeadline(parent, tc.dl)
				defer cancel()
			}
			ctx, cancel := submit.WithAnswerMargin(parent)
			defer cancel()
			dl, ok := ctx.Deadline()
			if ok != !tc.dl.IsZero() {
				t.Fatalf("a deadline: %v, want %v", ok, !tc.dl.IsZero())
			}
			if ok {
				if margin := tc.dl.Sub(dl); margin < tc.min || margin > tc.max {
					t.Errorf("the work ends %s before the deadline, want %s to %s", margin, tc.min, tc.max)
				}
			}
			// The work ends when its caller's does.
			stop()
			<-ctx.Done()
			if err := ctx.Err(); !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("the work ended with %v", err)
			}
		})
	}
	// Cancelling the work leaves its caller's context alone.
	parent, stop := context.WithDeadline(context.Background(), far)
	defer stop()
	ctx, cancel := submit.WithAnswerMargin(parent)
	cancel()
	if !errors.Is(ctx.Err(), context.Canceled) || parent.Err() != nil {
		t.Errorf("cancelled work: %v; its caller's context: %v", ctx.Err(), parent.Err())
	}
}
