package function

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"vodrefresh/handler/config"
	"vodrefresh/handler/event"
	"vodrefresh/handler/store"
	"vodrefresh/handler/vod"
)

// EnvStoreURL names the store that the deployment's instances share:
// redis://[user:password@]host:port/db, or rediss:// for TLS. Unset, each
// instance keeps its state in its own memory.
const EnvStoreURL = "REFRESH_STORE_URL"

// FromEnv builds the Handler from the environment: the configuration
// (REFRESH_CONFIG_FILE or REFRESH_CONFIG), the endpoint (VOD_ENDPOINT),
// the shared store (REFRESH_STORE_URL) and the webhook secrets. opts.DryRun makes a handler that sends nothing and
// reads nothing: it gets no VOD connector, whatever credentials the
// environment holds. When OSS_TRIGGER_BUCKET names the OSS trigger's bucket
// (s.yaml sets it), each rule whose keys the trigger's filter leaves out is
// logged as a warning, and so is each of the configuration's Warnings.
func FromEnv(getenv func(string) string, opts Options) (*Handler, error) {
	// The connector is made first: it loads the CA roots for its HTTPS
	// calls while the configuration is read.
	ep, eperr := vod.ParseEndpoint(getenv(vod.EnvEndpoint))
	if eperr == nil && !opts.DryRun {
		opts.Connector = vod.NewConnector(ep, getenv)
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return nil, err
	}
	if eperr != nil {
		return nil, eperr
	}
	if f, ok := config.TriggerFromEnv(getenv); ok && opts.Logger != nil {
		for _, p := range cfg.Uncovered(f) {
			opts.Logger.Warn("the OSS trigger does not deliver every key the rules cover", "trigger", f.String(), "problem", p)
		}
	}
	if opts.Logger != nil {
		for _, w := range cfg.Warnings() {
			opts.Logger.Warn("the configuration is valid, but probably not what was meant", "warning", w)
		}
	}
	opts.Getenv = getenv
	if !opts.DryRun {
		// A dry run keeps its state to itself: it neither reads nor marks
		// what the deployment's instances share.
		log := opts.Logger
		if log == nil {
			log = slog.New(slog.DiscardHandler)
		}
		if url := getenv(EnvStoreURL); url != "" {
			if opts.Store, err = store.Open(url, log); err != nil {
				return nil, fmt.Errorf("%s: %w", EnvStoreURL, err)
			}
		}
	}
	return New(cfg, opts)
}

// Broken is the function when its set-up failed: every OSS invocation fails
// with the set-up error, so that events are retried and dead-lettered, not
// lost; every HTTP request is answered 503, so that its sender retries
// too. The answer says no more than that: a sender may be anyone, and the
// set-up error, which names settings (never a secret's value), is in the
// function's log and in every OSS invocation's error.
type Broken struct{ Err error }

// notConfigured is what a request to a function whose set-up failed is
// answered.
const notConfigured = "vodrefresh is not configured; the function's log says why"

// Invoke returns the set-up error, or for an HTTP trigger event a 503.
func (b Broken) Invoke(_ context.Context, payload []byte) (Answer, error) {
	// The body is not needed: a cap of one byte leaves it unread.
	if ev, derr := event.Detect(payload, event.Options{MaxBody: 1}); derr == nil && ev.Shape == event.ShapeHTTP {
		return (*HTTPResponse)(fail(http.StatusServiceUnavailable, notConfigured, "Retry-After", "60")), nil
	}
	return nil, fmt.Errorf("vodrefresh is not configured: %w", b.Err)
}
