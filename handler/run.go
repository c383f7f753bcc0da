package handler

import (
	"context"

	"vodrefresh/handler/config"
	"vodrefresh/handler/refresh"
	"vodrefresh/handler/vod"
)

// run fits a plan to the quota and submits it (or, in a dry run, lists the
// calls it would make), filling res. It returns a *refresh.QuotaError when
// the quota cannot cover the plan, and a *vod.SubmitError when any call
// failed.
func (h *Handler) run(ctx context.Context, plan *refresh.Plan, res *Result) error {
	if plan.Size() == 0 {
		return nil
	}
	client, err := h.client(ctx)
	if err != nil {
		return err
	}
	q := h.quotaInfo(ctx, client)
	res.Quota = &q
	fitted, coalesced, err := h.planner.Fit(plan, refresh.Room{URLs: q.URLRemain, Dirs: q.DirRemain})
	res.Coalesced = coalesced
	if err != nil {
		res.Paths = accountQuota(fitted)
		return err
	}
	batches := h.planner.Batches(fitted)
	if h.opts.DryRun {
		for _, b := range batches {
			res.Calls = append(res.Calls, vod.Call{ObjectType: b.ObjectType, Paths: b.Paths})
		}
		res.Paths = account(res.Calls, coalesced)
		res.Prefetch = h.prefetch(ctx, nil, fitted, res)
		return nil
	}
	res.Calls = vod.Submit(ctx, client, batches, h.opts.Backoff)
	res.Paths = account(res.Calls, coalesced)
	failed := h.spend(res.Calls)
	var taskErr error
	if fitted.Wait {
		res.Tasks, taskErr = vod.WaitTasks(ctx, client, taskIDs(res.Calls))
	}
	res.Prefetch = h.prefetch(ctx, client, fitted, res)
	if failed {
		return &vod.SubmitError{Calls: res.Calls}
	}
	return taskErr
}

// client returns the invocation's VOD client: nil when there is no
// connector, or in a dry run without credentials.
func (h *Handler) client(ctx context.Context) (vod.Client, error) {
	if h.opts.Connector == nil {
		return nil, nil
	}
	c, err := h.opts.Connector.Dial(ctx, h.opts.Getenv)
	if err == nil {
		return c, nil
	}
	if h.opts.DryRun {
		return nil, nil
	}
	return nil, err
}

// spend takes the calls that went through off the cached quota, and reports
// whether any failed. A quota failure makes the next invocation read the
// quota again.
func (h *Handler) spend(calls []vod.Call) (failed bool) {
	for _, c := range calls {
		switch {
		case c.Sent && c.ObjectType == config.TypeDirectory:
			h.quota.Spend(0, len(c.Paths))
		case c.Sent:
			h.quota.Spend(len(c.Paths), 0)
		case c.Error.Outcome == vod.QuotaExhausted:
			h.quota.Forget()
			failed = true
		default:
			failed = true
		}
	}
	return failed
}

func taskIDs(calls []vod.Call) []string {
	var ids []string
	for _, c := range calls {
		ids = append(ids, c.TaskIDs...)
	}
	return ids
}

// quotaInfo returns the quota to plan with: read (or cached) through client,
// or, without credentials, the full daily quota.
func (h *Handler) quotaInfo(ctx context.Context, client vod.Client) QuotaInfo {
	if client == nil {
		return QuotaInfo{URLRemain: vod.DailyURLQuota, DirRemain: vod.DailyDirQuota, PreloadRemain: vod.DailyPreloadQuota, Source: "assumed",
			Note: "no credentials: the full daily quota is assumed"}
	}
	q, source, err := h.quota.Get(ctx, client, h.cfg.Quota.TTL(), h.now())
	if err != nil {
		h.logger(ctx).Warn("cannot read the refresh quota; planning with the full daily quota", "error", err.Error())
		return QuotaInfo{URLRemain: vod.DailyURLQuota, DirRemain: vod.DailyDirQuota, PreloadRemain: vod.DailyPreloadQuota, Source: "unavailable",
			Note: "DescribeVodRefreshQuota failed: the full daily quota is assumed"}
	}
	return QuotaInfo{URLRemain: q.URLRemain, DirRemain: q.DirRemain, PreloadRemain: q.PreloadRemain, Source: source}
}
