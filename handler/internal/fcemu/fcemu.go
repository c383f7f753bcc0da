// Package fcemu emulates the Function Compute runtime API for tests: it
// hands invocations to a function process that long-polls
// GET /2020-11-11/runtime/invocation/next, and collects what the process
// posts to .../{id}/response or .../{id}/error. Several invocations may be
// in flight at once, as on FC. It listens on 127.0.0.1 only, and closes
// itself after a bounded lifetime.
//
// It imports no package of vodrefresh: it stands for the real runtime.
package fcemu

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const base = "/2020-11-11/runtime/invocation/"

// Options configure a Server.
type Options struct {
	// Lifetime bounds how long the server lives (default 5 minutes).
	Lifetime time.Duration
	// MaxBody bounds a posted response (default 64 MiB).
	MaxBody int64
}

// Credentials are the STS credentials passed with an invocation.
type Credentials struct {
	AccessKeyID, AccessKeySecret, SecurityToken string
}

// Invocation describes one call of the function.
type Invocation struct {
	RequestID   string        // default: generated
	Timeout     time.Duration // the function timeout (default 60s); sets the deadline
	Credentials Credentials
	RetryCount  int
	Headers     map[string]string // extra headers, or overrides
}

// ErrorBody is what the runtime posts to /error.
type ErrorBody struct {
	Message    string          `json:"errorMessage"`
	Type       string          `json:"errorType"`
	StackTrace json.RawMessage `json:"stackTrace,omitempty"`
	ShouldExit bool            `json:"shouldExit,omitempty"`
}

// Outcome is how an invocation ended.
type Outcome struct {
	RequestID string
	Response  []byte     // the body posted to /response
	Error     *ErrorBody // the body posted to /error
	Deadline  time.Time  // the deadline the invocation was given
	Answered  time.Time  // when the answer arrived
}

type pending struct {
	id       string
	event    []byte
	headers  http.Header
	deadline time.Time
	done     chan Outcome
}

// Server is a running emulator.
type Server struct {
	opts  Options
	ln    net.Listener
	srv   *http.Server
	queue chan *pending
	stop  chan struct{}
	once  sync.Once
	seq   atomic.Int64
	polls atomic.Int64

	mu        sync.Mutex
	inflight  map[string]*pending
	firstPoll time.Time
	polled    chan struct{}
	timer     *time.Timer
}

// Start starts an emulator on 127.0.0.1 and a free port.
func Start(opts Options) (*Server, error) {
	if opts.Lifetime <= 0 {
		opts.Lifetime = 5 * time.Minute
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = 64 << 20
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("fcemu: listen: %w", err)
	}
	s := &Server{opts: opts, ln: ln, queue: make(chan *pending), stop: make(chan struct{}),
		inflight: map[string]*pending{}, polled: make(chan struct{})}
	s.srv = &http.Server{Handler: http.HandlerFunc(s.serve), ReadHeaderTimeout: 10 * time.Second}
	go s.srv.Serve(ln)
	s.mu.Lock()
	s.timer = time.AfterFunc(opts.Lifetime, s.Close)
	s.mu.Unlock()
	return s, nil
}

// Addr returns "127.0.0.1:PORT", the value for FC_RUNTIME_API.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops the emulator; invocations still waiting fail.
func (s *Server) Close() {
	s.once.Do(func() {
		close(s.stop)
		s.mu.Lock()
		s.timer.Stop()
		s.mu.Unlock()
		s.srv.Close()
	})
}

// Polled is closed at the first GET next, when the process is ready.
func (s *Server) Polled() <-chan struct{} { return s.polled }

// FirstPoll returns when the first GET next arrived (zero before it).
func (s *Server) FirstPoll() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.firstPoll
}

// Polls returns how many GET next requests arrived.
func (s *Server) Polls() int64 { return s.polls.Load() }

// Invoke hands event to the function and waits for its outcome, or for ctx.
func (s *Server) Invoke(ctx context.Context, event []byte, inv Invocation) (Outcome, error) {
	if inv.RequestID == "" {
		inv.RequestID = fmt.Sprintf("emu-%d-%d", time.Now().UnixNano(), s.seq.Add(1))
	}
	if inv.Timeout <= 0 {
		inv.Timeout = 60 * time.Second
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("x-fc-request-id", inv.RequestID)
	deadline := time.UnixMilli(time.Now().Add(inv.Timeout).UnixMilli())
	h.Set("x-fc-function-deadline", strconv.FormatInt(deadline.UnixMilli(), 10))
	h.Set("x-fc-function-timeout", strconv.Itoa(int(inv.Timeout.Seconds())))
	h.Set("x-fc-function-name", "vodrefresh")
	h.Set("x-fc-function-handler", "main")
	h.Set("x-fc-function-memory", "128")
	h.Set("x-fc-region", "cn-shanghai")
	h.Set("x-fc-account-id", "123456789")
	h.Set("x-fc-retry-count", strconv.Itoa(inv.RetryCount))
	if c := inv.Credentials; c.AccessKeyID != "" {
		h.Set("x-fc-access-key-id", c.AccessKeyID)
		h.Set("x-fc-access-key-secret", c.AccessKeySecret)
		h.Set("x-fc-security-token", c.SecurityToken)
	}
	for k, v := range inv.Headers {
		h.Set(k, v)
	}
	p := &pending{id: inv.RequestID, event: event, headers: h, deadline: deadline, done: make(chan Outcome, 1)}
	s.mu.Lock()
	s.inflight[p.id] = p
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.inflight, p.id)
		s.mu.Unlock()
	}()
	select {
	case s.queue <- p:
	case <-ctx.Done():
		return Outcome{}, fmt.Errorf("fcemu: no GET next took invocation %s: %w", p.id, ctx.Err())
	case <-s.stop:
		return Outcome{}, errors.New("fcemu: closed")
	}
	select {
	case o := <-p.done:
		return o, nil
	case <-ctx.Done():
		return Outcome{}, fmt.Errorf("fcemu: invocation %s got no answer: %w", p.id, ctx.Err())
	case <-s.stop:
		return Outcome{}, errors.New("fcemu: closed")
	}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, base)
	switch {
	case !ok:
		http.NotFound(w, r)
	case rest == "next" && r.Method == http.MethodGet:
		s.next(w, r)
	case r.Method == http.MethodPost && strings.HasSuffix(rest, "/response"):
		s.finish(w, r, strings.TrimSuffix(rest, "/response"), false)
	case r.Method == http.MethodPost && strings.HasSuffix(rest, "/error"):
		s.finish(w, r, strings.TrimSuffix(rest, "/error"), true)
	default:
		http.Error(w, "not a runtime API call", http.StatusNotFound)
	}
}

// next long-polls for an invocation.
func (s *Server) next(w http.ResponseWriter, r *http.Request) {
	if s.polls.Add(1) == 1 {
		s.mu.Lock()
		s.firstPoll = time.Now()
		s.mu.Unlock()
		close(s.polled)
	}
	select {
	case p := <-s.queue:
		for k, v := range p.headers {
			w.Header()[k] = v
		}
		w.WriteHeader(http.StatusOK)
		w.Write(p.event)
	case <-r.Context().Done():
	case <-s.stop:
		http.Error(w, "closing", http.StatusServiceUnavailable)
	}
}

// finish records a posted response or error.
func (s *Server) finish(w http.ResponseWriter, r *http.Request, id string, failed bool) {
	body, err := io.ReadAll(io.LimitReader(r.Body, s.opts.MaxBody))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	p := s.inflight[id]
	s.mu.Unlock()
	if p == nil {
		http.Error(w, "unknown request id", http.StatusNotFound)
		return
	}
	o := Outcome{RequestID: id, Deadline: p.deadline, Answered: time.Now()}
	if failed {
		o.Error = &ErrorBody{}
		if err := json.Unmarshal(body, o.Error); err != nil {
			o.Error.Message = "fcemu: undecodable error body: " + string(bytes.TrimSpace(body))
		}
	} else {
		o.Response = body
	}
	select {
	case p.done <- o:
		w.WriteHeader(http.StatusOK)
	default:
		http.Error(w, "already answered", http.StatusConflict)
	}
}
