package function

import (
	"context"

	"github.com/aliyun/fc-runtime-go-sdk/events"

	"vodrefresh/handler/event"
)

// handleHTTP answers one HTTP trigger event. It never returns a Go error:
// webhook senders retry on their own terms, so every outcome is a status.
func (h *Handler) handleHTTP(ctx context.Context, ev *event.Event, sum *summary) *events.HTTPTriggerResponse {
	rt, req, proof, resp := h.admit(ctx, ev.HTTP, ev.HTTPErr, sum)
	if resp != nil {
		return resp
	}
	if rt.IsVOD() {
		return h.deliverVOD(ctx, rt, req, proof, sum)
	}
	return h.deliver(ctx, rt, req, proof, sum)
}
