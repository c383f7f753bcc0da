package submit

import (
	"context"
	"fmt"
	"strings"

	"vodrefresh/handler/config"
	"vodrefresh/handler/refresh"
	"vodrefresh/handler/vod"
)

// sendBatches makes one call per batch, each retried by vod.Send within
// ctx's deadline. It accounts for every batch: sent with its task IDs, or
// failed with the reason. A batch that the planner stopped (its Stop is
// set) is not sent. After a failure that more calls would only repeat
// (throttling, an outage), the remaining calls are not made; after a quota
// failure, the remaining calls of that object type are not made.
func sendBatches(ctx context.Context, c vod.Client, batches []refresh.Batch, b vod.Backoff) []vod.Call {
	calls := make([]vod.Call, 0, len(batches))
	var stopAll *vod.CallError
	stopType := map[string]*vod.CallError{}
	for _, bt := range batches {
		var call vod.Call
		switch blocker := firstFailure(stopAll, stopType[bt.ObjectType]); {
		case blocker != nil:
			call = vod.Call{ObjectType: bt.ObjectType, Paths: bt.Paths, Error: &vod.CallError{Code: vod.CodeNotSent,
				Outcome: blocker.Outcome, Action: blocker.Action, Message: fmt.Sprintf("not sent: an earlier call failed with %s", blocker.Code)}}
		case bt.Stop != nil:
			f := vod.Classify(&vod.APIError{Code: bt.Stop.Code})
			call = vod.Call{ObjectType: bt.ObjectType, Paths: bt.Paths, Error: &vod.CallError{Code: bt.Stop.Code,
				Outcome: f.Outcome, Action: f.Action, Message: bt.Stop.Error()}}
		case bt.ObjectType == config.TypeMedia:
			call = vod.SendMedia(ctx, c, bt.Paths, mediaOptions(bt.Route), bt.Route.MediaURLs(), b)
		default:
			call = vod.Send(ctx, c, bt.ObjectType, bt.Paths, b)
		}
		calls = append(calls, call)
		if call.Error != nil && call.Attempts > 0 {
			switch call.Error.Outcome {
			case vod.Retry, vod.Defer:
				stopAll = call.Error
			case vod.QuotaExhausted:
				stopType[bt.ObjectType] = call.Error
			}
		}
	}
	return calls
}

func firstFailure(es ...*vod.CallError) *vod.CallError {
	for _, e := range es {
		if e != nil {
			return e
		}
	}
	return nil
}

// Error reports the calls of an invocation that failed. The calls before
// and after them are in Calls, each sent or failed.
type Error struct {
	Calls []vod.Call
}

// Failed returns the calls that did not go through.
func (e *Error) Failed() []vod.Call {
	var out []vod.Call
	for _, c := range e.Calls {
		if c.Error != nil {
			out = append(out, c)
		}
	}
	return out
}

// Outcome returns the most pressing outcome among the failures: one that FC
// should retry wins over a quota failure, which wins over a permanent one.
func (e *Error) Outcome() vod.Outcome {
	rank := map[vod.Outcome]int{vod.Retry: 4, vod.Defer: 3, vod.QuotaExhausted: 2, vod.Permanent: 1, vod.Prevented: 0}
	best, score := vod.Prevented, -1
	for _, c := range e.Failed() {
		if s := rank[c.Error.Outcome]; s > score {
			best, score = c.Error.Outcome, s
		}
	}
	return best
}

func (e *Error) Error() string {
	failed := e.Failed()
	var b strings.Builder
	paths := 0
	for _, c := range failed {
		paths += len(c.Paths)
	}
	fmt.Fprintf(&b, "%d of %d refresh calls failed (%d paths not refreshed)", len(failed), len(e.Calls), paths)
	for _, c := range failed {
		if c.Error.Code == vod.CodeNotSent {
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
	if tasks := taskIDs(e.Calls); len(tasks) > 0 {
		fmt.Fprintf(&b, "; submitted tasks: %s", strings.Join(tasks, ","))
	}
	return b.String()
}

// taskIDs lists the task IDs of calls, in order.
func taskIDs(calls []vod.Call) []string {
	var ids []string
	for _, c := range calls {
		ids = append(ids, c.TaskIDs...)
	}
	return ids
}
