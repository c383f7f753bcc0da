package vod

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"vodrefresh/handler/refresh"
)

// Backoff sets how a call is retried within one invocation: exponential
// backoff with full jitter, never past the invocation's deadline.
type Backoff struct {
	Base     time.Duration // first delay's upper bound
	Cap      time.Duration // largest delay
	Attempts int           // tries per call, the first included
	// Slow is the first delay's upper bound for per-minute rate limits.
	Slow time.Duration
}

// DefaultBackoff is the retry policy for calls to VOD.
var DefaultBackoff = Backoff{Base: 200 * time.Millisecond, Cap: 5 * time.Second, Attempts: 4, Slow: 5 * time.Second}

// delay returns the pause before try n+1 (n from 1).
func (b Backoff) delay(n int, slow bool) time.Duration {
	d := b.Base
	if slow {
		d = b.Slow
	}
	for i := 1; i < n && d < b.Cap; i++ {
		d *= 2
	}
	d = min(d, b.Cap)
	if d <= 0 {
		return 0
	}
	return rand.N(d) + 1
}

// Call is one RefreshVodObjectCaches call, made or (in a dry run) planned.
type Call struct {
	ObjectType string     `json:"objectType"`
	Paths      []string   `json:"paths"`
	Sent       bool       `json:"sent"`
	TaskIDs    []string   `json:"taskIds,omitempty"`
	RequestID  string     `json:"requestId,omitempty"`
	Attempts   int        `json:"attempts,omitempty"`
	Error      *CallError `json:"error,omitempty"`
}

// CallError is why a call's paths were not refreshed.
type CallError struct {
	Code       string  `json:"code"`
	HTTPStatus int     `json:"httpStatus,omitempty"`
	Outcome    Outcome `json:"outcome"`
	Message    string  `json:"message"`
	Action     string  `json:"action"`
	RequestID  string  `json:"requestId,omitempty"`
}

// CodeNotSent marks a call that was not made because an earlier one failed.
const CodeNotSent = "NotSent"

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Submit makes one call per batch, retrying what is retryable within ctx's
// deadline. It accounts for every batch: sent with its task IDs, or failed
// with the reason. A batch that the planner stopped (its Stop is set) is
// not sent. After a
// failure that more calls would only repeat (throttling, an outage), the
// remaining calls are not made; after a quota failure, the remaining calls
// of that object type are not made.
func Submit(ctx context.Context, c Client, batches []refresh.Batch, b Backoff) []Call {
	calls := make([]Call, 0, len(batches))
	var stopAll *CallError
	stopType := map[string]*CallError{}
	for _, bt := range batches {
		call := Call{ObjectType: bt.ObjectType, Paths: bt.Paths}
		if blocker := firstNonNil(stopAll, stopType[bt.ObjectType]); blocker != nil {
			call.Error = &CallError{Code: CodeNotSent, Outcome: blocker.Outcome, Action: blocker.Action,
				Message: fmt.Sprintf("not sent: an earlier call failed with %s", blocker.Code)}
		} else if m := bt.Stop; m != nil {
			f := failures[m.Code]
			call.Error = &CallError{Code: m.Code, Outcome: f.Outcome, Action: f.Action, Message: m.Error()}
		} else {
			send(ctx, c, &call, b)
		}
		calls = append(calls, call)
		if call.Error != nil && call.Attempts > 0 {
			switch call.Error.Outcome {
			case Retry, Defer:
				stopAll = call.Error
			case QuotaExhausted:
				stopType[bt.ObjectType] = call.Error
			}
		}
	}
	return calls
}

// send makes one call, retried with backoff while its failure is retryable
// and the next try would finish before ctx's deadline. A try that never
// left the process is not counted in Attempts.
func send(ctx context.Context, c Client, call *Call, b Backoff) {
	for {
		if ctx.Err() != nil {
			if call.Attempts == 0 {
				call.Error = callError(notSent("RefreshVodObjectCaches", "no time was left before the deadline"))
			}
			return
		}
		call.Attempts++
		reply, err := c.Refresh(ctx, call.ObjectType, call.Paths)
		if err == nil {
			call.Sent, call.TaskIDs, call.RequestID, call.Error = true, reply.TaskIDs, reply.RequestID, nil
			return
		}
		if ae, ok := AsAPIError(err); ok && ae.Unsent {
			call.Attempts-- // it never left the process
		}
		call.Error = callError(err)
		if !retryable(call.Error.Outcome) || call.Attempts >= b.Attempts {
			return
		}
		d := b.delay(call.Attempts, call.Error.Code == "QuotaPerMinuteExceeded.Refresh")
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d+100*time.Millisecond {
			return // the next try would not finish in time: leave it to FC's retry
		}
		if sleep(ctx, d) != nil {
			return
		}
	}
}

func retryable(o Outcome) bool { return o == Retry || o == Defer }

func firstNonNil(es ...*CallError) *CallError {
	for _, e := range es {
		if e != nil {
			return e
		}
	}
	return nil
}

// callError classifies a failed call's error.
func callError(err error) *CallError {
	ae, ok := AsAPIError(err)
	if !ok {
		ae = &APIError{Code: CodeTransport, Message: err.Error()}
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			ae.Code = CodeTimeout
		}
	}
	f := Classify(ae)
	return &CallError{Code: ae.Code, HTTPStatus: ae.HTTPStatus, Outcome: f.Outcome, Message: ae.Message, Action: f.Action, RequestID: ae.RequestID}
}

// SubmitError reports the calls of an invocation that failed. The calls
// before and after them are in Calls, each sent or failed.
type SubmitError struct {
	Calls []Call
}

// Failed returns the calls that did not go through.
func (e *SubmitError) Failed() []Call {
	var out []Call
	for _, c := range e.Calls {
		if c.Error != nil {
			out = append(out, c)
		}
	}
	return out
}

// Outcome returns the most pressing outcome among the failures: one that FC
// should retry wins over a quota failure, which wins over a permanent one.
func (e *SubmitError) Outcome() Outcome {
	rank := map[Outcome]int{Retry: 4, Defer: 3, QuotaExhausted: 2, Permanent: 1, Prevented: 0}
	best, score := Prevented, -1
	for _, c := range e.Failed() {
		if s := rank[c.Error.Outcome]; s > score {
			best, score = c.Error.Outcome, s
		}
	}
	return best
}

func (e *SubmitError) Error() string {
	failed := e.Failed()
	var b strings.Builder
	paths := 0
	for _, c := range failed {
		paths += len(c.Paths)
	}
	fmt.Fprintf(&b, "%d of %d refresh calls failed (%d paths not refreshed)", len(failed), len(e.Calls), paths)
	for _, c := range failed {
		if c.Error.Code == CodeNotSent {
			continue
		}
		fmt.Fprintf(&b, "; %s call of %d paths: %s", c.ObjectType, len(c.Paths), c.Error.Code)
		if c.Error.HTTPStatus != 0 {
			fmt.Fprintf(&b, " (HTTP %d)", c.Error.HTTPStatus)
		}
		if c.Error.Message != "" {
			fmt.Fprintf(&b, ": %s", c.Error.Message)
		}
		fmt.Fprintf(&b, " after %d attempt(s) [%s: %s]", c.Attempts, c.Error.Outcome, c.Error.Action)
	}
	var tasks []string
	for _, c := range e.Calls {
		tasks = append(tasks, c.TaskIDs...)
	}
	if len(tasks) > 0 {
		fmt.Fprintf(&b, "; submitted tasks: %s", strings.Join(tasks, ","))
	}
	return b.String()
}
