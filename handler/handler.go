// Package handler is the vodrefresh function, wired: Invoke recognises an
// event (event), turns it into a plan (refresh, through webhook for a CMS),
// submits the plan (vod) and answers with the result and one summary log
// line. Each of those steps lives in its own package; this one only joins
// them.
//
// It imports config, event, refresh, vod and webhook. Nothing imports it
// but main and the command line (cli).
package handler

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"vodrefresh/handler/config"
	"vodrefresh/handler/event"
	"vodrefresh/handler/refresh"
	"vodrefresh/handler/vod"
	"vodrefresh/handler/webhook"
)

// Options wire a Handler to the outside world.
type Options struct {
	// Connector makes each invocation's VOD client (a *vod.Connector in
	// production); nil means every invocation is a dry run.
	Connector vod.Dialer
	// DryRun plans the calls and sends nothing.
	DryRun bool
	// Getenv reads the environment (os.Getenv in production).
	Getenv func(string) string
	// Logger receives operational logs; nil discards them.
	Logger *slog.Logger
	// Backoff is the retry policy; zero means vod.DefaultBackoff.
	Backoff vod.Backoff
	// ReplayWindow, when set, overrides every webhook route's replay window
	// (for running saved samples locally).
	ReplayWindow time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Handler is the function. It is safe for concurrent invocations.
type Handler struct {
	planner *refresh.Planner
	cfg     *config.Config
	opts    Options
	log     *slog.Logger
	routes  map[string]*route
	seen    *webhook.Deliveries
	quota   *vod.QuotaCache
}

// maxDeliveries bounds how many webhook delivery IDs are remembered.
const maxDeliveries = 10000

// New returns a Handler for a validated configuration. It compiles the
// rules and reads the webhook routes' secrets through opts.Getenv; a missing
// one is an error.
func New(cfg *config.Config, opts Options) (*Handler, error) {
	if opts.Getenv == nil {
		opts.Getenv = func(string) string { return "" }
	}
	if opts.Connector == nil {
		opts.DryRun = true
	}
	if opts.Backoff.Attempts == 0 {
		opts.Backoff = vod.DefaultBackoff
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	planner, err := refresh.Compile(cfg)
	if err != nil {
		return nil, err
	}
	routes, err := buildRoutes(cfg, opts.Getenv, log, opts.ReplayWindow)
	if err != nil {
		return nil, err
	}
	return &Handler{planner: planner, cfg: cfg, opts: opts, log: log, routes: routes,
		seen: webhook.NewDeliveries(cfg.HTTP.Dedupe(), maxDeliveries), quota: &vod.QuotaCache{}}, nil
}

func (h *Handler) now() time.Time { return h.opts.Now() }

// Invoke handles one raw event and returns the JSON result that FC passes
// back to the caller. It implements the FC runtime's Handler interface.
func (h *Handler) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	started := h.now()
	ctx, sum := h.begin(ctx)
	defer h.end(ctx, sum, started)
	ev, err := event.Detect(payload, h.eventOptions())
	if err == nil && ev.Shape == event.ShapeHTTP {
		sum.kind = string(event.ShapeHTTP)
		resp := h.handleHTTP(ctx, ev.HTTP, sum)
		sum.status = resp.StatusCode
		return json.Marshal(resp)
	}
	if err != nil {
		sum.err = err
		return nil, err
	}
	res, err := h.handleOSS(ctx, ev, sum)
	sum.res, sum.err = res, err
	if err != nil {
		return nil, err
	}
	return json.Marshal(res)
}

// Handle handles one raw OSS event and returns its result. On failure the
// result still accounts for every path, beside the error.
func (h *Handler) Handle(ctx context.Context, payload []byte) (*Result, error) {
	ev, err := event.Detect(payload, h.eventOptions())
	if err != nil {
		return nil, err
	}
	if ev.Shape == event.ShapeHTTP {
		return nil, fmt.Errorf("%w: an HTTP trigger event; Invoke answers those", event.ErrUnknownEvent)
	}
	return h.handleOSS(ctx, ev, &summary{})
}

func (h *Handler) eventOptions() event.Options {
	return event.Options{URLEncodedKeys: h.cfg.KeyEncoding == "url"}
}

// handleOSS plans an OSS event's records and submits the plan.
func (h *Handler) handleOSS(ctx context.Context, ev *event.Event, sum *summary) (*Result, error) {
	sum.kind, sum.source, sum.records = string(ev.Shape), buckets(ev.Records), len(ev.Records)
	plan := h.planner.PlanOSS(ev.Records)
	res := &Result{DryRun: h.opts.DryRun, Shape: string(ev.Shape), Records: len(ev.Records), Skipped: plan.Skipped, Calls: []vod.Call{}}
	if err := h.run(ctx, plan, res); err != nil {
		return res, err
	}
	return res, nil
}
