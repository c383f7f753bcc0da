package submit

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"vodrefresh/handler/refresh"
	"vodrefresh/handler/vod"
)

// refreshed returns the paths to prefetch whose refresh went through: sent
// in a successful File call, or covered by a successful directory refresh.
func refreshed(p *refresh.Plan, calls []vod.Call, coalesced []refresh.Coalesced, dryRun bool) (ok, failed []string) {
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
		case !p.Warm[path]:
		case sent[path]:
			ok = append(ok, path)
		default:
			failed = append(failed, path)
		}
	}
	for _, path := range p.Files {
		sort(path)
	}
	for _, path := range p.Done {
		sent[path] = true // an earlier attempt of its event refreshed it
		sort(path)
	}
	for _, co := range coalesced {
		for _, path := range co.Paths {
			sort(path)
		}
	}
	return ok, failed
}

// prefetch warms the CDN with the created objects' URLs once all of the
// invocation's refreshes went through, within the preload quota. When any
// failed, nothing is prefetched: the retry prefetches, once. Its failures
// are reported, never turned into a failed invocation.
func (inv *Invocation) prefetch(ctx context.Context, p *refresh.Plan, failed bool) *PrefetchResult {
	if len(p.Warm) == 0 {
		return nil
	}
	out := &PrefetchResult{}
	if failed {
		for path := range p.Warm {
			out.Skipped = append(out.Skipped, path)
		}
		slices.Sort(out.Skipped)
		out.Reason = "a refresh of the invocation did not go through; its retry prefetches, once"
		return out
	}
	res, dryRun := inv.res, inv.s.opts.DryRun
	todo, notRefreshed := refreshed(p, res.Calls, res.Coalesced, dryRun)
	if len(notRefreshed) > 0 {
		out.Skipped, out.Reason = notRefreshed, "their refresh did not go through"
	}
	if res.Quota != nil && len(todo) > res.Quota.PreloadRemain {
		over := todo[res.Quota.PreloadRemain:]
		todo = todo[:res.Quota.PreloadRemain]
		out.Skipped = append(out.Skipped, over...)
		out.Reason = strings.TrimPrefix(out.Reason+"; ", "; ") + fmt.Sprintf("the preload quota has %d left", res.Quota.PreloadRemain)
	}
	if dryRun || inv.client == nil {
		out.Paths = todo
		return out
	}
	var unsent []string
	out.Paths, out.TaskIDs, out.Error, unsent = vod.Prefetch(ctx, inv.client, todo)
	if l := inv.s.opts.Ledger; l != nil {
		l.SpendPreload(ctx, len(out.Paths))
	}
	if out.Error != nil {
		out.Skipped = append(out.Skipped, unsent...)
		inv.log.Warn("prefetch failed; the refresh stands", "code", out.Error.Code, "error", out.Error.Message, "paths", len(unsent))
	}
	return out
}
