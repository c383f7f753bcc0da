package handler

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// PrefetchResult is what prefetching did after the refresh.
type PrefetchResult struct {
	Paths   []string   `json:"paths,omitempty"`   // sent to PreloadVodObjectCaches
	TaskIDs []string   `json:"taskIds,omitempty"` // its task IDs
	Skipped []string   `json:"skipped,omitempty"` // not prefetched; see Reason
	Reason  string     `json:"reason,omitempty"`
	Error   *CallError `json:"error,omitempty"` // a failed call; the refresh stands
}

// refreshed returns the paths to prefetch whose refresh went through: sent
// in a successful File call, or covered by a successful directory refresh.
func refreshed(p *Plan, calls []Call, coalesced []Coalesced, dryRun bool) (ok, failed []string) {
	sent := map[string]bool{}
	for _, c := range calls {
		if c.Sent || dryRun {
			for _, path := range c.Paths {
				sent[path] = true
			}
		}
	}
	for _, co := range coalesced {
		for _, path := range co.Paths {
			sent[path] = sent[co.Directory]
		}
	}
	sort := func(path string) {
		switch {
		case !p.prefetch[path]:
		case sent[path]:
			ok = append(ok, path)
		default:
			failed = append(failed, path)
		}
	}
	for _, path := range p.Files {
		sort(path)
	}
	for _, co := range coalesced {
		for _, path := range co.Paths {
			sort(path)
		}
	}
	return ok, failed
}

// prefetch warms the CDN with the created objects' URLs whose refresh went
// through, within the preload quota and 100 URLs a call. Its failures are
// reported, never turned into a failed invocation.
func (h *Handler) prefetch(ctx context.Context, client *VOD, p *Plan, res *Result) *PrefetchResult {
	if len(p.prefetch) == 0 {
		return nil
	}
	out := &PrefetchResult{}
	todo, notRefreshed := refreshed(p, res.Calls, res.Coalesced, h.opts.DryRun)
	if len(notRefreshed) > 0 {
		out.Skipped, out.Reason = notRefreshed, "their refresh did not go through"
	}
	if res.Quota != nil && len(todo) > res.Quota.PreloadRemain {
		over := todo[res.Quota.PreloadRemain:]
		todo = todo[:res.Quota.PreloadRemain]
		out.Skipped = append(out.Skipped, over...)
		out.Reason = strings.TrimPrefix(out.Reason+"; ", "; ") + fmt.Sprintf("the preload quota has %d left", res.Quota.PreloadRemain)
	}
	if h.opts.DryRun || client == nil {
		out.Paths = todo
		return out
	}
	for len(todo) > 0 {
		n := min(MaxPreloadBatch, len(todo))
		batch := todo[:n]
		todo = todo[n:]
		reply, err := client.Preload(ctx, batch)
		if err != nil {
			out.Error = callError(err)
			out.Skipped = append(out.Skipped, batch...)
			out.Skipped = append(out.Skipped, todo...)
			h.logger(ctx).Warn("prefetch failed; the refresh stands", "code", out.Error.Code, "paths", len(batch)+len(todo))
			break
		}
		out.Paths = append(out.Paths, batch...)
		out.TaskIDs = append(out.TaskIDs, reply.TaskIDs...)
		h.quota.spendPreload(len(batch))
	}
	return out
}

// TaskError is a refresh task that the CDN reported Failed.
type TaskError struct{ Failed []Task }

func (e *TaskError) Error() string {
	var ids []string
	for _, t := range e.Failed {
		ids = append(ids, t.TaskID+" ("+t.ObjectPath+")")
	}
	return fmt.Sprintf("%d refresh tasks failed: %s", len(e.Failed), strings.Join(ids, ", "))
}

// waitPoll is the first pause between task queries; it doubles up to 5 s.
var waitPoll = 500 * time.Millisecond

// waitTasks follows the invocation's refresh tasks until each is Complete or
// Failed, or the deadline is near; it returns their last status, and a
// *TaskError when any failed.
func (h *Handler) waitTasks(ctx context.Context, client *VOD, calls []Call) ([]Task, error) {
	var ids []string
	for _, c := range calls {
		ids = append(ids, c.TaskIDs...)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	delay := waitPoll
	for {
		tasks, err := client.TasksByID(ctx, ids)
		if err != nil {
			return tasks, nil // the refresh went through; only its status is unknown
		}
		done, failed := true, []Task(nil)
		for _, t := range tasks {
			done = done && (t.Done() || t.Status == "NotFound")
			if t.Status == "Failed" {
				failed = append(failed, t)
			}
		}
		if done {
			if len(failed) > 0 {
				return tasks, &TaskError{Failed: failed}
			}
			return tasks, nil
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < delay+time.Second {
			return tasks, nil // out of time: report them as they stand
		}
		if sleep(ctx, delay) != nil {
			return tasks, nil
		}
		delay = min(2*delay, 5*time.Second)
	}
}
