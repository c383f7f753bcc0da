package function

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"vodrefresh/handler/event"
	"vodrefresh/handler/ledger"
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
		lctx, later := store.WithLater(ctx)
		resp := h.handleHTTP(lctx, ev, sum)
		h.flush(ctx, later)
		h.evictions(ctx, h.logger(ctx)) // logged: an answer to a sender names nothing internal
		sum.status = resp.StatusCode
		return (*HTTPResponse)(resp), nil
	}
	if errors.Is(err, event.ErrRefused) {
		// Nothing in the event can ever be refreshed (a destination record
		// nested in another, say): it is reported, and not failed, so that
		// FC does not retry it.
		h.logger(ctx).Warn("event refused", "reason", err.Error())
		res := &submit.Result{Shape: "refused", SkippedCount: 1, Skipped: []refresh.Skip{{Reason: err.Error()}},
			SkippedReasons: map[string]int{err.Error(): 1}}
		sum.res = res
		return &Result{res}, nil
	}
	if err != nil {
		sum.err = err
		return nil, err
	}
	sum.shape, sum.source, sum.records = string(ev.Shape), buckets(ev.Records), len(ev.Records)
	sum.perInstance = !h.planDays
	if ev.Shape == event.ShapeTimer {
		// A run that failed is not FC's to retry: the next tick, a minute
		// later, plans what is still pending. The failure is in the
		// result and the summary line.
		sum.source = ev.Timer.Name
		res, err := h.planBacklog(ctx)
		if err != nil {
			res.Planner = cmp.Or(res.Planner, &submit.PlannerRun{})
			res.Planner.Error = err.Error()
		}
		res.Store = h.storeNote(ctx, sum)
		sum.res, sum.err = res, err
		return &Result{res}, nil
	}
	lctx, later := store.WithLater(ctx)
	res, err := h.refreshObjects(lctx, ev)
	h.flush(ctx, later)
	res.Store = h.storeNote(ctx, sum)
	sum.res, sum.err = res, err
	return &Result{res}, err
}

// flush sends the writes that the invocation's refresh left for its end
// (store.Later: the hold settled, what was sent remembered, the tasks to
// follow, the quota spent) in one pipeline, inside the budget of the
// writes after the work. Should the store fail, they are made in process
// memory, and the result's store note and the summary line say so.
func (h *Handler) flush(ctx context.Context, later *store.Later) {
	if err := later.Flush(store.Afterwork(ctx)); err != nil {
		h.logger(ctx).Warn("store writes after the refresh", "error", err.Error())
	}
}

// storeNote is the result's store note: the operations that ran in
// process memory, and the store's evictions.
func (h *Handler) storeNote(ctx context.Context, sum *summary) string {
	notes := []string{sum.store.Degraded(), h.evictions(ctx, h.logger(ctx))}
	return strings.Join(slices.DeleteFunc(notes, func(s string) bool { return s == "" }), "; ")
}

func (h *Handler) eventOptions() event.Options {
	return event.Options{URLEncodedKeys: h.cfg.KeyEncoding == "url", MaxBody: h.cfg.HTTP.MaxBody()}
}

// refreshObjects runs an event of objects through the pipeline. On
// failure the result still accounts for every path, beside the error. The
// messages of a batch that could not be read fail the invocation, so that
// they are retried and then dead-lettered; the others are refreshed, and
// their retry submits nothing twice.
func (h *Handler) refreshObjects(ctx context.Context, ev *event.Event) (*submit.Result, error) {
	log := h.logger(ctx)
	res := &submit.Result{Shape: string(ev.Shape), Records: len(ev.Records)}
	inv := h.stage.Begin(invocationSTS(ctx), log, res)
	logRefused(log, ev)
	in, why := decode(ev, h.cfg.VODRoute()), objectCauses(ev)
	plan, err := h.planner.Plan(ctx, in, nil)
	if err == nil && len(plan.Asked) > 0 {
		seen, deferred := h.history.Recall(ctx, plan.Asked, why.changed, log)
		switch {
		case deferred != nil && h.ledger.URLsSpent(ctx):
			err = deferred
		case len(seen) > 0:
			plan, err = h.planner.Plan(ctx, in, seen)
		}
	}
	if err == nil {
		err = h.deferIfScarce(ctx, plan, why.changed, res, log)
	}
	fitted := &refresh.Fitted{Plan: plan}
	if err == nil {
		fitted, err = h.fitAndSend(ctx, inv, plan, why, log)
	} else {
		err = inv.Unplanned(fitted, err)
	}
	res.Skipped, res.SkippedCount, res.SkippedReasons = fitted.Plan.Skipped.Sample, fitted.Plan.Skipped.Count, fitted.Plan.Skipped.Reasons
	return res, errors.Join(err, ev.Unread)
}

// fitAndSend is the second half of the pipeline, for any plan: reserve the
// quota, fit the plan to it, send, remember what went through, and log
// each call for the audit trail, with what asked for it (why).
func (h *Handler) fitAndSend(ctx context.Context, inv *submit.Invocation, plan *refresh.Plan, why causes, log *slog.Logger) (*refresh.Fitted, error) {
	fitted, hold, err := h.reserve(ctx, inv, plan)
	if err != nil {
		return fitted, inv.Unplanned(fitted, err)
	}
	sent, err := inv.Send(ctx, fitted, hold)
	if len(sent.Calls) > 0 && !h.stage.DryRun() {
		h.history.Remember(ctx, fitted, sent.Calls, sent.At, err, log)
		h.audit(ctx, log, fitted.Plan, sent.Calls, why)
		h.track(ctx, fitted.Plan, sent.Calls, why, log)
	}
	return fitted, err
}

// reserve reads the quota, fits plan to it, and holds what the fitted plan
// spends in the ledger that the deployment's instances share; while
// others take quota between the reading and the hold, it fits again to
// what is left. A plan with no paths reads nothing and holds nothing. In a
// dry run, or when the quota could not be read, nothing is held.
func (h *Handler) reserve(ctx context.Context, inv *submit.Invocation, plan *refresh.Plan) (*refresh.Fitted, *ledger.Reservation, error) {
	if plan.Size() == 0 {
		fitted, err := h.planner.Fit(ctx, plan, refresh.Room{})
		return fitted, nil, err
	}
	q, shared, err := inv.Quota(ctx)
	if err != nil {
		return &refresh.Fitted{Plan: plan}, nil, err
	}
	if !shared {
		fitted, err := h.planner.Fit(ctx, plan, refresh.Room{URLs: q.URLRemain, Dirs: q.DirRemain})
		return fitted, nil, err
	}
	room, err := h.ledger.Room(ctx)
	if err != nil {
		return &refresh.Fitted{Plan: plan}, nil, err
	}
	for try := 1; ; try++ {
		q.URLRemain, q.DirRemain = room.URLs, room.Dirs
		fitted, err := h.planner.Fit(ctx, plan, refresh.Room{URLs: room.URLs, Dirs: room.Dirs})
		if err != nil {
			return fitted, nil, err
		}
		// The last try holds what was fitted if what is left still covers
		// it, whether or not others took quota meanwhile: under heavy
		// contention a plan fitted a little generously beats no plan.
		fittedTo := room
		if try == ledger.MaxHoldTries {
			fittedTo = store.Amount{}
		}
		hold, left, err := h.ledger.Hold(ctx, store.Amount{URLs: fitted.URLs, Dirs: fitted.Dirs}, fittedTo)
		switch {
		case hold != nil || err != nil:
			return fitted, hold, err
		case try == ledger.MaxHoldTries:
			return fitted, nil, fmt.Errorf("the quota ledger: other invocations kept taking the quota this plan was fitted to (%d tries); retry", try)
		}
		room = left
	}
}

// logRefused logs, in one WARN line, the records and messages refused for
// good while decoding: how many, and the first one's reason, bucket and
// the key's first characters (never a whole key: it may be megabytes).
func logRefused(log *slog.Logger, ev *event.Event) {
	n, first := 0, []any(nil)
	for _, r := range ev.Records {
		if r.Refused != "" {
			if n++; first == nil {
				first = []any{"reason", r.Refused, "bucket", r.Bucket, "keyPrefix", r.RawKey, "record", r.Index}
			}
		}
	}
	for _, rj := range ev.Rejected {
		if rj.Refused {
			if n++; first == nil {
				first = []any{"reason", rj.Err.Error(), "message", rj.MessageID}
			}
		}
	}
	if n > 0 {
		log.Warn("input refused for good: reported as skipped, not retried", append([]any{"refused", n}, first...)...)
	}
}
