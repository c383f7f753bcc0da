package refresh

import (
	"context"
	"errors"
	"fmt"
)

// checkEvery is how many items (records, paths) planning handles between
// two looks at its context: often enough to stop within milliseconds,
// rarely enough to cost nothing.
const checkEvery = 1024

// clock stops planning once the context it is handed is done. It counts
// the items planning handles, in every stage, and looks at the context
// after each checkEvery of them; so planning of fewer items is never
// stopped (it is over in well under a millisecond, and the submit stage
// looks at the same context). A nil clock never stops.
type clock struct{ n int }

// tick counts one item, done of the of items of stage, and returns an
// error when it is time to look and ctx is done: the error names the stage
// and how far it got, and wraps ctx's error (context.DeadlineExceeded when
// the deadline passed).
func (c *clock) tick(ctx context.Context, stage string, done, of int) error {
	if c == nil {
		return nil
	}
	if c.n++; c.n%checkEvery != 0 {
		return nil
	}
	err := ctx.Err()
	if err == nil {
		return nil
	}
	what := "ran out of time"
	if !errors.Is(err, context.DeadlineExceeded) {
		what = "was cancelled"
	}
	return fmt.Errorf("refresh planning %s while %s, after %d of %d: %w", what, stage, done, of, err)
}
