package refresh

import (
	"cmp"
	"context"

	"vodrefresh/handler/change"
	"vodrefresh/handler/config"
	"vodrefresh/handler/event"
)

// Input is what one event asks to refresh, decoded: the OSS records it
// carries, then the changes reported without a request of their own (VOD's
// event notifications in a queue's batch), each with the route that plans
// it. Planning does not know who sent them.
type Input struct {
	Records []event.ObjectEvent
	Changes []Reported
}

// Reported is one change that arrived as a message, decoded.
type Reported struct {
	// ID names the change's event for what the deployment remembers (see
	// Question): "mns:" and the message ID, so that a redelivered batch
	// submits none of its paths twice. Message is the message's ID.
	ID, Message string
	// Route plans the change; nil when the configuration has none.
	Route  *config.WebhookRoute
	Change change.Change
	// Refused, when set, is why nothing is planned for the message: it
	// could not be read, or no route plans it.
	Refused string
	// Event names the change's kind in a skip: "vod" when empty.
	Event string
}

// Plan maps an event's input to refresh paths: its OSS records through the
// configured rules, then its reported changes, each on its route as
// PlanChange plans a webhook's. A record that no rule covers is skipped
// with a reason, and so is a path that seen says needs no refresh. With
// seen nil, the plan lists in Asked the questions whose answers the caller
// reads (Seen) before planning again.
//
// Once ctx is done it stops within checkEvery records (see clock), with
// the plan so far and an error that wraps ctx's (context.DeadlineExceeded
// when its deadline passed) and names the stage: that plan is not to be
// submitted.
func (pl *Planner) Plan(ctx context.Context, in Input, seen Seen) (*Plan, error) {
	return pl.plan(ctx, &clock{}, in, seen)
}

// plan is Plan on clock c (nil: it never stops).
func (pl *Planner) plan(ctx context.Context, c *clock, in Input, seen Seen) (*Plan, error) {
	// Most records make one file path: room for that many is made with
	// the first.
	p := &Plan{seen: seen, hint: len(in.Records)}
	defer func() {
		p.cur, p.seen = event.ObjectEvent{}, nil
		if c != nil {
			p.ticks = c.n
		}
	}()
	if err := pl.planOSS(ctx, c, p, in.Records); err != nil {
		return p, err
	}
	for i, r := range in.Changes {
		p.cur = event.ObjectEvent{Index: len(in.Records) + i, EventName: cmp.Or(r.Event, "vod"), ID: r.ID, Message: r.Message}
		if r.Refused != "" {
			p.Skipped.Add(recordSkip(p.cur, "", r.Refused))
			continue
		}
		p.cur.EventName = r.Change.Event
		pl.mergeChange(p, r.Route, r.Change)
	}
	return p, nil
}

// mergeChange adds the paths that change ch plans on route w to p, for the
// record p is planning; what it refuses or ignores is skipped with the
// reason.
func (pl *Planner) mergeChange(p *Plan, w *config.WebhookRoute, ch change.Change) {
	rp := pl.PlanChange(w, ch)
	switch {
	case ch.Ignored != "":
		p.Skipped.Add(recordSkip(p.cur, "", ch.Ignored))
		return
	case len(rp.Outside) > 0:
		p.Skipped.Add(recordSkip(p.cur, "", "paths outside the allowlisted domains: "+rp.Outside[0]))
		return
	case len(rp.TooLong) > 0:
		p.Skipped.Add(recordSkip(p.cur, "", "refused for good: a path longer than one refresh call carries: "+rp.TooLong[0]))
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
