package function

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"vodrefresh/handler/config"
	"vodrefresh/handler/refresh"
	"vodrefresh/handler/report"
	"vodrefresh/handler/store"
	"vodrefresh/handler/submit"
	"vodrefresh/handler/vod"
)

// track follows the tasks of the calls that went through, in a deployment
// whose instances share a store: the planner's timer reads how they end
// (followTasks). Without a store, tasks are followed only by a plan that
// waits for them (a route or rule's wait).
func (h *Handler) track(ctx context.Context, plan *refresh.Plan, calls []vod.Call, why causes, log *slog.Logger) {
	if !h.planDays {
		return
	}
	now := h.now()
	var tasks []store.Tracked
	for _, c := range calls {
		if !c.Sent || c.ObjectType == config.TypeMedia {
			continue
		}
		ids := vod.SplitTaskIDs(strings.Join(c.TaskIDs, ","))
		cause := ""
		if len(c.Paths) > 0 {
			if cs := why.of(plan, c.Paths[0]); len(cs) > 0 {
				cause = cs[0]
			}
		}
		for i, id := range ids {
			paths := c.Paths
			if len(ids) == len(c.Paths) {
				paths = c.Paths[i : i+1]
			}
			tasks = append(tasks, store.Tracked{TaskID: id, ObjectType: c.ObjectType, Paths: paths, At: now, Cause: cause, Retry: why.retry})
		}
	}
	if len(tasks) == 0 {
		return
	}
	if err := h.store.Track(store.Deferrable(ctx), tasks); err != nil {
		log.Warn("cannot follow the refresh tasks; a task that fails will not be refreshed again", "error", err.Error())
	}
}

// followed is what following the tasks found.
type followed struct {
	done, open int
	completed  []store.Tracked // ended well
	retried    []store.Tracked // failed, refreshed again once
	failed     []store.Tracked // failed for good: their one refresh again failed too
}

// followTasks reads how the tasks followed ended (two paged queries of
// DescribeVodRefreshTasks: those Failed, those still Refreshing; any other
// followed task ended well), refreshes a failed task's paths again, once,
// and stops following what ended. A task the service no longer keeps is
// dropped after TrackedTTL.
func (h *Handler) followTasks(ctx context.Context, inv *submit.Invocation, log *slog.Logger) (followed, error) {
	var f followed
	tracked, err := h.store.TrackedTasks(ctx)
	if err != nil || len(tracked) == 0 {
		return f, err
	}
	// DescribeVodRefreshTasks requires ObjectType with Status: one paged
	// query for each object type followed, and each status.
	types := map[string]bool{}
	for _, t := range tracked {
		types[strings.ToLower(t.ObjectType)] = true
	}
	status := map[string]string{}
	for _, kind := range []string{"file", "directory"} {
		for _, st := range []string{"Refreshing", "Failed"} {
			if !types[kind] {
				continue
			}
			list, err := inv.Tasks(ctx, st, kind)
			if err != nil {
				return f, fmt.Errorf("reading the %s tasks (%s): %w", strings.ToLower(st), kind, err)
			}
			for _, t := range list {
				if t.Status == "Failed" || t.Status == "Refreshing" || t.Status == "Pending" {
					status[t.TaskID] = t.Status
				}
			}
		}
	}
	now := h.now()
	var ended []string
	for _, t := range tracked {
		switch {
		case status[t.TaskID] == "Failed" && t.Retry:
			f.failed = append(f.failed, t)
		case status[t.TaskID] == "Failed":
			f.retried = append(f.retried, t)
		case (status[t.TaskID] == "Refreshing" || status[t.TaskID] == "Pending") && now.Sub(t.At) < store.TrackedTTL:
			f.open++
			continue
		default:
			f.done++
			f.completed = append(f.completed, t)
		}
		ended = append(ended, t.TaskID)
	}
	for _, t := range f.retried {
		plan := &refresh.Plan{}
		if t.ObjectType == config.TypeDirectory {
			plan.Directories = t.Paths
		} else {
			plan.Files = t.Paths
		}
		res := &submit.Result{Shape: "timer"}
		if _, err := h.fitAndSend(ctx, h.stage.Begin(invocationSTS(ctx), log, res), plan, causes{fallback: "retry of task " + t.TaskID, retry: true}, log); err != nil {
			log.Error("the refresh again of a failed task failed", "taskId", t.TaskID, "paths", firstPaths(t.Paths), "error", err.Error())
		}
	}
	if err := report.Tasks(store.Afterwork(ctx), h.store, now, f.done, len(f.retried), len(f.failed)); err != nil {
		log.Warn("cannot count the tasks that ended for the report", "error", err.Error())
	}
	if err := h.store.Untrack(store.Afterwork(ctx), ended); err != nil {
		log.Warn("cannot stop following the tasks that ended", "error", err.Error())
	}
	return f, nil
}
