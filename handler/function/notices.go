package function

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"vodrefresh/handler/backlog"
	"vodrefresh/handler/ledger"
	"vodrefresh/handler/notify"
	"vodrefresh/handler/report"
	"vodrefresh/handler/store"
	"vodrefresh/handler/vod"
)

// The planner's timer is where notices are sent from: never from an
// invocation that refreshes, so that a sink that hangs or fails delays no
// refresh. A quota notice and a deferred notice are sent once a quota day,
// whatever number of instances and runs see the same, through the store.

// notifiedFor is how long a once-a-day notice is remembered as sent.
const notifiedFor = 26 * time.Hour

// onceADay sends n unless a notice of its event was sent this quota day.
func (h *Handler) onceADay(ctx context.Context, n notify.Notice, log *slog.Logger) {
	key := store.KeyOf("notified", n.Event, ledger.Day(n.At))
	if _, sent, err := h.store.Value(ctx, key); err != nil || sent {
		return
	}
	if notify.Send(ctx, h.sinks, n, log) > 0 {
		if err := h.store.SetValue(store.Afterwork(ctx), key, n.At.UTC().Format(time.RFC3339), notifiedFor); err != nil {
			log.Warn("cannot remember that a notice was sent; it may be sent again", "event", n.Event, "error", err.Error())
		}
	}
}

// notifyTasks tells the sinks of the tasks that ended: those that
// completed (a sink asks for it: completed is off by default), and those
// that failed, refreshed again once or failed for good.
func (h *Handler) notifyTasks(ctx context.Context, f followed, log *slog.Logger) {
	if len(h.sinks) == 0 || h.stage.DryRun() {
		return
	}
	if done := h.askedCompleted(f.completed); len(done) > 0 {
		var lines []string
		for _, t := range done[:min(len(done), maxAuditCauses)] {
			lines = append(lines, fmt.Sprintf("- task %s (%s, %s): %s", t.TaskID, t.ObjectType, t.Cause, strings.Join(firstPaths(t.Paths), " ")))
		}
		notify.Send(ctx, h.sinks, notify.Notice{Event: "completed", At: h.now(), Title: fmt.Sprintf("%d refresh tasks completed", len(done)),
			Text: strings.Join(lines, "\n"), Data: map[string]any{"completed": len(done)}}, log)
	}
	if len(f.retried)+len(f.failed) == 0 {
		return
	}
	var lines []string
	for _, t := range f.retried {
		lines = append(lines, fmt.Sprintf("- task %s (%s, %s): failed, refreshed again once: %s", t.TaskID, t.ObjectType, t.Cause, strings.Join(firstPaths(t.Paths), " ")))
	}
	for _, t := range f.failed {
		lines = append(lines, fmt.Sprintf("- task %s (%s, %s): failed again, for good: %s", t.TaskID, t.ObjectType, t.Cause, strings.Join(firstPaths(t.Paths), " ")))
	}
	notify.Send(ctx, h.sinks, notify.Notice{Event: "failed", At: h.now(),
		Title: fmt.Sprintf("%d refresh tasks failed", len(f.retried)+len(f.failed)), Text: strings.Join(lines, "\n"),
		Data: map[string]any{"retried": len(f.retried), "failedForGood": len(f.failed)}}, log)
}

// notifyDay tells the sinks, once a quota day, that the quota fell under
// the threshold, and that changes wait for the reset.
func (h *Handler) notifyDay(ctx context.Context, d backlog.Decision, waiting int, log *slog.Logger) {
	if len(h.sinks) == 0 || h.stage.DryRun() {
		return // a dry run sends nothing, notices included
	}
	now := h.now()
	if l, err := h.store.Ledger(ctx); err == nil && l.Have {
		a, below := l.Available(), h.cfg.Notify.Below()
		if a.URLs*100 < below*vod.DailyURLQuota || a.Dirs*100 < below*vod.DailyDirQuota {
			h.onceADay(ctx, notify.Notice{Event: "quota", At: now, Title: "the refresh quota is running out",
				Text: fmt.Sprintf("%d URLs and %d directories left today (under %d%%); the quota resets at %s", a.URLs, a.Dirs, below, ledger.Reset(now).UTC().Format(time.RFC3339)),
				Data: map[string]any{"urlRemain": a.URLs, "dirRemain": a.Dirs}}, log)
		}
	}
	if wantsSummary(h.sinks) {
		yesterday := ledger.Day(now.Add(-24 * time.Hour))
		if y, err := report.Counted(ctx, h.store, yesterday); err == nil && y.Spent.URLs+y.Spent.Dirs > 0 {
			var top []string
			for _, s := range y.Top {
				top = append(top, fmt.Sprintf("%s: %d URLs, %d directories", s.Cause, s.URLs, s.Dirs))
			}
			h.onceADay(ctx, notify.Notice{Event: "summary", At: now, Title: "the quota day " + yesterday,
				Text: fmt.Sprintf("%d URLs and %d directories spent; tasks: %d done, %d refreshed again, %d failed\n%s",
					y.Spent.URLs, y.Spent.Dirs, y.Tasks.Done, y.Tasks.Retried, y.Tasks.Failed, strings.Join(top, "\n")),
				Data: map[string]any{"day": yesterday, "urls": y.Spent.URLs, "dirs": y.Spent.Dirs}}, log)
		}
	}
	if !d.Until.IsZero() && waiting > 0 {
		h.onceADay(ctx, notify.Notice{Event: "deferred", At: now, Title: "changes wait for the quota reset",
			Text: fmt.Sprintf("%d changes wait for the reset at %s; they are refreshed then, first", waiting, d.Until.UTC().Format(time.RFC3339)),
			Data: map[string]any{"pending": waiting, "until": d.Until}}, log)
	}
}

// wantsSummary reports whether any sink asks for the day's summary.
func wantsSummary(sinks []*notify.Sink) bool {
	for _, s := range sinks {
		if s.Wants("summary") {
			return true
		}
	}
	return false
}

// askedCompleted returns the tasks that ended well for a rule or route
// that asks to be told (notifyCompleted): an OSS rule whose bucket and
// prefix hold the object the task's cause names, or the webhook route it
// names.
func (h *Handler) askedCompleted(done []store.Tracked) []store.Tracked {
	var out []store.Tracked
	for _, t := range done {
		if h.asksCompleted(t.Cause) {
			out = append(out, t)
		}
	}
	return out
}

func (h *Handler) asksCompleted(cause string) bool {
	switch {
	case strings.HasPrefix(cause, "oss:"):
		bucket, key, _ := strings.Cut(strings.TrimPrefix(cause, "oss:"), "/")
		for _, r := range h.cfg.OSS {
			if r.NotifyCompleted && r.Bucket == bucket && strings.HasPrefix(key, r.Prefix) && strings.HasSuffix(key, r.Suffix) {
				return true
			}
		}
	case strings.HasPrefix(cause, "webhook:"):
		route, _, _ := strings.Cut(strings.TrimPrefix(cause, "webhook:"), " ")
		for _, w := range h.cfg.Webhooks {
			if w.NotifyCompleted && w.Path == route {
				return true
			}
		}
	}
	return false
}
