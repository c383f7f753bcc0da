package function

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/aliyun/fc-runtime-go-sdk/events"

	"vodrefresh/handler/forward"
	"vodrefresh/handler/store"
	"vodrefresh/handler/webhook"
)

// VOD counts a callback as delivered only when it is answered 200 within
// 5 s; otherwise it sends it twice more, 1 s apart, then drops it.
const (
	// vodAnswerWithin bounds a VOD callback's answer, the refresh and the
	// forward included: under VOD's 5 s, with a margin for FC.
	vodAnswerWithin = 4 * time.Second
)

// deliverVOD answers a verified VOD callback: its refresh (deliver, once
// per signature) and, on a route with a forward URL, its forward (once
// per signature too), side by side, within vodAnswerWithin. Success and
// "nothing to refresh" are answered 200, which is all VOD counts. A
// refresh that failed is answered as deliver answers it (not 200, so VOD
// sends it again) and the event is logged whole at ERROR, to be replayed.
// A failed forward is answered 502 so that VOD sends it again; the
// refresh, once done, is then not repeated, and the forward is.
func (h *Handler) deliverVOD(ctx context.Context, rt *webhook.Route, req *webhook.Request, proof webhook.Proof, sum *summary) *events.HTTPTriggerResponse {
	ctx, cancel := context.WithTimeout(ctx, vodAnswerWithin)
	defer cancel()
	forwarded := make(chan error, 1)
	go func() { forwarded <- h.forwardOnce(ctx, rt, req, proof) }()
	resp := h.deliver(ctx, rt, req, proof, sum)
	fwdErr := <-forwarded
	if resp.StatusCode == http.StatusAccepted {
		resp.StatusCode = http.StatusOK
	}
	if resp.StatusCode >= http.StatusInternalServerError || resp.StatusCode == http.StatusTooManyRequests {
		h.logVODEvent(ctx, rt, req, resp.StatusCode)
	}
	if fwdErr == nil || resp.StatusCode != http.StatusOK {
		return resp
	}
	h.logger(ctx).Error("VOD callback not forwarded; answering 502 so that VOD sends it again (its refresh is not repeated)",
		"route", rt.Path, "forward", forward.Masked(rt.WebhookRoute.Forward), "error", fwdErr.Error())
	var reply WebhookReply
	_ = json.Unmarshal([]byte(resp.Body), &reply)
	reply.Status, reply.Error = "error", "the refresh went through, but the forward failed: "+fwdErr.Error()
	reply.Action = "VOD sends the callback again; its refresh is remembered and not repeated"
	return response(http.StatusBadGateway, reply)
}

// forwardOnce passes the callback on to the route's forward URL, once per
// delivery: the store remembers a forward that went through, apart from
// the delivery's refresh, so that VOD's retry of a failed forward forwards
// it again, and a retry of a failed refresh does not. A dry run forwards
// nothing.
func (h *Handler) forwardOnce(ctx context.Context, rt *webhook.Route, req *webhook.Request, proof webhook.Proof) error {
	if rt.WebhookRoute.Forward == "" || h.stage.DryRun() || proof.Key == "" {
		return nil
	}
	scope := rt.Path + " forward"
	state, err := h.store.Reserve(ctx, scope, proof.Key, h.reserveFor())
	if err != nil {
		h.logger(ctx).Warn("cannot check the forward against earlier ones; forwarding", "route", rt.Path, "error", err.Error())
	}
	switch state {
	case store.Handled:
		return nil
	case store.InProgress:
		return errors.New("this callback is being forwarded; send it again later if that fails")
	}
	err = passOn(ctx, rt, req)
	h.store.Finish(store.Afterwork(ctx), scope, proof.Key, err == nil, h.seenFor)
	return err
}

// passOn forwards a verified VOD callback to the route's forward URL, as
// VOD would have sent it there: the body unchanged, signed for the forward
// URL with the route's current key and the callback's own timestamp.
func passOn(ctx context.Context, rt *webhook.Route, req *webhook.Request) error {
	headers, ok := rt.SignVOD(rt.WebhookRoute.Forward, req)
	if !ok || rt.WebhookRoute.Forward == "" {
		return errors.New("forward needs a vod route with a forward URL and its key")
	}
	return forward.PassOn(ctx, rt.WebhookRoute.Forward, req.Body, req.Header.Get("Content-Type"), headers)
}

// logVODEvent logs a verified VOD callback whose refresh failed, whole
// but for its signature, at ERROR: VOD gives up after two more tries, and
// the log is then the event's only copy. replay is the event as an MNS
// message, which "vodrefresh invoke --send" (or the function's queue)
// runs through the configuration's vod route with no signature to check.
func (h *Handler) logVODEvent(ctx context.Context, rt *webhook.Route, req *webhook.Request, status int) {
	headers := map[string]string{}
	for k, v := range req.Header {
		if strings.EqualFold(k, webhook.VODSignatureHeader) || strings.EqualFold(k, "Authorization") {
			continue
		}
		headers[k] = strings.Join(v, ",")
	}
	replay, _ := json.Marshal(map[string]string{
		"messageId":   fmt.Sprintf("vod-replay-%d", h.now().UnixNano()),
		"messageBody": string(req.Body),
	})
	h.logger(ctx).Error("VOD event not refreshed; VOD retries it twice, then drops it: replay it with `vodrefresh invoke --send` on the replay field",
		"route", rt.Path, "status", status, "headers", headers, "body", string(req.Body), "replay", string(replay))
}
