package function

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/aliyun/fc-runtime-go-sdk/events"

	"vodrefresh/handler/event"
	"vodrefresh/handler/ledger"
	"vodrefresh/handler/refresh"
	"vodrefresh/handler/store"
	"vodrefresh/handler/submit"
	"vodrefresh/handler/vod"
	"vodrefresh/handler/webhook"
)

// WebhookReply is the JSON body of every HTTP trigger answer.
type WebhookReply struct {
	Status  string     `json:"status"` // accepted, pending, duplicate, ignored, or error
	Route   string     `json:"route,omitempty"`
	Kind    string     `json:"kind,omitempty"`
	Event   string     `json:"event,omitempty"`
	DryRun  bool       `json:"dryRun,omitempty"`
	Paths   []string   `json:"paths,omitempty"`
	TaskIDs []string   `json:"taskIds,omitempty"`
	Calls   []vod.Call `json:"calls,omitempty"`
	submit.Submission
	Note     string   `json:"note,omitempty"`
	Skipped  []string `json:"skipped,omitempty"` // what the payload named but was not refreshed, and why
	Error    string   `json:"error,omitempty"`
	Problems []string `json:"problems,omitempty"`
	Pending  int      `json:"pending,omitempty"` // changes kept for the planner, answered 202 "pending"
	Code     string   `json:"code,omitempty"`    // VOD error code on 502/503
	Action   string   `json:"action,omitempty"`  // what to do about it
}

// response builds the trigger's answer.
func response(status int, body WebhookReply, headers ...string) *events.HTTPTriggerResponse {
	b, _ := json.Marshal(body)
	h := map[string]string{"Content-Type": "application/json; charset=utf-8"}
	for i := 0; i+1 < len(headers); i += 2 {
		h[headers[i]] = headers[i+1]
	}
	return &events.HTTPTriggerResponse{StatusCode: status, Headers: h, Body: string(b)}
}

func fail(status int, msg string, headers ...string) *events.HTTPTriggerResponse {
	return response(status, WebhookReply{Status: "error", Error: msg}, headers...)
}

// maxProblems bounds the problems an answer lists one by one.
const maxProblems = 20

// admit finds the request's route, checks how it was read (err) and
// verifies it, returning what verification proved; a non-nil answer
// refuses it.
func (h *Handler) admit(ctx context.Context, in *event.HTTPRequest, err error, sum *summary) (*webhook.Route, *webhook.Request, webhook.Proof, *events.HTTPTriggerResponse) {
	var proof webhook.Proof
	sum.source = in.Path
	rt, ok := h.routes[in.Path]
	if !ok {
		return nil, nil, proof, fail(http.StatusNotFound, fmt.Sprintf("no webhook route for %q", in.Path))
	}
	if rt.Down != "" {
		h.logger(ctx).Warn("webhook refused: the route is out of service", "route", rt.Path, "kind", rt.Kind, "reason", rt.Down)
		return nil, nil, proof, fail(http.StatusServiceUnavailable, webhook.OutOfService, "Retry-After", "60")
	}
	var tooLarge *event.TooLarge
	switch {
	case in.Method != http.MethodPost:
		return nil, nil, proof, fail(http.StatusMethodNotAllowed, fmt.Sprintf("%s is not allowed; webhooks are POSTed", in.Method), "Allow", "POST")
	case errors.As(err, &tooLarge):
		return nil, nil, proof, fail(http.StatusRequestEntityTooLarge, err.Error())
	case err != nil:
		return nil, nil, proof, fail(http.StatusBadRequest, err.Error())
	}
	req := webhook.NewRequest(in.Method, in.Path, in.RawQuery, in.Query, in.Headers, in.Body)
	if rt.Verifier != nil {
		var err error
		if proof, err = rt.Verifier.Verify(req, h.now()); err != nil {
			h.logger(ctx).Warn("webhook rejected", "route", rt.Path, "kind", rt.Kind, "reason", err.Error())
			return nil, nil, proof, fail(http.StatusUnauthorized, err.Error())
		}
	}
	// Verified on the bytes as sent, then refused: JSON decoding would
	// turn bytes that are not UTF-8 into U+FFFD, and so into another URL.
	if !utf8.Valid(in.Body) {
		h.logger(ctx).Warn("webhook refused: the body is not valid UTF-8", "route", rt.Path, "kind", rt.Kind, "bytes", len(in.Body))
		return nil, nil, proof, fail(http.StatusBadRequest, "the body is not valid UTF-8, as JSON must be; nothing was submitted")
	}
	return rt, req, proof, nil
}

// deliver handles a verified request once per delivery ID: the check and
// the reservation are one step, so that of concurrent deliveries with one
// ID only one refreshes (the others are answered 409, to send again
// later). A delivery that did not succeed is released, so that the
// sender's retry goes through.
func (h *Handler) deliver(ctx context.Context, rt *webhook.Route, req *webhook.Request, proof webhook.Proof, sum *summary) *events.HTTPTriggerResponse {
	// The store keeps each route's deliveries apart; within a route, a
	// delivery is named by what its verifier proved (webhook.Proof.Key):
	// the MAC that verified and the signed timestamp, or a delivery ID the
	// signature covers, so that a captured request replayed within the
	// window refreshes nothing, whatever headers are added or re-spelled.
	// Nothing names a delivery that a bearer token or auth: none let in.
	id := proof.Key
	if id == "" {
		return h.process(ctx, rt, req, proof, sum)
	}
	reply := WebhookReply{Route: rt.Path, Kind: rt.Kind, DryRun: h.stage.DryRun(), Status: "duplicate"}
	state, err := h.store.Reserve(ctx, rt.Path, id, h.reserveFor())
	if err != nil {
		h.logger(ctx).Warn("cannot check the delivery against earlier ones; handling it", "route", rt.Path, "error", err.Error())
	}
	switch state {
	case store.Handled:
		reply.Note = "this delivery was handled in the last " + h.seenFor.String()
		return response(http.StatusAccepted, reply)
	case store.InProgress:
		reply.Note = "this delivery is being handled; send it again later if that fails"
		return response(http.StatusConflict, reply, "Retry-After", "10")
	}
	handled := false
	defer func() {
		h.store.Finish(store.Afterwork(ctx), rt.Path, id, handled, h.seenFor)
	}()
	resp := h.process(ctx, rt, req, proof, sum)
	handled = resp.StatusCode == http.StatusAccepted && !h.stage.DryRun()
	return resp
}

// process reads a verified request's payload, plans its change and submits
// the plan.
func (h *Handler) process(ctx context.Context, rt *webhook.Route, req *webhook.Request, proof webhook.Proof, sum *summary) *events.HTTPTriggerResponse {
	reply := WebhookReply{Route: rt.Path, Kind: rt.Kind, DryRun: h.stage.DryRun()}
	change, err := webhook.Parse(rt.Kind, req, proof, rt.PathLimit())
	if err != nil {
		var bad *webhook.BadPayload
		if errors.As(err, &bad) {
			return response(http.StatusBadRequest, WebhookReply{Status: "error", Route: rt.Path, Kind: rt.Kind, Error: bad.Error(), Problems: bad.Problems})
		}
		return fail(http.StatusBadRequest, err.Error())
	}
	reply.Event = change.Event
	change.Previous = h.lastURLs(ctx, rt, change)
	rp := h.planner.PlanChange(rt.WebhookRoute, change)
	reply.Note, reply.Skipped = rp.Note, rp.Notes
	switch {
	case change.Ignored != "":
		reply.Note = change.Ignored
	case len(rp.Outside) > 0:
		h.logger(ctx).Warn("webhook refused: paths outside the allowlisted domains (the configuration's domains and the CMS's URLs disagree)",
			"route", rt.Path, "kind", rt.Kind, "event", change.Event, "reason", rp.Outside[0], "outside", len(rp.Outside))
		return response(http.StatusUnprocessableEntity, WebhookReply{Status: "error", Route: rt.Path, Kind: rt.Kind, Event: change.Event,
			Error: "paths outside the allowlisted domains; nothing was submitted", Problems: rp.Outside})
	case len(rp.TooLong) > 0:
		// No call can carry such a path, now or on a retry.
		h.logger(ctx).Warn("webhook refused: a path longer than one refresh call carries",
			"route", rt.Path, "kind", rt.Kind, "event", change.Event, "reason", rp.TooLong[0], "tooLong", len(rp.TooLong))
		return response(http.StatusUnprocessableEntity, WebhookReply{Status: "error", Route: rt.Path, Kind: rt.Kind, Event: change.Event,
			Error: "a path is longer than one refresh call can carry; nothing was submitted", Problems: rp.TooLong[:min(len(rp.TooLong), maxProblems)]})
	case rp.Size() > 0:
		return h.once(ctx, rt, change, rp, func() *events.HTTPTriggerResponse {
			return h.submitChange(ctx, rt, rp, reply, deliveryID(rt, proof), sum)
		})
	}
	reply.Status = "ignored"
	return response(http.StatusAccepted, reply)
}

// submitChange submits a webhook's plan within the answer timeout and maps
// the outcome to a status. A verified delivery whose refresh cannot be
// submitted now (throttled, VOD unreachable, the quota short, the deadline
// near, a task the CDN failed) is kept as pending for the planner when the
// deployment can keep it (keep), and answered 202 "pending"; otherwise it
// is answered 5xx, so that a sender that retries does, and logged at
// ERROR with what to replay. Only what is wrong with the request gets a
// 4xx.
func (h *Handler) submitChange(ctx context.Context, rt *webhook.Route, rp refresh.RoutePlan, reply WebhookReply, id string, sum *summary) *events.HTTPTriggerResponse {
	now := h.now()
	plan := h.deferRelated(ctx, rt, rp, &reply)
	if plan.Size() == 0 {
		// The related pages alone: the planner refreshes them.
		reply.Status = "pending"
		return response(http.StatusAccepted, reply)
	}
	reply.Paths = append(append([]string{}, plan.Files...), plan.Directories...)
	for _, m := range plan.Media {
		reply.Paths = append(reply.Paths, m.ID)
	}
	ctx, cancel := context.WithTimeout(ctx, h.cfg.HTTP.AnswerTimeout())
	defer cancel()
	res := &submit.Result{Shape: "http"}
	log := h.logger(ctx)
	_, err := h.fitAndSend(ctx, h.stage.Begin(invocationSTS(ctx), log, res), plan, deliveryCause(rt.Path, id), log)
	sum.res, sum.records = res, 1
	reply.Submission, reply.TaskIDs = res.Submission, res.TaskIDs()
	reply.Store = sum.store.Degraded()
	if err == nil {
		reply.Status, reply.Calls = "accepted", res.Calls
		return response(http.StatusAccepted, reply)
	}
	// An answer to a sender names nothing internal: no call's detail, no
	// message of VOD's (which may quote the request); the log keeps them.
	reply.Submission.Tasks = nil
	var se *submit.Error
	if errors.As(err, &se) && se.Outcome() == vod.Permanent {
		log.Error("webhook refresh refused by VOD for good", "route", reply.Route, "event", reply.Event, "paths", firstPaths(reply.Paths), "error", err.Error())
		return failedReply(reply, se)
	}
	if n, ok := h.keep(store.Afterwork(ctx), id, plan, res, err, now, log); ok {
		reply.Status, reply.Pending = "pending", n
		reply.Note = "the refresh could not be submitted now (" + reason(err) + "); it is kept, and the planner refreshes it within minutes"
		return response(http.StatusAccepted, reply)
	}
	reply.Status, reply.Error = "error", "the refresh could not be submitted now ("+reason(err)+") and cannot be kept here"
	reply.Code, reply.Action = codeOf(err)
	log.Error("webhook refresh not submitted and not kept: no shared store with the planner running; replay it through a generic route",
		"route", reply.Route, "event", reply.Event, "paths", firstPaths(reply.Paths), "error", err.Error())
	return response(http.StatusServiceUnavailable, reply, "Retry-After", retryAfter(err, now))
}

// retryAfter is when a sender that retries should send again: after the
// quota resets, for a quota spent; a minute, for the per-minute limit;
// half a minute otherwise.
func retryAfter(err error, now time.Time) string {
	var qe *refresh.QuotaError
	var se *submit.Error
	switch {
	case errors.As(err, &qe):
		return strconv.Itoa(ledger.SecondsToReset(now))
	case errors.As(err, &se) && se.Outcome() == vod.QuotaExhausted:
		return strconv.Itoa(ledger.SecondsToReset(now))
	case errors.As(err, &se) && se.Outcome() == vod.Defer:
		return "60"
	}
	return "30"
}

// failedReply answers a submission that VOD refused for good (the
// request's paths are what it refused): 502, nothing kept.
func failedReply(reply WebhookReply, se *submit.Error) *events.HTTPTriggerResponse {
	first := se.Failed()[0].Error
	reply.Status, reply.Error = "error", "VOD refused the refresh for good ("+first.Code+")"
	reply.Code, reply.Action = first.Code, first.Action
	return response(http.StatusBadGateway, reply)
}
