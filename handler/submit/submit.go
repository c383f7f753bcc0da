// Package submit is the submit stage, the only step that calls VOD to
// refresh: it sends a fitted plan's batches through vod, settles the quota
// the plan held in the ledger, refreshes the folders of videos VOD did not
// take, follows the tasks when the plan waits for them, prefetches what
// was created, and accounts for every path in a Result. It also sets the
// invocation's time budget (WithAnswerMargin).
//
// It imports config (object types), refresh (the fitted plan and its
// batches), ledger and store (the quota held and spent) and vod (the
// calls).
package submit

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"time"

	"vodrefresh/handler/ledger"
	"vodrefresh/handler/refresh"
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
	// Ledger is the quota the deployment's instances share.
	Ledger *ledger.Ledger
}

// Stage is the submit stage that one instance's invocations share. It is
// safe for concurrent use.
type Stage struct{ opts Options }

// New returns a Stage.
func New(opts Options) *Stage {
	if opts.Dialer == nil {
		opts.DryRun = true
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Stage{opts: opts}
}

// DryRun reports whether the stage sends nothing.
func (s *Stage) DryRun() bool { return s.opts.DryRun }

// Invocation is one invocation's submission: its result, the VOD client
// made for it, and its logger.
type Invocation struct {
	s      *Stage
	sts    vod.STS
	log    *slog.Logger
	res    *Result
	client vod.Client
}

// Begin starts an invocation's submission, which fills res. sts are the
// credentials the invocation came with (zero when none), and log its
// logger.
func (s *Stage) Begin(sts vod.STS, log *slog.Logger, res *Result) *Invocation {
	res.DryRun = s.opts.DryRun
	if res.Calls == nil {
		res.Calls = []vod.Call{}
	}
	return &Invocation{s: s, sts: sts, log: log, res: res}
}

// Quota dials the invocation's client and reads the quota to plan with,
// with no lock held, and records it in the result: the ledger's reading
// less what others spent and hold, read again from the service when it is
// stale; in a dry run or without credentials, the full daily quota. The
// returned QuotaInfo is the result's own: the caller records in it the
// room it finally fitted to. shared reports whether the plan's spending is
// to be held in the ledger (not in a dry run, and not when the quota could
// not be read).
func (inv *Invocation) Quota(ctx context.Context) (q *QuotaInfo, shared bool, err error) {
	c, err := inv.dial()
	if err != nil {
		return nil, false, err
	}
	inv.client = c
	info := inv.quotaInfo(ctx, c)
	inv.res.Quota = &info
	return inv.res.Quota, c != nil && inv.s.opts.Ledger != nil && !inv.s.opts.DryRun && info.Source != "unavailable", nil
}

// Unplanned accounts for a plan that could not be fitted or held, and
// returns err: a *refresh.QuotaError marks each path of the plan failed,
// for want of quota; any other error leaves the paths unlisted.
func (inv *Invocation) Unplanned(f *refresh.Fitted, err error) error {
	inv.res.Coalesced = f.Coalesced
	if qe := (*refresh.QuotaError)(nil); errors.As(err, &qe) {
		inv.res.Paths = accountQuota(f.Plan)
	}
	inv.res.bound()
	return err
}

// Sent is what Send did: every call, whole (the result lists the first
// paths of each), and when the calls began.
type Sent struct {
	Calls []vod.Call
	At    time.Time
}

// Send sends a fitted plan (or, in a dry run, lists the calls it would
// make), settles hold with what went through, follows the calls up, and
// accounts for every path in the result. It returns an *Error when any
// call failed, or a *vod.TaskError when the plan waited for its tasks and
// one failed.
func (inv *Invocation) Send(ctx context.Context, f *refresh.Fitted, hold *ledger.Reservation) (Sent, error) {
	res := inv.res
	res.Coalesced = f.Coalesced
	sent := Sent{At: inv.s.opts.Now()}
	var failed bool
	var followErr error
	if f.Plan.Size() > 0 {
		res.Calls, failed, followErr = inv.send(ctx, f, hold)
		// A task the CDN reported failed is not prefetched either.
		res.Prefetch = inv.prefetch(ctx, f.Plan, failed || followErr != nil)
	}
	sent.Calls = res.Calls
	res.Paths = account(res.Calls)
	res.bound()
	if failed {
		return sent, &Error{Calls: res.Calls}
	}
	return sent, followErr
}

// send makes the plan's calls, settles hold with what went through, and
// waits for its tasks when the plan asks. In a dry run it lists the calls
// instead.
func (inv *Invocation) send(ctx context.Context, f *refresh.Fitted, hold *ledger.Reservation) (calls []vod.Call, failed bool, waitErr error) {
	if inv.s.opts.DryRun {
		for _, b := range f.Batches {
			calls = append(calls, planned(b))
		}
		return calls, false, nil
	}
	calls = sendBatches(ctx, inv.client, f.Batches, inv.s.opts.Backoff)
	failed = inv.spend(ctx, calls, hold)
	if ids := notTaken(calls); len(ids) > 0 {
		more := inv.fallback(ctx, f, ids, hold != nil)
		failed = failed || slices.ContainsFunc(more, func(c vod.Call) bool { return c.Error != nil })
		calls = append(calls, more...)
	}
	if f.Plan.Wait || len(f.Plan.Media) > 0 {
		inv.res.Tasks, waitErr = inv.follow(ctx, calls, f.Plan.Wait)
	}
	return calls, failed, waitErr
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
// taking them off the ledger, and reports whether any failed. A quota
// failure, or an answer of an unexpected form, makes the next invocation
// read the quota again.
func (inv *Invocation) spend(ctx context.Context, calls []vod.Call, hold *ledger.Reservation) (failed bool) {
	urls, dirs := 0, 0
	for _, c := range calls {
		u, d := c.Spent()
		urls, dirs = urls+u, dirs+d
		switch {
		case c.Sent:
		case c.Error.Outcome == vod.QuotaExhausted, c.Error.Code == vod.CodeMalformedAnswer:
			// A malformed answer may hide a call VOD took: what it spent
			// is known only to the service.
			if l := inv.s.opts.Ledger; l != nil {
				l.Forget(ctx)
			}
			failed = true
		default:
			failed = true
		}
	}
	hold.Settle(ctx, urls, dirs, inv.s.opts.Now())
	return failed
}

// quotaInfo returns the quota to plan with: read (or cached) through c,
// or, in a dry run or without credentials, the full daily quota.
func (inv *Invocation) quotaInfo(ctx context.Context, c vod.Client) QuotaInfo {
	if c == nil || inv.s.opts.Ledger == nil {
		return fullQuota("assumed", "a dry run, or no credentials: the full daily quota is assumed")
	}
	q, source, err := inv.s.opts.Ledger.Read(ctx, c, inv.s.opts.QuotaTTL, inv.s.opts.Now())
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

// Tasks reads the refresh tasks of the last three days of objectType
// (file or directory: the API requires it with a status) that have status
// (Failed, Refreshing), page by page, through the invocation's client
// (dialled on first use); none in a dry run.
func (inv *Invocation) Tasks(ctx context.Context, status, objectType string) ([]vod.Task, error) {
	if inv.client == nil {
		c, err := inv.dial()
		if err != nil {
			return nil, err
		}
		inv.client = c
	}
	if inv.client == nil || inv.s.opts.DryRun {
		return nil, nil
	}
	return inv.client.Tasks(ctx, vod.TaskFilter{Status: status, ObjectType: objectType})
}
