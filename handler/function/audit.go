package function

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"vodrefresh/handler/event"
	"vodrefresh/handler/refresh"
	"vodrefresh/handler/report"
	"vodrefresh/handler/store"
	"vodrefresh/handler/vod"
)

// The audit trail: every refresh call the function makes (or that failed)
// is one log line, "refresh call", with SLS-indexable fields: objectType,
// paths (the first maxAuditPaths) and pathsCount, taskIds, urlsSpent and
// dirsSpent, outcome (sent, or the error's outcome) and code, and causes:
// what asked for the paths (an OSS object as bucket/key, a queue message,
// a webhook route and delivery, the planner's backlog). It names no
// secret, signature or token: a delivery is named by a hash of what its
// verifier proved.
const (
	maxAuditPaths  = 20
	maxAuditCauses = 10
)

// causes says what asked for a plan's paths: by the event identity that
// plan.Origins lists, and what asked for the rest. For an event of objects
// it also says when each record's change was made (changed).
type causes struct {
	// byID finds each identity's record in records, or holds vodMessage
	// for a VOD notification's; a cause is named only when a line names
	// it, at most maxAuditCauses a call.
	byID     map[string]int
	records  []event.ObjectEvent
	fallback string
	retry    bool // the one refresh again of a task that failed
}

// vodMessage marks, in causes.byID, the identity of a VOD notification.
const vodMessage = -1

// objectCauses names the records and messages of an event of objects.
func objectCauses(ev *event.Event) causes {
	c := causes{byID: make(map[string]int, len(ev.Records)+len(ev.VOD)), records: ev.Records, fallback: string(ev.Shape)}
	for i, r := range ev.Records {
		if r.ID != "" {
			c.byID[r.ID] = i
		}
	}
	for _, m := range ev.VOD {
		c.byID["mns:"+m.MessageID] = vodMessage
	}
	return c
}

// changed returns when the change of the record with the identity id was
// made: zero when the record does not say, or the event holds no such
// record.
func (c causes) changed(id string) time.Time {
	if i, ok := c.byID[id]; ok && i != vodMessage {
		return c.records[i].Time
	}
	return time.Time{}
}

// name returns the cause of the identity id, and whether the event named
// it.
func (c causes) name(id string) (string, bool) {
	i, ok := c.byID[id]
	switch {
	case !ok:
		return "", false
	case i == vodMessage:
		return "vod:" + id, true
	}
	r := &c.records[i]
	return "oss:" + r.Bucket + "/" + r.Key, true
}

// deliveryCause names a webhook delivery: its route and a hash of its
// identity.
func deliveryCause(route, id string) causes {
	return causes{fallback: "webhook:" + route + " delivery " + store.KeyOf(id).String()[:16]}
}

// of returns what asked for path, at most maxAuditCauses.
func (c causes) of(plan *refresh.Plan, path string) []string {
	var out []string
	for _, id := range plan.Origins[path] {
		if len(out) == maxAuditCauses {
			break
		}
		if s, ok := c.name(id); ok {
			out = append(out, s)
		} else {
			// An identity this invocation did not decode (a change the
			// planner took from the backlog) may hold what a verifier
			// proved: it is named by a hash.
			out = append(out, "event "+store.KeyOf(id).String()[:16])
		}
	}
	if len(out) == 0 && c.fallback != "" {
		out = append(out, c.fallback)
	}
	return out
}

// audit logs one line per call, and counts what each sent call spent, by
// hour and by the kind of what asked for it, for the day's report.
func (h *Handler) audit(ctx context.Context, log *slog.Logger, plan *refresh.Plan, calls []vod.Call, c causes) {
	spent := map[string]store.Amount{} // by kind of cause, counted once for all the calls
	for _, call := range calls {
		var why []string
		seen := map[string]bool{}
		for _, p := range call.Paths {
			if len(why) == maxAuditCauses {
				break // the line names no more
			}
			for _, s := range c.of(plan, p) {
				if !seen[s] && len(why) < maxAuditCauses {
					seen[s] = true
					why = append(why, s)
				}
			}
		}
		urls, dirs := call.Spent()
		outcome, code := "sent", ""
		if call.Error != nil {
			outcome, code = string(call.Error.Outcome), call.Error.Code
		}
		level := slog.LevelInfo
		if call.Error != nil {
			level = slog.LevelWarn
		}
		if urls+dirs > 0 && len(why) > 0 {
			a := spent[causeKind(why[0])]
			spent[causeKind(why[0])] = store.Amount{URLs: a.URLs + urls, Dirs: a.Dirs + dirs}
		}
		log.Log(ctx, level, "refresh call", "objectType", call.ObjectType, "paths", call.Paths[:min(len(call.Paths), maxAuditPaths)],
			"pathsCount", len(call.Paths), "taskIds", call.TaskIDs[:min(len(call.TaskIDs), maxAuditPaths)], "urlsSpent", urls, "dirsSpent", dirs,
			"outcome", outcome, "code", code, "causes", why)
	}
	for kind, a := range spent {
		if err := report.Spent(store.Deferrable(ctx), h.store, h.now(), kind, a.URLs, a.Dirs); err != nil {
			log.Warn("cannot count the quota spent for the report", "error", err.Error())
		}
	}
}

// causeKind is what a cause counts under in the day's report: its kind,
// and its bucket or route ("oss:media-bucket", "webhook:/hooks/blog",
// "vod", "planner", "retry").
func causeKind(cause string) string {
	switch {
	case strings.HasPrefix(cause, "oss:"):
		bucket, _, _ := strings.Cut(strings.TrimPrefix(cause, "oss:"), "/")
		return "oss:" + bucket
	case strings.HasPrefix(cause, "webhook:"):
		route, _, _ := strings.Cut(cause, " ")
		return route
	case strings.HasPrefix(cause, "vod:"):
		return "vod"
	case strings.HasPrefix(cause, "retry "):
		return "retry"
	}
	return "planner"
}
