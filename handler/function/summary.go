package function

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/aliyun/fc-runtime-go-sdk/fccontext"

	"vodrefresh/handler/event"
	"vodrefresh/handler/store"
	"vodrefresh/handler/submit"
	"vodrefresh/handler/vod"
)

type loggerKey struct{}

// loggerFrom returns the invocation's logger, which tags every line with
// the request ID, or fallback outside an invocation.
func loggerFrom(ctx context.Context, fallback *slog.Logger) *slog.Logger {
	if l, ok := ctx.Value(loggerKey{}).(*slog.Logger); ok {
		return l
	}
	return fallback
}

// ParseLevel reads LOG_LEVEL: debug, info (the default), warn or error.
func ParseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if s == "" {
		return slog.LevelInfo, nil
	}
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return slog.LevelInfo, fmt.Errorf("LOG_LEVEL %q: want debug, info, warn or error", s)
	}
	return l, nil
}

// maxLoggedTasks bounds the task IDs the summary line names; the result
// has them all.
const maxLoggedTasks = 100

// summary is the one line logged per invocation.
type summary struct {
	shape     string // oss, eventbridge, eventbridge-raw, http (logged as "kind")
	source    string // bucket(s) or route
	records   int
	status    int // HTTP status, for the HTTP trigger
	res       *submit.Result
	err       error
	retry     int
	requestID string
	store     *store.Report // what ran in process memory for want of the shared store
	// perInstance: no store is shared, so scarce days are planned by each
	// invocation on its own.
	perInstance bool
}

// begin tags ctx with a logger for the invocation's request ID, made from
// log; now names a local invocation that has none.
func begin(ctx context.Context, log *slog.Logger, now time.Time) (context.Context, *summary) {
	s := &summary{}
	if fc, ok := fccontext.FromContext(ctx); ok {
		s.requestID, s.retry = fc.RequestID, fc.RetryCount
	}
	if s.requestID == "" {
		s.requestID = fmt.Sprintf("local-%d", now.UnixNano())
	}
	l := log.With("requestId", s.requestID)
	if s.retry > 0 {
		l.Info("this invocation is a retry", "retryCount", s.retry)
	}
	return context.WithValue(ctx, loggerKey{}, l), s
}

// end logs the summary line of an invocation that took took.
func (s *summary) end(ctx context.Context, took time.Duration) {
	attrs := []any{
		"kind", s.shape, "source", s.source, "records", s.records,
		"durationMs", float64(took.Microseconds()) / 1000,
	}
	var submitted, planned, coalesced, failed, calls int
	tasks, taskCount := []string{}, 0
	if r := s.res; r != nil {
		submitted, planned, failed = r.PathsByStatus[submit.StatusSubmitted], r.PathsByStatus[submit.StatusPlanned], r.PathsByStatus[submit.StatusFailed]
		for _, co := range r.Coalesced {
			coalesced += max(co.Count, len(co.Paths))
		}
		for _, c := range r.Calls {
			if c.Sent || c.Attempts > 0 {
				calls += c.Attempts
			}
			if room := maxLoggedTasks - len(tasks); room > 0 {
				tasks = append(tasks, c.TaskIDs[:min(room, len(c.TaskIDs))]...)
			}
			taskCount += len(c.TaskIDs)
		}
		attrs = append(attrs, "skipped", r.SkippedCount)
		if r.Quota != nil {
			attrs = append(attrs, "quota", slog.GroupValue(
				slog.Int("urlRemain", r.Quota.URLRemain), slog.Int("dirRemain", r.Quota.DirRemain),
				slog.Int("preloadRemain", r.Quota.PreloadRemain), slog.String("source", r.Quota.Source)))
		}
		if r.Prefetch != nil {
			attrs = append(attrs, "prefetched", len(r.Prefetch.Paths))
		}
		if r.Pending > 0 {
			attrs = append(attrs, "pending", r.Pending)
		}
		if r.DeferredUntil != nil {
			attrs = append(attrs, "deferredUntil", r.DeferredUntil.UTC().Format(time.RFC3339))
		}
		if p := r.Planner; p != nil {
			attrs = append(attrs, "planner", slog.GroupValue(slog.Int("directories", p.Directories), slog.Int("covered", p.Covered),
				slog.Int("urls", p.URLs), slog.Int("waiting", p.Waiting), slog.String("note", p.Note)))
		}
		attrs = append(attrs, "dryRun", r.DryRun)
		if r.DryRun {
			attrs = append(attrs, "planned", planned)
		}
	}
	attrs = append(attrs, "submitted", submitted, "coalesced", coalesced, "failed", failed, "calls", calls, "taskIds", tasks)
	if taskCount > len(tasks) {
		attrs = append(attrs, "taskIdsOmitted", taskCount-len(tasks))
	}
	if s.status != 0 {
		attrs = append(attrs, "status", s.status)
	}
	if s.retry > 0 {
		attrs = append(attrs, "retryCount", s.retry)
	}
	if s.perInstance && s.res != nil {
		attrs = append(attrs, "scarceDays", "planned per instance: no shared store")
	}
	if why := s.store.Degraded(); why != "" {
		attrs = append(attrs, "store", why)
	}
	level := slog.LevelInfo
	if s.err != nil {
		level = slog.LevelError
		attrs = append(attrs, "error", s.err.Error())
	}
	loggerFrom(ctx, slog.New(slog.DiscardHandler)).Log(ctx, level, "invocation", attrs...)
}

// buckets names the buckets of an event's records.
func buckets(records []event.ObjectEvent) string {
	seen := map[string]bool{}
	for _, r := range records {
		seen[r.Bucket] = true
	}
	out := make([]string, 0, len(seen))
	for b := range seen {
		out = append(out, b)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

// invocationSTS returns the credentials FC passed with the invocation, if
// any.
func invocationSTS(ctx context.Context) vod.STS {
	fc, ok := fccontext.FromContext(ctx)
	if !ok {
		return vod.STS{}
	}
	c := fc.Credentials
	return vod.STS{AccessKeyID: c.AccessKeyId, AccessKeySecret: c.AccessKeySecret, SecurityToken: c.SecurityToken}
}
