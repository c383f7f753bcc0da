package cli

import (
	"context"
	"log/slog"

	"vodrefresh/handler/event"
)

// cliLog is the JSON log the command line writes on stderr, which differs
// from the function's on FC in two ways. The summary line of a failed
// invocation ("invocation", at ERROR) carries no error: the command says
// it once, in plain text. And when only one route is in use (invoke on an
// HTTP trigger event hits one route; an OSS event hits none), what the
// function logs about the other routes as it sets up (a secret that holds
// white space, a route out of service) is left out, so that a sample run
// warns about its own route alone, once.
type cliLog struct {
	slog.Handler
	oneRoute bool   // only route is in use
	route    string // the route in use; "" for none
}

// Handle writes r, less what the command line leaves out.
func (h *cliLog) Handle(ctx context.Context, r slog.Record) error {
	if h.oneRoute || (r.Message == "invocation" && r.Level >= slog.LevelError) {
		keep, attrs := true, make([]slog.Attr, 0, r.NumAttrs())
		r.Attrs(func(a slog.Attr) bool {
			switch {
			case h.oneRoute && a.Key == "route" && a.Value.String() != h.route:
				keep = false
			case r.Message == "invocation" && a.Key == "error":
			default:
				attrs = append(attrs, a)
			}
			return true
		})
		if !keep {
			return nil
		}
		r = slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
		r.AddAttrs(attrs...)
	}
	return h.Handler.Handle(ctx, r)
}

// WithAttrs keeps the filter on a logger made with attributes.
func (h *cliLog) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &cliLog{Handler: h.Handler.WithAttrs(attrs), oneRoute: h.oneRoute, route: h.route}
}

// WithGroup keeps the filter on a logger made with a group.
func (h *cliLog) WithGroup(name string) slog.Handler {
	return &cliLog{Handler: h.Handler.WithGroup(name), oneRoute: h.oneRoute, route: h.route}
}

// targetRoute is the path of the route an event hits: the request's path
// for an HTTP trigger event, "" for any other event.
func targetRoute(payload []byte) string {
	ev, err := event.Detect(payload, event.Options{MaxBody: 1}) // the body is not needed
	if err != nil || ev.HTTP == nil {
		return ""
	}
	return ev.HTTP.Path
}
