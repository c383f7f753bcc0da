// Package handler is the vodrefresh function: it turns OSS object events into
// ApsaraVideo VOD CDN refreshes.
package handler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Options wire a Handler to the outside world.
type Options struct {
	// Connector makes VOD clients; nil means every invocation is a dry run.
	Connector *Connector
	// DryRun plans the calls and sends nothing.
	DryRun bool
	// Getenv reads the environment (os.Getenv in production).
	Getenv func(string) string
	// Logger receives operational logs; nil discards them.
	Logger *slog.Logger
	// Backoff is the retry policy; zero means DefaultBackoff.
	Backoff Backoff
	// ReplayWindow, when set, overrides every webhook route's replay window
	// (for running saved samples locally).
	ReplayWindow time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Handler is the function. It is safe for concurrent invocations.
type Handler struct {
	cfg   *Config
	opts  Options
	log   *slog.Logger
	seen  *deliveries
	quota *quotaCache
}

// maxDeliveries bounds how many webhook delivery IDs are remembered.
const maxDeliveries = 10000

// New returns a Handler for a validated configuration. It reads the webhook
// routes' secrets through opts.Getenv; a missing one is an error.
func New(cfg *Config, opts Options) (*Handler, error) {
	if opts.Getenv == nil {
		opts.Getenv = func(string) string { return "" }
	}
	if opts.Connector == nil {
		opts.DryRun = true
	}
	if opts.Backoff.Attempts == 0 {
		opts.Backoff = DefaultBackoff
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := cfg.buildVerifiers(opts.Getenv, log, opts.ReplayWindow); err != nil {
		return nil, err
	}
	return &Handler{cfg: cfg, opts: opts, log: log, seen: newDeliveries(cfg.HTTP.dedupeWindow(), maxDeliveries), quota: &quotaCache{}}, nil
}

func (h *Handler) now() time.Time { return h.opts.Now() }

// Invoke handles one raw event and returns the JSON result that FC passes
// back to the caller. It implements the FC runtime's Handler interface.
func (h *Handler) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	started := h.now()
	ctx, sum := h.begin(ctx)
	defer h.end(ctx, sum, started)
	if IsHTTPEvent(payload) {
		sum.kind = ShapeHTTP
		resp := h.handleHTTP(ctx, payload, sum)
		sum.status = resp.StatusCode
		return json.Marshal(resp)
	}
	res, err := h.handle(ctx, payload, sum)
	sum.res, sum.err = res, err
	if err != nil {
		return nil, err
	}
	return json.Marshal(res)
}

// Handle handles one raw OSS event and returns its result. On failure the
// result still accounts for every path, beside the error.
func (h *Handler) Handle(ctx context.Context, payload []byte) (*Result, error) {
	return h.handle(ctx, payload, &summary{})
}

func (h *Handler) handle(ctx context.Context, payload []byte, sum *summary) (*Result, error) {
	shape, records, err := ParseOSSEvent(payload)
	if err != nil {
		return nil, err
	}
	sum.kind, sum.source, sum.records = shape, buckets(records), len(records)
	if shape == ShapeHTTP {
		return nil, fmt.Errorf("%w: an HTTP trigger event; Invoke answers those", ErrUnknownEvent)
	}
	plan, err := h.cfg.PlanOSS(records)
	if err != nil {
		return nil, err
	}
	res := &Result{DryRun: h.opts.DryRun, Shape: shape, Records: len(records), Skipped: plan.Skipped, Calls: []Call{}}
	if err := h.run(ctx, plan, res); err != nil {
		return res, err
	}
	return res, nil
}

// run fits a plan to the quota and submits it (or, in a dry run, lists the
// calls it would make), filling res. It returns a *QuotaError when the quota
// cannot cover the plan, and a *SubmitError when any call failed.
func (h *Handler) run(ctx context.Context, plan *Plan, res *Result) error {
	if plan.Size() == 0 {
		return nil
	}
	var client *VOD
	if h.opts.Connector != nil {
		c, err := h.connect(ctx)
		switch {
		case err == nil:
			client = c
		case !h.opts.DryRun:
			return err
		}
	}
	q := h.quotaInfo(ctx, client)
	res.Quota = &q
	coalesced, err := h.cfg.budget(plan, q)
	res.Coalesced = coalesced
	if err != nil {
		res.Paths = accountQuota(plan)
		return err
	}
	batches := h.cfg.Batches(plan)
	if h.opts.DryRun {
		for _, b := range batches {
			res.Calls = append(res.Calls, Call{ObjectType: b.ObjectType, Paths: b.Paths})
		}
		res.Paths = account(res.Calls, coalesced)
		res.Prefetch = h.prefetch(ctx, nil, plan, res)
		return nil
	}
	res.Calls = submit(ctx, client, batches, h.opts.Backoff)
	res.Paths = account(res.Calls, coalesced)
	failed := false
	for _, c := range res.Calls {
		switch {
		case c.Sent && c.ObjectType == TypeDirectory:
			h.quota.spend(0, len(c.Paths))
		case c.Sent:
			h.quota.spend(len(c.Paths), 0)
		case c.Error.Outcome == QuotaExhausted:
			h.quota.forget()
			failed = true
		default:
			failed = true
		}
	}
	var taskErr error
	if plan.wait {
		res.Tasks, taskErr = h.waitTasks(ctx, client, res.Calls)
	}
	res.Prefetch = h.prefetch(ctx, client, plan, res)
	if failed {
		return &SubmitError{Calls: res.Calls}
	}
	return taskErr
}

// quotaInfo returns the quota to plan with: read (or cached) through client,
// or, without credentials, the full daily quota.
func (h *Handler) quotaInfo(ctx context.Context, client *VOD) QuotaInfo {
	if client == nil {
		return QuotaInfo{URLRemain: DailyURLQuota, DirRemain: DailyDirQuota, PreloadRemain: DailyPreloadQuota, Source: "assumed",
			Note: "no credentials: the full daily quota is assumed"}
	}
	q, source, err := h.quota.get(ctx, client, h.cfg.Quota.ttl(), h.now())
	if err != nil {
		h.logger(ctx).Warn("cannot read the refresh quota; planning with the full daily quota", "error", err.Error())
		return QuotaInfo{URLRemain: DailyURLQuota, DirRemain: DailyDirQuota, PreloadRemain: DailyPreloadQuota, Source: "unavailable",
			Note: "DescribeVodRefreshQuota failed: the full daily quota is assumed"}
	}
	return QuotaInfo{URLRemain: q.URLRemain, DirRemain: q.DirRemain, PreloadRemain: q.PreloadRemain, Source: source}
}

func (h *Handler) connect(ctx context.Context) (*VOD, error) {
	creds, err := ResolveCredentials(ctx, h.opts.Getenv)
	if err != nil {
		return nil, err
	}
	return h.opts.Connector.Connect(creds.Provider, creds.Secrets...)
}

// AsAPIError returns the *APIError in err's chain, if any.
func AsAPIError(err error) (*APIError, bool) {
	var ae *APIError
	ok := errors.As(err, &ae)
	return ae, ok
}
