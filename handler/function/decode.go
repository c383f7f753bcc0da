package function

import (
	"errors"
	"fmt"

	"vodrefresh/handler/config"
	"vodrefresh/handler/event"
	"vodrefresh/handler/refresh"
	"vodrefresh/handler/webhook"
)

// decode is the pipeline's first step for an event of objects: its OSS
// records as they are, and each VOD event notification its messages
// carried, read as the vod webhook kind reads a callback, to be planned
// on the configuration's vod route w. Each message is its own event for
// what the deployment remembers ("mns:" and its message ID). A message
// that cannot be read, or names anything but VOD IDs and paths of VOD's
// layout, is refused with the reason, and refreshes nothing. (When each
// record's change was made is causes.changed.)
func decode(ev *event.Event, w *config.WebhookRoute) (in refresh.Input) {
	in = refresh.Input{Records: ev.Records}
	if len(ev.VOD) > 0 {
		in.Changes = make([]refresh.Reported, len(ev.VOD))
	}
	for i, m := range ev.VOD {
		r := refresh.Reported{ID: "mns:" + m.MessageID, Message: m.MessageID, Route: w}
		if w == nil {
			r.Refused = "a VOD event, and the configuration has no vod webhook route to plan it"
		} else if ch, err := webhook.Parse(w.Kind, &webhook.Request{Body: m.Body}, webhook.Proof{}, w.PathLimit()); err != nil {
			var bad *webhook.BadPayload
			if errors.As(err, &bad) && len(bad.Problems) > 0 {
				err = fmt.Errorf("%s", bad.Problems[0])
			}
			r.Refused = "VOD event refused: " + err.Error()
		} else {
			r.Change = ch
		}
		in.Changes[i] = r
	}
	// The messages refused for good (too long, not UTF-8, a destination
	// record nested in another) are reported as skipped, each with the
	// reason; they do not fail the invocation, since no retry reads them.
	for _, rj := range ev.Rejected {
		if rj.Refused {
			in.Changes = append(in.Changes, refresh.Reported{ID: "mns:" + rj.MessageID, Message: rj.MessageID, Event: "mns", Refused: rj.Err.Error()})
		}
	}
	return in
}
