package function

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/aliyun/fc-runtime-go-sdk/events"

	"vodrefresh/handler/change"
	"vodrefresh/handler/refresh"
	"vodrefresh/handler/store"
	"vodrefresh/handler/webhook"
)

// lastURLsFor is how long the URLs last refreshed for a sender's document
// are remembered: a slug changed a month later still has its old URL
// refreshed.
const lastURLsFor = 30 * 24 * time.Hour

// lastURLsKey names the URLs last refreshed for a document of a route.
func lastURLsKey(rt *webhook.Route, doc string) store.Key {
	return store.KeyOf("last-urls", rt.Path, doc)
}

// lastURLs returns the URLs last refreshed for the change's document, for
// a sender that sends no previous slug (change.Change.Document): refreshed
// with the change, so that a slug changed leaves no old URL stale. None in
// a dry run, or when the store cannot say.
func (h *Handler) lastURLs(ctx context.Context, rt *webhook.Route, ch change.Change) []string {
	if ch.Document == "" || ch.Ignored != "" || h.stage.DryRun() {
		return nil
	}
	v, ok, err := h.store.Value(ctx, lastURLsKey(rt, ch.Document))
	var urls []string
	if err != nil || !ok || json.Unmarshal([]byte(v), &urls) != nil {
		return nil
	}
	return urls
}

// once handles a change once, whatever number of deliveries carry it: a
// change is named by its route, the content's revision and the content's
// paths, so that Ghost's post.unpublished and post.deleted for one
// deletion (one body), or a sender's repeated delivery, refresh once,
// across instances, through the store. A change whose sender names no
// revision is always handled. After it is handled, the content's URLs are
// remembered for its document (lastURLs).
func (h *Handler) once(ctx context.Context, rt *webhook.Route, ch change.Change, rp refresh.RoutePlan, handle func() *events.HTTPTriggerResponse) *events.HTTPTriggerResponse {
	done := func(resp *events.HTTPTriggerResponse) bool {
		ok := resp.StatusCode == http.StatusAccepted && !h.stage.DryRun()
		if ok && ch.Document != "" && len(rp.Content) > 0 {
			b, _ := json.Marshal(rp.Content)
			if err := h.store.SetValue(store.Afterwork(ctx), lastURLsKey(rt, ch.Document), string(b), lastURLsFor); err != nil {
				h.logger(ctx).Warn("cannot remember the document's URLs; a later slug change may leave the old URL stale", "route", rt.Path, "error", err.Error())
			}
		}
		return ok
	}
	if ch.Revision == "" || h.stage.DryRun() {
		resp := handle()
		done(resp)
		return resp
	}
	content := slices.Sorted(slices.Values(rp.Content))
	key := store.KeyOf("change", ch.Revision, strings.Join(content, "\n")).String()
	scope := rt.Path + " change"
	state, err := h.store.Reserve(ctx, scope, key, h.reserveFor())
	if err != nil {
		h.logger(ctx).Warn("cannot check the change against earlier deliveries; handling it", "route", rt.Path, "error", err.Error())
	}
	reply := WebhookReply{Route: rt.Path, Kind: rt.Kind, Event: ch.Event, Status: "duplicate"}
	switch state {
	case store.Handled:
		reply.Note = "an earlier delivery of this change (the same content and revision) was refreshed"
		return response(http.StatusAccepted, reply)
	case store.InProgress:
		reply.Note = "another delivery of this change (the same content and revision) is being refreshed"
		return response(http.StatusAccepted, reply)
	}
	handled := false
	defer func() { h.store.Finish(store.Afterwork(ctx), scope, key, handled, h.seenFor) }()
	resp := handle()
	handled = done(resp)
	return resp
}

// relatedID names the related pages of a route in the backlog: one entry
// per page, whatever number of changes ask for it.
func relatedID(rt *webhook.Route) string { return "related:" + rt.Path }

// deferRelated takes the route's related pages out of the plan and leaves
// them to the planner, once for a burst of changes (Strapi sends one
// delivery per entry of a bulk publish, each with the home page and the
// sitemap), when the deployment can keep them; the plan as it is
// otherwise.
func (h *Handler) deferRelated(ctx context.Context, rt *webhook.Route, rp refresh.RoutePlan, reply *WebhookReply) *refresh.Plan {
	if len(rp.Related) == 0 || h.stage.DryRun() || !h.plannerRuns(ctx) {
		return rp.Plan
	}
	var related []string
	for _, p := range rp.Related {
		if !slices.Contains(rp.Content, p) {
			related = append(related, p)
		}
	}
	now := h.now()
	items := make([]store.Pending, len(related))
	for i, p := range related {
		items[i] = store.Pending{ID: relatedID(rt), Path: p, Changed: now, Since: now}
	}
	if err := h.store.AddPending(ctx, items); err != nil {
		h.logger(ctx).Warn("cannot leave the related pages to the planner; refreshing them now", "route", rt.Path, "error", err.Error())
		return rp.Plan
	}
	reply.Pending += len(items)
	reply.Skipped = append(reply.Skipped, "the related pages are left to the planner, which refreshes each once for a burst of changes, within minutes")
	return rp.Plan.WithoutFiles(related)
}
