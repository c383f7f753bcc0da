package handler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"vodrefresh/handler/event"
	"vodrefresh/handler/vod"
)

// Invoke handles one raw event and returns the JSON result that FC passes
// back to the caller: Answer, encoded. It implements the FC runtime's
// Handler interface.
func (h *Handler) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	v, err := h.Answer(ctx, payload)
	if err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

// Answer handles one raw event and returns what FC encodes as its answer:
// the *Result of an OSS event, or the *events.HTTPTriggerResponse of an
// HTTP request. Handing FC the value rather than its JSON spares a large
// result a second copy (the runtime SDK encodes what it is given, JSON
// included). Its work ends a margin before ctx's deadline
// (vod.WithAnswerMargin), so that the answer reaches FC in time.
func (h *Handler) Answer(ctx context.Context, payload []byte) (any, error) {
	ctx, cancel := vod.WithAnswerMargin(ctx)
	defer cancel()
	started := h.now()
	ctx, sum := begin(ctx, h.log, started)
	defer func() { sum.end(ctx, h.now().Sub(started)) }()
	ev, err := event.Detect(payload, h.eventOptions())
	if err == nil && ev.Shape == event.ShapeHTTP {
		sum.shape = string(event.ShapeHTTP)
		resp := h.handleHTTP(ctx, ev.HTTP, sum)
		sum.status = resp.StatusCode
		return resp, nil
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
	return res, nil
}

// Handle handles one raw OSS event and returns its result. On failure the
// result still accounts for every path, beside the error.
func (h *Handler) Handle(ctx context.Context, payload []byte) (*Result, error) {
	ctx, cancel := vod.WithAnswerMargin(ctx)
	defer cancel()
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
	sum.shape, sum.source, sum.records = string(ev.Shape), buckets(ev.Records), len(ev.Records)
	// The messages of a batch that could not be read fail the invocation,
	// so that they are retried and then dead-lettered; the others are
	// refreshed, and their retry submits nothing twice.
	rejected := ev.Unread
	res := &Result{DryRun: h.opts.DryRun, Shape: string(ev.Shape), Records: len(ev.Records), Calls: []vod.Call{}}
	inv := &submitter{h: h, ctx: ctx, res: res}
	prep, err := h.planner.PrepareOSS(ctx, ev.Records, h.retries, inv)
	res.Skipped, res.SkippedCount, res.SkippedReasons = prep.Plan.Skipped.Sample, prep.Plan.Skipped.Count, prep.Plan.Skipped.Reasons
	if err := errors.Join(h.submit(inv, prep, err), rejected); err != nil {
		return res, err
	}
	return res, nil
}
