package cli

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os/signal"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/aliyun/fc-runtime-go-sdk/events"

	"vodrefresh/handler/function"
)

// invoker is the function, as the local server calls it: its answer
// JSON-encoded, as FC's runtime passes it on.
type invoker interface {
	Invoke(ctx context.Context, payload []byte) ([]byte, error)
}

// encoded is a function whose answer is JSON-encoded, as FC's runtime
// encodes it.
type encoded struct {
	fn interface {
		Invoke(context.Context, []byte) (function.Answer, error)
	}
}

// Invoke runs the function and encodes its answer.
func (e encoded) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	a, err := e.fn.Invoke(ctx, payload)
	if err != nil {
		return nil, err
	}
	return json.Marshal(a)
}

// triggerServer turns real HTTP requests into FC3 HTTP trigger events and
// answers with what the function returns, as FC's HTTP trigger does.
type triggerServer struct {
	fn      invoker
	routes  []string // the function's webhook routes, for 404 answers
	timeout time.Duration
	maxBody int64 // the function's http.maxBodyBytes
	n       atomic.Int64
	log     *slog.Logger
}

func (s *triggerServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := s.readBody(w, r)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		reply, _ := json.Marshal(function.WebhookReply{Status: "error", Error: fmt.Sprintf("the body is larger than %d bytes", s.maxBody)})
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusRequestEntityTooLarge)
		w.Write(reply)
		return
	case err != nil:
		http.Error(w, "reading the body: "+err.Error(), http.StatusBadRequest)
		return
	}
	event, err := triggerEvent(r, body, s.n.Add(1))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.timeout)
	defer cancel()
	out, err := s.fn.Invoke(ctx, event)
	if err != nil {
		s.log.Error("invocation failed", "error", err.Error())
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	var resp events.HTTPTriggerResponse
	if err := json.Unmarshal(out, &resp); err != nil || resp.StatusCode == 0 {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		w.Write(out)
		return
	}
	for k, v := range resp.Headers {
		w.Header().Set(k, v)
	}
	b := []byte(resp.Body)
	if resp.IsBase64Encoded {
		if b, err = base64.StdEncoding.DecodeString(resp.Body); err != nil {
			http.Error(w, "the function's body is not base64", http.StatusBadGateway)
			return
		}
	}
	if resp.StatusCode == http.StatusNotFound {
		b = withRoutes(b, s.routes)
	}
	w.WriteHeader(resp.StatusCode)
	w.Write(b)
	s.log.Info("request", "method", r.Method, "path", r.URL.Path, "status", resp.StatusCode)
}

// readBody reads the request body, and stops at the function's limit
// (http.maxBodyBytes) whatever Content-Length claims: a larger body is an
// *http.MaxBytesError, before more than the limit is read.
func (s *triggerServer) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.ContentLength > s.maxBody {
		return nil, &http.MaxBytesError{Limit: s.maxBody}
	}
	return io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxBody))
}

// triggerEvent builds the FC3 HTTP trigger event for a request. Multi-value
// headers are joined with commas, as FC does; a body that is not UTF-8 text
// is sent base64-encoded.
func triggerEvent(r *http.Request, body []byte, n int64) ([]byte, error) {
	headers := make(map[string]string, len(r.Header))
	for k, v := range r.Header {
		headers[k] = strings.Join(v, ",")
	}
	query := make(map[string]string)
	for k, v := range r.URL.Query() {
		query[k] = strings.Join(v, ",")
	}
	now := time.Now()
	id := fmt.Sprintf("local-%d-%d", now.UnixNano(), n)
	ev := map[string]any{
		"version":         "v1",
		"rawPath":         r.URL.Path,
		"headers":         headers,
		"queryParameters": query,
		"body":            string(body),
		"isBase64Encoded": false,
		"requestContext": map[string]any{
			"requestId":  id,
			"domainName": r.Host,
			"time":       now.UTC().Format(time.RFC3339),
			"timeEpoch":  strconv.FormatInt(now.UnixMilli(), 10),
			"http": map[string]string{
				"method":    r.Method,
				"path":      r.URL.Path,
				"protocol":  r.Proto,
				"sourceIp":  remoteIP(r.RemoteAddr),
				"userAgent": r.UserAgent(),
			},
		},
	}
	if !utf8.Valid(body) {
		ev["body"] = base64.StdEncoding.EncodeToString(body)
		ev["isBase64Encoded"] = true
	}
	return json.Marshal(ev)
}

func remoteIP(addr string) string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	return host
}

// announce says where the server listens and which routes it serves.
func announce(w io.Writer, base string, routes []string) {
	fmt.Fprintf(w, "vodrefresh: serving the HTTP trigger on %s\n", base)
	if len(routes) == 0 {
		fmt.Fprintln(w, "vodrefresh: the configuration has no webhook routes: every request is answered 404")
		return
	}
	fmt.Fprintln(w, "vodrefresh: routes (POST):")
	for _, r := range routes {
		fmt.Fprintf(w, "  %s%s\n", base, r)
	}
}

// withRoutes adds the served routes to the JSON body of a 404 answer, so
// that a mistyped path shows the right ones. Only the local server does
// this: the deployed trigger is anonymous and public, and does not list
// its routes to whoever asks.
func withRoutes(body []byte, routes []string) []byte {
	var reply map[string]any
	if json.Unmarshal(body, &reply) != nil || reply == nil {
		return body
	}
	reply["routes"] = append([]string{}, routes...)
	b, err := json.Marshal(reply)
	if err != nil {
		return body
	}
	return b
}

// serve serves the HTTP trigger on a local address until interrupted.
func serve(ctx context.Context, args []string, env Env) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", defaultAddr, "address to listen on")
	c := commonFlags(fs)
	if _, code, ok := parseArgs(fs, args, 0, env); !ok {
		return code
	}
	fn, code := c.runner(env)
	if fn == nil {
		return code
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(env.Stderr, "vodrefresh: %v\n", err)
		return 1
	}
	srv := &http.Server{
		Handler:           &triggerServer{fn: fn, routes: fn.routes, timeout: c.timeout, maxBody: fn.maxBody, log: fn.log},
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	announce(env.Stderr, "http://"+ln.Addr().String(), fn.routes)
	if err := runServer(ctx, srv, ln, c.timeout+shutdownMargin); err != nil {
		fmt.Fprintf(env.Stderr, "vodrefresh: %v\n", err)
		return 1
	}
	return 0
}

// shutdownMargin is how much longer than a request's timeout serve waits,
// once stopped, for the requests in flight to end.
const shutdownMargin = 5 * time.Second

// runServer serves on ln until ctx ends, then shuts srv down and returns
// only when the requests in flight have ended, or grace has passed: a
// refresh being sent is not cut off by Ctrl-C.
func runServer(ctx context.Context, srv *http.Server, ln net.Listener, grace time.Duration) error {
	shut := make(chan error, 1)
	go func() {
		<-ctx.Done()
		c, cancel := context.WithTimeout(context.Background(), grace)
		defer cancel()
		shut <- srv.Shutdown(c)
	}()
	err := srv.Serve(ln)
	if !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	if err := <-shut; err != nil {
		return fmt.Errorf("stopping: requests still in flight after %s: %w", grace, err)
	}
	return nil
}
