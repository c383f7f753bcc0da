// Package function is the vodrefresh function, built from its settings:
// New (or FromEnv) compiles the configuration once, and Invoke runs each
// event through one pipeline that goes one way, each step handed a value
// by the one before:
//
//	decode:  event (and webhook, for a request or a VOD message) -> changes
//	recall:  history -> what earlier attempts already did, read once
//	plan:    refresh.Plan, pure
//	reserve: ledger -> the room left, held across instances
//	fit:     refresh.Fit, pure: directories, fallbacks, batches
//	send:    submit -> vod, the only step that refreshes
//
// then maps the outcome to the answer FC expects (a Result, or the HTTP
// trigger's response), with one summary log line. The FC entry (package
// handler) and the command line (cli) call the same Invoke.
//
// It imports every step's package; nothing imports it but the entry
// packages.
package function

import (
	"context"
	"log/slog"
	"maps"
	"slices"
	"time"

	"vodrefresh/handler/config"
	"vodrefresh/handler/history"
	"vodrefresh/handler/ledger"
	"vodrefresh/handler/notify"
	"vodrefresh/handler/refresh"
	"vodrefresh/handler/store"
	"vodrefresh/handler/submit"
	"vodrefresh/handler/vod"
	"vodrefresh/handler/webhook"
)

// Options wire a Handler to the outside world.
type Options struct {
	// Connector makes each invocation's VOD client (a *vod.Connector in
	// production); nil means every invocation is a dry run.
	Connector vod.Dialer
	// DryRun plans the calls and sends nothing.
	DryRun bool
	// Getenv reads the environment (os.Getenv in production).
	Getenv func(string) string
	// Logger receives operational logs; nil discards them.
	Logger *slog.Logger
	// Backoff is the retry policy of each call; zero is vod's default.
	Backoff vod.Backoff
	// ReplayWindow, when set, overrides every webhook route's replay window
	// (for running saved samples locally).
	ReplayWindow time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Store keeps what must outlive an invocation and be shared by the
	// deployment's instances (store.Open); nil means an in-process store
	// of this Handler's own, and scarce days planned by each invocation on
	// its own, as on any day.
	Store store.Store
}

// Handler is the function, built from its settings. It is safe for
// concurrent invocations.
type Handler struct {
	planner *refresh.Planner
	cfg     *config.Config
	opts    Options
	log     *slog.Logger
	routes  map[string]*webhook.Route // by path
	store   store.Store
	seenFor time.Duration // how long a handled delivery is remembered
	history *history.History
	ledger  *ledger.Ledger
	stage   *submit.Stage
	// planDays: the instances share a store, so that scarce days are
	// planned for the deployment (package backlog).
	planDays bool
	sinks    []*notify.Sink // where the planner's notices go
	evicted  evictionWatch  // the store's evictions, looked at once a minute
}

// New returns a Handler for a validated configuration. It compiles the
// rules and reads the webhook routes' secrets through opts.Getenv; a route
// whose secret is missing is out of service (it answers 503), and only it.
func New(cfg *config.Config, opts Options) (*Handler, error) {
	if opts.Getenv == nil {
		opts.Getenv = func(string) string { return "" }
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	planDays := opts.Store != nil
	if opts.Store == nil { // the dedupe and the submit stage share it
		opts.Store = store.NewMemory(store.MemoryOptions{})
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	planner, err := refresh.Compile(cfg)
	if err != nil {
		return nil, err
	}
	routes := buildRoutes(cfg, opts.Getenv, log, opts.ReplayWindow)
	seenFor := dedupeWindow(cfg, opts.ReplayWindow)
	l := ledger.New(opts.Store)
	// A signature carries the wall clock's time, which the services check.
	sinks, problems := notify.New(cfg.Notify, opts.Getenv, time.Now)
	for _, p := range problems {
		log.Error("notice sink out of service", "problem", p)
	}
	return &Handler{planner: planner, cfg: cfg, opts: opts, log: log, routes: routes,
		store: opts.Store, seenFor: seenFor, history: history.New(opts.Store, opts.Now), ledger: l, planDays: planDays, sinks: sinks,
		stage: submit.New(submit.Options{Dialer: opts.Connector, DryRun: opts.DryRun, Backoff: opts.Backoff,
			QuotaTTL: cfg.Quota.TTL(), Now: opts.Now, Ledger: l})}, nil
}

// Routes returns the paths of the webhook routes the HTTP trigger serves,
// sorted.
func (h *Handler) Routes() []string {
	return slices.Sorted(maps.Keys(h.routes))
}

// dedupeWindow is how long a delivery is remembered: http.dedupeWindow, or
// twice the longest replay window when that is longer. A signed timestamp
// is accepted from one window before now to one window after, so a
// signature stays valid for two windows, and a replay of it must be
// recognised for as long.
func dedupeWindow(cfg *config.Config, override time.Duration) time.Duration {
	w := cfg.HTTP.Dedupe()
	for i := range cfg.Webhooks {
		replay := cfg.Webhooks[i].Window()
		if override != 0 {
			replay = override
		}
		w = max(w, 2*replay)
	}
	return w
}

// reserveFor is how long a delivery in progress is held against its
// copies: the answer's time budget and a margin, after which a delivery
// whose invocation died is handled again.
func (h *Handler) reserveFor() time.Duration { return 2*h.cfg.HTTP.AnswerTimeout() + 30*time.Second }

// MaxBodyBytes returns the largest HTTP request body the function accepts
// (http.maxBodyBytes).
func (h *Handler) MaxBodyBytes() int { return h.cfg.HTTP.MaxBody() }

func (h *Handler) now() time.Time { return h.opts.Now() }

// logger returns the invocation's logger.
func (h *Handler) logger(ctx context.Context) *slog.Logger { return loggerFrom(ctx, h.log) }
