package vod

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"time"
)

// TaskError is a refresh task that the CDN reported Failed.
type TaskError struct{ Failed []Task }

func (e *TaskError) Error() string {
	var ids []string
	for _, t := range e.Failed {
		ids = append(ids, t.TaskID+" ("+t.ObjectPath+")")
	}
	return fmt.Sprintf("%d refresh tasks failed: %s", len(e.Failed), strings.Join(ids, ", "))
}

// StatusUnknown is a wait for refresh tasks that a failed query ended: the
// refresh went through, and only its tasks' status is unknown.
type StatusUnknown struct{ Err error }

func (e *StatusUnknown) Error() string {
	return "the refresh tasks' status is unknown: querying them failed: " + e.Err.Error()
}

func (e *StatusUnknown) Unwrap() error { return e.Err }

// The default first pause between task queries, and the longest.
const (
	waitPoll    = 500 * time.Millisecond
	waitPollMax = 5 * time.Second
)

// WaitTasks follows the tasks, pausing as b.Poll says, until each is Complete or Failed, or ctx's
// deadline is near; it returns their last status, and a *TaskError when any
// failed. A failed query ends the wait with the status the last query gave
// (none, if it was the first) and a *StatusUnknown: the refresh went
// through, only its status is unknown.
func WaitTasks(ctx context.Context, c Client, ids []string, b Backoff) ([]Task, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var tasks, failed []Task
	var queryErr error
	poll(ctx, b, func() bool {
		got, err := TasksByID(ctx, c, ids)
		if err != nil {
			failed, queryErr = nil, err
			return true
		}
		tasks = got
		done := true
		failed = nil
		for _, t := range tasks {
			done = done && (t.Done() || t.Status == "NotFound")
			if t.Status == "Failed" {
				failed = append(failed, t)
			}
		}
		if !done {
			failed = nil // reported only once every task is done
		}
		return done
	})
	switch {
	case len(failed) > 0:
		return tasks, &TaskError{Failed: failed}
	case queryErr != nil:
		return tasks, &StatusUnknown{Err: queryErr}
	}
	return tasks, nil
}

// poll calls query, pausing as b.Poll says (doubling up to waitPollMax),
// until it reports true or ctx's deadline is too near for another pause
// and query.
func poll(ctx context.Context, b Backoff, query func() (done bool)) {
	delay := cmp.Or(b.Poll, waitPoll)
	for !query() {
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < delay+time.Second {
			return // out of time: report them as they stand
		}
		if sleep(ctx, delay) != nil {
			return
		}
		delay = min(2*delay, waitPollMax)
	}
}

// Prefetch sends paths to PreloadVodObjectCaches, MaxPreloadBatch a call,
// and stops at the first failure. It returns the paths that went through,
// their task IDs, and the failure with the paths it left unsent.
func Prefetch(ctx context.Context, c Client, paths []string) (sent, taskIDs []string, failed *CallError, unsent []string) {
	for len(paths) > 0 {
		n := min(MaxPreloadBatch, len(paths))
		reply, err := c.Preload(ctx, paths[:n])
		if err != nil {
			return sent, taskIDs, callError(err), paths
		}
		sent = append(sent, paths[:n]...)
		taskIDs = append(taskIDs, reply.TaskIDs...)
		paths = paths[n:]
	}
	return sent, taskIDs, nil, nil
}
