// Package handler is the vodrefresh function: it turns OSS object events into
// ApsaraVideo VOD CDN refreshes.
package handler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
)

// Options wire a Handler to the outside world.
type Options struct {
	// Connector makes VOD clients; nil means every invocation is a dry run.
	Connector *Connector
	// DryRun plans the calls and sends nothing.
	DryRun bool
	// Getenv reads the environment (os.Getenv in production).
	Getenv func(string) string
	// Logger receives operational logs; nil discards them.
	Logger *slog.Logger
}

// Handler is the function. It is safe for concurrent invocations.
type Handler struct {
	cfg  *Config
	opts Options
	log  *slog.Logger
}

// New returns a Handler for a validated configuration.
func New(cfg *Config, opts Options) *Handler {
	if opts.Getenv == nil {
		opts.Getenv = func(string) string { return "" }
	}
	if opts.Connector == nil {
		opts.DryRun = true
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Handler{cfg: cfg, opts: opts, log: log}
}

// Invoke handles one raw event and returns the JSON result that FC passes
// back to the caller. It implements the FC runtime's Handler interface.
func (h *Handler) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	res, err := h.Handle(ctx, payload)
	if err != nil {
		return nil, err
	}
	return json.Marshal(res)
}

// Handle handles one raw event and returns its result.
func (h *Handler) Handle(ctx context.Context, payload []byte) (*Result, error) {
	shape, records, err := ParseOSSEvent(payload)
	if err != nil {
		return nil, err
	}
	if shape == ShapeHTTP {
		return nil, fmt.Errorf("%w: an HTTP trigger event, but no webhook routes are configured", ErrUnknownEvent)
	}
	plan, err := h.cfg.PlanOSS(records)
	if err != nil {
		return nil, err
	}
	res := &Result{DryRun: h.opts.DryRun, Shape: shape, Records: len(records), Skipped: plan.Skipped, Calls: []Call{}}
	batches := h.cfg.Batches(plan)
	if h.opts.DryRun {
		for _, b := range batches {
			res.Calls = append(res.Calls, Call{ObjectType: b.ObjectType, Paths: b.Paths})
		}
		return res, nil
	}
	if len(batches) == 0 {
		return res, nil
	}
	client, err := h.connect(ctx)
	if err != nil {
		return nil, err
	}
	for i, b := range batches {
		reply, err := client.Refresh(ctx, b.ObjectType, b.Paths)
		if err != nil {
			return nil, &SubmitError{Index: i + 1, Of: len(batches), Batch: b, Done: res.Calls, Err: err}
		}
		res.Calls = append(res.Calls, Call{ObjectType: b.ObjectType, Paths: b.Paths, Sent: true, TaskIDs: reply.TaskIDs, RequestID: reply.RequestID})
	}
	return res, nil
}

func (h *Handler) connect(ctx context.Context) (*VOD, error) {
	creds, err := ResolveCredentials(ctx, h.opts.Getenv)
	if err != nil {
		return nil, err
	}
	return h.opts.Connector.Connect(creds.Provider, creds.Secrets...)
}

// SubmitError is a refresh call that failed; the calls before it went through.
type SubmitError struct {
	Index, Of int   // which call failed (from 1), of how many
	Batch     Batch // what it carried
	Done      []Call
	Err       error
}

func (e *SubmitError) Error() string {
	msg := fmt.Sprintf("refresh call %d of %d (%s, %d paths) failed: %v", e.Index, e.Of, e.Batch.ObjectType, len(e.Batch.Paths), e.Err)
	if len(e.Done) > 0 {
		var tasks []string
		for _, c := range e.Done {
			tasks = append(tasks, c.TaskIDs...)
		}
		msg += fmt.Sprintf("; %d earlier calls went through (tasks %v)", len(e.Done), tasks)
	}
	return msg + "; the rest were not sent"
}

func (e *SubmitError) Unwrap() error { return e.Err }

// AsAPIError returns the *APIError in err's chain, if any.
func AsAPIError(err error) (*APIError, bool) {
	var ae *APIError
	ok := errors.As(err, &ae)
	return ae, ok
}
