package refresh

import (
	"context"
	"errors"
	"fmt"

	"vodrefresh/handler/config"
	"vodrefresh/handler/event"
	"vodrefresh/handler/webhook"
)

// VODRoute returns the configuration's first vod webhook route, which
// plans the VOD events that arrive without a request (an MNS queue, the
// purge command), or nil when there is none.
func (pl *Planner) VODRoute() *config.WebhookRoute {
	for i := range pl.cfg.Webhooks {
		if w := &pl.cfg.Webhooks[i]; w.Kind == "vod" {
			return w
		}
	}
	return nil
}

// PlanQueueContext plans a queue's batch: its OSS records, as
// PlanOSSContext does, then the VOD event notifications its messages
// carried, each read as the vod webhook kind reads a callback and planned
// on the configuration's vod route. Each message is its own event for the
// retry memory ("mns:" and its message ID), so that a redelivered batch
// submits none of its paths twice. A message that cannot be read, or
// names anything but VOD IDs and paths of VOD's layout, is skipped with
// the reason, and refreshes nothing.
func (pl *Planner) PlanQueueContext(ctx context.Context, records []event.ObjectEvent, messages []event.VODMessage, memory Memory) (*Plan, error) {
	p, err := pl.PlanOSSContext(ctx, records, memory)
	if err != nil || len(messages) == 0 {
		return p, err
	}
	w := pl.VODRoute()
	p.memory = memory
	defer func() { p.cur, p.memory = event.ObjectEvent{}, nil }()
	for i, m := range messages {
		p.cur = event.ObjectEvent{Index: len(records) + i, EventName: "vod", ID: "mns:" + m.MessageID, Message: m.MessageID}
		if w == nil {
			p.Skipped.Add(recordSkip(p.cur, "", "a VOD event, and the configuration has no vod webhook route to plan it"))
			continue
		}
		ch, err := webhook.Parse(w.Kind, &webhook.Request{Body: m.Body}, webhook.Proof{}, w.PathLimit())
		if err != nil {
			var bad *webhook.BadPayload
			if errors.As(err, &bad) && len(bad.Problems) > 0 {
				err = fmt.Errorf("%s", bad.Problems[0])
			}
			p.Skipped.Add(recordSkip(p.cur, "", "VOD event refused: "+err.Error()))
			continue
		}
		p.cur.EventName = ch.Event
		pl.mergeChange(p, w, ch)
	}
	return p, nil
}

// mergeChange adds the paths that change ch plans on route w to p, for the
// record p is planning; what it refuses or ignores is skipped with the
// reason.
func (pl *Planner) mergeChange(p *Plan, w *config.WebhookRoute, ch webhook.Change) {
	rp := pl.PlanChange(w, ch)
	switch {
	case ch.Ignored != "":
		p.Skipped.Add(recordSkip(p.cur, "", ch.Ignored))
		return
	case len(rp.Outside) > 0:
		p.Skipped.Add(recordSkip(p.cur, "", "paths outside the allowlisted domains: "+rp.Outside[0]))
		return
	case rp.Size() == 0:
		p.Skipped.Add(recordSkip(p.cur, "", rp.Note))
		return
	}
	for _, f := range rp.Files {
		p.add(config.TypeFile, f)
	}
	for _, d := range rp.Directories {
		p.add(config.TypeDirectory, d)
	}
	for _, m := range rp.Media {
		p.addMedia(m)
	}
	p.Wait = p.Wait || rp.Wait
}
