// Package submit is the submit stage: it holds the quota an invocation's
// plan is fitted to, sends the plan's batches through vod, remembers what
// went through so that a retried event submits only what is left,
// prefetches what was created, and accounts for every path in a Result.
// It also sets the invocation's time budget (WithAnswerMargin).
//
// It imports config (object types), refresh (the plan, its batches and the
// quota it is fitted to), store (the retry memory and the quota ledger,
// shared by the deployment's instances) and vod (the calls).
package submit

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"time"

	"vodrefresh/handler/config"
	"vodrefresh/handler/refresh"
	"vodrefresh/handler/store"
	"vodrefresh/handler/vod"
)

// Options configure a Stage.
type Options struct {
	// Dialer makes each invocation's VOD client; nil means every
	// invocation is a dry run.
	Dialer vod.Dialer
	// DryRun lists the calls a plan would make and sends nothing.
	DryRun bool
	// Backoff is the retry policy of each call; zero is vod's default.
	Backoff vod.Backoff
	// QuotaTTL is how long a quota reading is planned with.
	QuotaTTL time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Store keeps what outlives an invocation: the retry memory and the
	// quota ledger. nil means an in-process store of this Stage's own.
	Store store.Store
}

// Stage is the submit stage that one instance's invocations share: the
// quota they reserve from and the memory of what they submitted. It is
// safe for concurrent use.
type Stage struct {
	opts  Options
	store store.Store
	quota *quotaCache
}

// New returns a Stage.
func New(opts Options) *Stage {
	if opts.Dialer == nil {
		opts.DryRun = true
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Store == nil {
		opts.Store = store.NewMemory(store.MemoryOptions{})
	}
	return &Stage{opts: opts, store: opts.Store, quota: &quotaCache{store: opts.Store}}
}

// DryRun reports whether the stage sends nothing.
func (s *Stage) DryRun() bool { return s.opts.DryRun }

// Invocation is one invocation's submission: its context, its result, the
// VOD client made when its quota is first read, and the quota it holds.
// It is the refresh.Quota its plan is fitted to.
type Invocation struct {
	s       *Stage
	ctx     context.Context
	sts     vod.STS
	log     *slog.Logger
	res     *Result
	client  vod.Client
	holding *reservation
}

// Begin starts an invocation's submission, which fills res. sts are the
// credentials the invocation came with (zero when none), and log its
// logger.
func (s *Stage) Begin(ctx context.Context, sts vod.STS, log *slog.Logger, res *Result) *Invocation {
	res.DryRun = s.opts.DryRun
	if res.Calls == nil {
		res.Calls = []vod.Call{}
	}
	return &Invocation{s: s, ctx: ctx, sts: sts, log: log, res: res}
}

// Hold dials the invocation's client, reads the quota (with no lock held),
// and fits the plan to it: under the quota cache's lock, to what other
// invocations have not reserved, reserving what the plan spends. A dry
// run, or a quota that could not be read, reserves nothing. The quota
// planned with is recorded in the result.
func (inv *Invocation) Hold(fit func(refresh.Room) (urls, dirs int, err error)) error {
	c, err := inv.dial()
	if err != nil {
		return err
	}
	inv.client = c
	q := inv.quotaInfo(c)
	inv.res.Quota = &q
	if c == nil || inv.s.opts.DryRun || q.Source == "unavailable" {
		_, _, err := fit(refresh.Room{URLs: q.URLRemain, Dirs: q.DirRemain})
		return err
	}
	inv.holding, err = inv.s.quota.Hold(inv.ctx, func(avail vod.Quota) (int, int, error) {
		q.URLRemain, q.DirRemain = avail.URLRemain, avail.DirRemain
		return fit(refresh.Room{URLs: avail.URLRemain, Dirs: avail.DirRemain})
	})
	return err
}

// Unplanned accounts for a plan that could not be prepared, and returns
// err: a *refresh.QuotaError marks each path of the plan failed, for want
// of quota; any other error leaves the paths unlisted.
func (inv *Invocation) Unplanned(prep *refresh.Prepared, err error) error {
	inv.res.Coalesced = prep.Coalesced
	if qe := (*refresh.QuotaError)(nil); errors.As(err, &qe) {
		inv.res.Paths = accountQuota(prep.Plan)
	}
	inv.res.bound()
	return err
}

// Submit sends a prepared plan (or, in a dry run, lists the calls it would
// make), follows it up, and accounts for every path in the result. It
// returns an *Error when any call failed, and a *vod.TaskError when the
// plan waited for its tasks and one failed.
func (inv *Invocation) Submit(prep *refresh.Prepared) error {
	res := inv.res
	res.Coalesced = prep.Coalesced
	var failed bool
	var followErr error
	if prep.Plan.Size() > 0 {
		res.Calls, failed, followErr = inv.send(prep)
		// A task the CDN reported failed is not prefetched either.
		res.Prefetch = inv.prefetch(prep.Plan, failed || followErr != nil)
	}
	res.Paths = account(res.Calls)
	res.bound()
	if failed {
		return &Error{Calls: res.Calls}
	}
	return followErr
}

// send makes the plan's calls, takes what went through off the cached
// quota, waits for its tasks when the plan asks, and remembers what went
// through. In a dry run it lists the calls instead.
func (inv *Invocation) send(prep *refresh.Prepared) (calls []vod.Call, failed bool, waitErr error) {
	s := inv.s
	if s.opts.DryRun {
		for _, b := range prep.Batches {
			calls = append(calls, planned(b))
		}
		return calls, false, nil
	}
	started := s.opts.Now()
	calls = sendBatches(inv.ctx, inv.client, prep.Batches, s.opts.Backoff)
	failed = inv.spend(calls, inv.holding)
	if ids := notTaken(calls); len(ids) > 0 {
		more := inv.fallback(prep, ids)
		failed = failed || slices.ContainsFunc(more, func(c vod.Call) bool { return c.Error != nil })
		calls = append(calls, more...)
	}
	inv.rememberFolders(calls, started)
	var taskFailed map[string]bool
	if prep.Plan.Wait || len(prep.Plan.Media) > 0 {
		inv.res.Tasks, waitErr = inv.follow(calls, prep.Plan.Wait)
		taskFailed = failedPaths(waitErr)
	}
	inv.remember(prep.Plan, calls, prep.Coalesced, taskFailed)
	return calls, failed, waitErr
}

// failedPaths names the paths of the tasks that err reports failed.
func failedPaths(err error) map[string]bool {
	var te *vod.TaskError
	if !errors.As(err, &te) {
		return nil
	}
	out := make(map[string]bool, len(te.Failed))
	for _, t := range te.Failed {
		out[t.ObjectPath] = true
	}
	return out
}

// dial returns the invocation's VOD client: nil when there is no dialer,
// or in a dry run without credentials.
func (inv *Invocation) dial() (vod.Client, error) {
	s := inv.s
	if s.opts.Dialer == nil {
		return nil, nil
	}
	c, err := s.opts.Dialer.Dial(inv.sts)
	if err == nil {
		return c, nil
	}
	if s.opts.DryRun {
		return nil, nil
	}
	return nil, err
}

// spend settles the reservation hold with the calls that went through,
// taking them off the cached quota, and reports whether any failed. A
// quota failure makes the next invocation read the quota again.
func (inv *Invocation) spend(calls []vod.Call, hold *reservation) (failed bool) {
	urls, dirs := 0, 0
	for _, c := range calls {
		switch {
		case c.Sent && c.ObjectType == config.TypeDirectory:
			dirs += len(c.Paths)
		case c.Sent && c.ObjectType == config.TypeMedia:
			urls += c.URLs
		case c.Sent:
			urls += len(c.Paths)
		case c.Error.Outcome == vod.QuotaExhausted:
			inv.s.quota.Forget(inv.ctx)
			failed = true
		default:
			failed = true
		}
	}
	hold.Settle(inv.ctx, urls, dirs)
	return failed
}

// quotaInfo returns the quota to plan with: read (or cached) through c,
// or, in a dry run or without credentials, the full daily quota.
func (inv *Invocation) quotaInfo(c vod.Client) QuotaInfo {
	if c == nil {
		return fullQuota("assumed", "a dry run, or no credentials: the full daily quota is assumed")
	}
	q, source, err := inv.s.quota.Get(inv.ctx, c, inv.s.opts.QuotaTTL, inv.s.opts.Now())
	if err != nil {
		inv.log.Warn("cannot read the refresh quota; planning with the full daily quota", "error", err.Error())
		return fullQuota("unavailable", "DescribeVodRefreshQuota failed: the full daily quota is assumed")
	}
	return QuotaInfo{URLRemain: q.URLRemain, DirRemain: q.DirRemain, PreloadRemain: q.PreloadRemain, Source: source}
}

func fullQuota(source, note string) QuotaInfo {
	return QuotaInfo{URLRemain: vod.DailyURLQuota, DirRemain: vod.DailyDirQuota, PreloadRemain: vod.DailyPreloadQuota,
		Source: source, Note: note}
}
