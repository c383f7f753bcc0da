package handler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/aliyun/fc-runtime-go-sdk/events"

	"vodrefresh/handler/webhook"
)

// WebhookReply is the JSON body of every HTTP trigger answer.
type WebhookReply struct {
	Status    string      `json:"status"` // accepted, duplicate, ignored, or error
	Route     string      `json:"route,omitempty"`
	Kind      string      `json:"kind,omitempty"`
	Event     string      `json:"event,omitempty"`
	DryRun    bool        `json:"dryRun,omitempty"`
	Paths     []string    `json:"paths,omitempty"`
	TaskIDs   []string    `json:"taskIds,omitempty"`
	Calls     []Call      `json:"calls,omitempty"`
	Coalesced []Coalesced `json:"coalesced,omitempty"`
	Quota     *QuotaInfo  `json:"quota,omitempty"`
	Tasks     []Task      `json:"tasks,omitempty"`
	Note      string      `json:"note,omitempty"`
	Error     string      `json:"error,omitempty"`
	Problems  []string    `json:"problems,omitempty"`
	Code      string      `json:"code,omitempty"`   // VOD error code on 429/502/503
	Action    string      `json:"action,omitempty"` // what to do about it
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

// handleHTTP answers one HTTP trigger event. It never returns a Go error:
// webhook senders retry on their own terms, so every outcome is a status.
func (h *Handler) handleHTTP(ctx context.Context, payload []byte, sum *summary) *events.HTTPTriggerResponse {
	ev, err := decodeHTTPEvent(payload)
	if err != nil {
		return fail(http.StatusBadRequest, err.Error())
	}
	path := ev.RequestContext.HTTP.Path
	if path == "" {
		path = ev.RawPath
	}
	sum.source = path
	rt, ok := h.cfg.routes[path]
	if !ok {
		return fail(http.StatusNotFound, fmt.Sprintf("no webhook route for %q", path))
	}
	req, err := ev.request(h.cfg.HTTP.maxBody())
	var tooLarge errTooLarge
	switch {
	case req.Method != http.MethodPost:
		return fail(http.StatusMethodNotAllowed, fmt.Sprintf("%s is not allowed; webhooks are POSTed", req.Method), "Allow", "POST")
	case errors.As(err, &tooLarge):
		return fail(http.StatusRequestEntityTooLarge, err.Error())
	case err != nil:
		return fail(http.StatusBadRequest, err.Error())
	}
	now := h.now()
	if rt.verify != nil {
		if err := rt.verify.Verify(req, now); err != nil {
			h.logger(ctx).Warn("webhook rejected", "route", rt.Path, "kind", rt.Kind, "reason", err.Error())
			return fail(http.StatusUnauthorized, err.Error())
		}
	}
	reply := WebhookReply{Route: rt.Path, Kind: rt.Kind, DryRun: h.opts.DryRun}
	delivery := webhook.DeliveryID(req.Header)
	if delivery != "" {
		delivery = rt.Path + "\n" + delivery
		if h.seen.Seen(delivery, now) {
			reply.Status, reply.Note = "duplicate", "this delivery was handled in the last "+h.cfg.HTTP.dedupeWindow().String()
			return response(http.StatusAccepted, reply)
		}
	}
	change, err := parsePayload(rt.Kind, req, rt.MaxPaths)
	if err != nil {
		var bad *webhook.BadPayload
		if errors.As(err, &bad) {
			return response(http.StatusBadRequest, WebhookReply{Status: "error", Route: rt.Path, Kind: rt.Kind, Error: bad.Error(), Problems: bad.Problems})
		}
		return fail(http.StatusBadRequest, err.Error())
	}
	reply.Event = change.Event
	if change.Ignored != "" {
		reply.Status, reply.Note = "ignored", change.Ignored
		h.remember(delivery, now)
		return response(http.StatusAccepted, reply)
	}
	plan, outside, note := rt.plan(change, h.cfg.allow, h.cfg.AllowRootDirectory)
	if len(outside) > 0 {
		return response(http.StatusUnprocessableEntity, WebhookReply{Status: "error", Route: rt.Path, Kind: rt.Kind, Event: change.Event,
			Error: "paths outside the allowlisted domains; nothing was submitted", Problems: outside})
	}
	if plan.Size() == 0 {
		reply.Status, reply.Note = "ignored", note
		h.remember(delivery, now)
		return response(http.StatusAccepted, reply)
	}
	reply.Paths = append(append([]string{}, plan.Files...), plan.Directories...)
	ctx, cancel := context.WithTimeout(ctx, h.cfg.HTTP.budget())
	defer cancel()
	res := &Result{DryRun: h.opts.DryRun, Shape: ShapeHTTP, Calls: []Call{}}
	err = h.run(ctx, plan, res)
	sum.res, sum.records = res, 1
	reply.Calls, reply.Coalesced, reply.Quota, reply.Tasks = res.Calls, res.Coalesced, res.Quota, res.Tasks
	for _, c := range res.Calls {
		reply.TaskIDs = append(reply.TaskIDs, c.TaskIDs...)
	}
	var qe *QuotaError
	var se *SubmitError
	var te *TaskError
	switch {
	case err == nil:
		reply.Status = "accepted"
		if !h.opts.DryRun {
			h.remember(delivery, now)
		}
		return response(http.StatusAccepted, reply)
	case errors.As(err, &qe):
		reply.Status, reply.Error, reply.Code = "error", err.Error(), "QuotaExceeded.Refresh"
		reply.Action = failures["QuotaExceeded.Refresh"].Action
		return response(http.StatusTooManyRequests, reply, "Retry-After", strconv.Itoa(secondsToQuotaReset(now)))
	case errors.As(err, &se):
		return failedReply(reply, se, now)
	case errors.As(err, &te):
		reply.Status, reply.Error = "error", err.Error()
		reply.Action = "the CDN reported the refresh failed: check the task in the VOD console, then send again"
		return response(http.StatusBadGateway, reply)
	}
	h.logger(ctx).Error("webhook refresh failed", "route", rt.Path, "error", err.Error())
	return fail(http.StatusServiceUnavailable, err.Error(), "Retry-After", "60")
}

// failedReply maps a failed submission to 429, 502 or 503.
func failedReply(reply WebhookReply, se *SubmitError, now time.Time) *events.HTTPTriggerResponse {
	reply.Status, reply.Error = "error", se.Error()
	first := se.Failed()[0].Error
	reply.Code, reply.Action = first.Code, first.Action
	switch se.Outcome() {
	case QuotaExhausted:
		return response(http.StatusTooManyRequests, reply, "Retry-After", strconv.Itoa(secondsToQuotaReset(now)))
	case Defer:
		return response(http.StatusTooManyRequests, reply, "Retry-After", "60")
	case Retry:
		return response(http.StatusServiceUnavailable, reply, "Retry-After", "30")
	}
	return response(http.StatusBadGateway, reply)
}

// quotaZone is where the daily refresh quota resets at midnight (UTC+8).
var quotaZone = time.FixedZone("UTC+8", 8*3600)

func secondsToQuotaReset(now time.Time) int {
	t := now.In(quotaZone)
	next := time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, quotaZone)
	return int(next.Sub(t).Seconds()) + 1
}

func (h *Handler) remember(delivery string, now time.Time) {
	if delivery != "" {
		h.seen.Record(delivery, now)
	}
}

// parsePayload runs the kind's adapter.
func parsePayload(kind string, r *webhook.Request, maxPaths int) (webhook.Change, error) {
	switch kind {
	case "generic":
		if maxPaths == 0 {
			maxPaths = DefaultMaxPaths
		}
		return webhook.ParseGeneric(r.Body, maxPaths)
	case "ghost":
		return webhook.ParseGhost(r.Body)
	case "wordpress":
		return webhook.ParseWordPress(r.Body)
	case "strapi":
		return webhook.ParseStrapi(r.Body, r.Header)
	case "contentful":
		return webhook.ParseContentful(r.Body, r.Header)
	case "sanity":
		return webhook.ParseSanity(r.Body, r.Header)
	}
	return webhook.Change{}, fmt.Errorf("unknown kind %q", kind)
}
