package handler

import (
	"context"
	"errors"

	"vodrefresh/handler/config"
	"vodrefresh/handler/refresh"
	"vodrefresh/handler/vod"
)

// submitter is what one invocation's submission carries: its context,
// its result, the VOD client made when its quota is first read, and the
// quota it holds. It is the refresh.Quota its plan is fitted to.
type submitter struct {
	h       *Handler
	ctx     context.Context
	res     *Result
	client  vod.Client
	holding *vod.Reservation
}

// Hold dials the invocation's client, reads the quota (with no lock held),
// and fits the plan to it: under the quota cache's lock, to what other
// invocations have not reserved, reserving what the plan spends. A dry
// run, or a quota that could not be read, reserves nothing. The quota
// planned with is recorded in the result.
func (inv *submitter) Hold(fit func(refresh.Room) (urls, dirs int, err error)) error {
	c, err := inv.h.dial(inv.ctx)
	if err != nil {
		return err
	}
	inv.client = c
	q := inv.h.quotaInfo(inv.ctx, c)
	inv.res.Quota = &q
	if c == nil || inv.h.opts.DryRun || q.Source == "unavailable" {
		_, _, err := fit(refresh.Room{URLs: q.URLRemain, Dirs: q.DirRemain})
		return err
	}
	inv.holding, err = inv.h.quota.Hold(func(avail vod.Quota) (int, int, error) {
		q.URLRemain, q.DirRemain = avail.URLRemain, avail.DirRemain
		return fit(refresh.Room{URLs: avail.URLRemain, Dirs: avail.DirRemain})
	})
	return err
}

// submit sends a prepared plan (or, in a dry run, lists the calls it would
// make), follows it up, and accounts for every path in res. err is what
// preparing the plan returned: a *refresh.QuotaError is accounted for path
// by path. It returns a *vod.SubmitError when any call failed.
func (h *Handler) submit(inv *submitter, prep *refresh.Prepared, err error) error {
	ctx, res := inv.ctx, inv.res
	res.Coalesced = prep.Coalesced
	var failed bool
	var followErr error
	if err == nil && prep.Plan.Size() > 0 {
		res.Calls, failed, followErr = h.send(inv, prep)
		res.Prefetch = h.prefetch(ctx, inv.client, prep.Plan, res, failed)
	}
	var qe *refresh.QuotaError
	switch {
	case errors.As(err, &qe):
		res.Paths = accountQuota(prep.Plan)
		return err
	case err != nil:
		return err
	}
	res.Paths = account(res.Calls, prep.Coalesced)
	if failed {
		return &vod.SubmitError{Calls: res.Calls}
	}
	return followErr
}

// send makes the plan's calls, takes what went through off the cached
// quota and, when the plan asks, waits for its tasks. In a dry run it lists
// the calls instead.
func (h *Handler) send(inv *submitter, prep *refresh.Prepared) (calls []vod.Call, failed bool, waitErr error) {
	if h.opts.DryRun {
		for _, b := range prep.Batches {
			calls = append(calls, vod.Call{ObjectType: b.ObjectType, Paths: b.Paths})
		}
		return calls, false, nil
	}
	calls = vod.Submit(inv.ctx, inv.client, prep.Batches, h.opts.Backoff)
	h.retries.record(prep.Plan, calls, prep.Coalesced)
	failed = h.spend(inv.holding, calls)
	if prep.Plan.Wait {
		inv.res.Tasks, waitErr = vod.WaitTasks(inv.ctx, inv.client, taskIDs(calls))
	}
	return calls, failed, waitErr
}

// dial returns the invocation's VOD client: nil when there is no
// connector, or in a dry run without credentials.
func (h *Handler) dial(ctx context.Context) (vod.Client, error) {
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

// spend settles the invocation's reservation with the calls that went
// through, taking them off the cached quota, and reports
// whether any failed. A quota failure makes the next invocation read the
// quota again.
func (h *Handler) spend(holding *vod.Reservation, calls []vod.Call) (failed bool) {
	urls, dirs := 0, 0
	for _, c := range calls {
		switch {
		case c.Sent && c.ObjectType == config.TypeDirectory:
			dirs += len(c.Paths)
		case c.Sent:
			urls += len(c.Paths)
		case c.Error.Outcome == vod.QuotaExhausted:
			h.quota.Forget()
			failed = true
		default:
			failed = true
		}
	}
	holding.Settle(urls, dirs)
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
// or, in a dry run or without credentials, the full daily quota.
func (h *Handler) quotaInfo(ctx context.Context, client vod.Client) QuotaInfo {
	if client == nil {
		return QuotaInfo{URLRemain: vod.DailyURLQuota, DirRemain: vod.DailyDirQuota, PreloadRemain: vod.DailyPreloadQuota, Source: "assumed",
			Note: "a dry run, or no credentials: the full daily quota is assumed"}
	}
	q, source, err := h.quota.Get(ctx, client, h.cfg.Quota.TTL(), h.now())
	if err != nil {
		h.logger(ctx).Warn("cannot read the refresh quota; planning with the full daily quota", "error", err.Error())
		return QuotaInfo{URLRemain: vod.DailyURLQuota, DirRemain: vod.DailyDirQuota, PreloadRemain: vod.DailyPreloadQuota, Source: "unavailable",
			Note: "DescribeVodRefreshQuota failed: the full daily quota is assumed"}
	}
	return QuotaInfo{URLRemain: q.URLRemain, DirRemain: q.DirRemain, PreloadRemain: q.PreloadRemain, Source: source}
}
