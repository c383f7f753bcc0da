package handler

import (
	"context"
	"errors"
	"time"

	"vodrefresh/handler/event"
	"vodrefresh/handler/refresh"
	"vodrefresh/handler/store"
	"vodrefresh/handler/submit"
)

// Invoke handles one raw event and returns what FC encodes as its answer:
// a *Result for an event of objects, an *HTTPResponse for an HTTP request.
// An event of objects whose refresh did not go through fails with an
// error, so that FC retries it; its Result still accounts for every path
// (FC passes on only the error). Its work ends a margin before ctx's
// deadline (submit.WithAnswerMargin), so that the answer reaches FC in
// time.
func (h *Handler) Invoke(ctx context.Context, payload []byte) (Answer, error) {
	ctx, cancel := submit.WithAnswerMargin(ctx)
	defer cancel()
	started := h.now()
	ctx, sum := begin(ctx, h.log, started)
	ctx, sum.store = store.WithReport(ctx)
	defer func() { sum.end(ctx, h.now().Sub(started)) }()
	ev, err := event.Detect(payload, h.eventOptions())
	if err == nil && ev.Shape == event.ShapeHTTP {
		sum.shape = string(event.ShapeHTTP)
		resp := h.handleHTTP(ctx, ev, sum)
		sum.status = resp.StatusCode
		return (*HTTPResponse)(resp), nil
	}
	if err != nil {
		sum.err = err
		return nil, err
	}
	res, err := h.handleOSS(ctx, ev, sum)
	res.Store = sum.store.Degraded()
	sum.res, sum.err = res, err
	return &Result{res}, err
}

func (h *Handler) eventOptions() event.Options {
	return event.Options{URLEncodedKeys: h.cfg.KeyEncoding == "url", MaxBody: h.cfg.HTTP.MaxBody()}
}

// handleOSS plans an OSS event's records and submits the plan. On failure
// the result still accounts for every path, beside the error.
func (h *Handler) handleOSS(ctx context.Context, ev *event.Event, sum *summary) (*submit.Result, error) {
	sum.shape, sum.source, sum.records = string(ev.Shape), buckets(ev.Records), len(ev.Records)
	res := &submit.Result{Shape: string(ev.Shape), Records: len(ev.Records)}
	inv := h.stage.Begin(ctx, invocationSTS(ctx), h.logger(ctx), res)
	plan, err := inv.Recall(len(ev.Records)+len(ev.VOD), changeTimes(ev.Records), func(m refresh.Memory) (*refresh.Plan, error) {
		return h.planner.PlanQueueContext(ctx, ev.Records, ev.VOD, m)
	})
	prep := &refresh.Prepared{Plan: plan}
	if err == nil {
		prep, err = h.planner.Prepare(ctx, plan, inv)
	}
	res.Skipped, res.SkippedCount, res.SkippedReasons = prep.Plan.Skipped.Sample, prep.Plan.Skipped.Count, prep.Plan.Skipped.Reasons
	if err != nil {
		err = inv.Unplanned(prep, err)
	} else {
		err = inv.Submit(prep)
	}
	// The messages of a batch that could not be read fail the invocation,
	// so that they are retried and then dead-lettered; the others are
	// refreshed, and their retry submits nothing twice.
	return res, errors.Join(err, ev.Unread)
}

// changeTimes returns when the change of each record's event was made, by
// event identity.
func changeTimes(records []event.ObjectEvent) func(id string) time.Time {
	at := make(map[string]time.Time, len(records))
	for _, r := range records {
		if r.ID != "" && !r.Time.IsZero() {
			at[r.ID] = r.Time
		}
	}
	return func(id string) time.Time { return at[id] }
}
