package cli

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"vodrefresh/handler/config"
	"vodrefresh/handler/function"
	"vodrefresh/handler/webhook/webhooktest"
)

// countingBody is an endless-looking body of n bytes that counts what was
// read of it.
type countingBody struct{ left, read int }

func (b *countingBody) Read(p []byte) (int, error) {
	if b.left == 0 {
		return 0, io.EOF
	}
	n := min(len(p), b.left)
	for i := range p[:n] {
		p[i] = 'a'
	}
	b.left -= n
	b.read += n
	return n, nil
}

func (b *countingBody) Close() error { return nil }

// countingInvoker counts the invocations that reach the function.
type countingInvoker struct {
	invoker
	n int
}

func (c *countingInvoker) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	c.n++
	return c.invoker.Invoke(ctx, payload)
}

// A body over http.maxBodyBytes is answered 413 after at most the limit
// (and one byte) was read, whatever Content-Length claims, and the function
// is never invoked.
func TestServeStopsReadingAtTheLimit(t *testing.T) {
	env := serveEnv(t)
	h, err := function.FromEnv(func(k string) string { return env[k] }, function.Options{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	limit := config.DefaultMaxBody // events/webhooks.yaml sets none
	for _, declared := range []int64{10, -1, 30 << 20} {
		fn := &countingInvoker{invoker: encoded{h}}
		s := &triggerServer{fn: fn, timeout: time.Minute, maxBody: int64(limit), log: slog.New(slog.DiscardHandler)}
		body := &countingBody{left: 30 << 20}
		r := httptest.NewRequest(http.MethodPost, "/hooks/strapi", nil)
		r.Body, r.ContentLength = body, declared
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != http.StatusRequestEntityTooLarge || !strings.Contains(w.Body.String(), `"status":"error"`) {
			t.Errorf("Content-Length %d: answered %d %s, want 413 with a JSON error", declared, w.Code, w.Body.String())
		}
		if body.read > limit+1 || fn.n != 0 {
			t.Errorf("Content-Length %d: read %d bytes of a %d-byte limit; %d invocations", declared, body.read, limit, fn.n)
		}
	}
}

// Two X-Ghost-Signature lines, one of them valid, reach the function as
// one header, joined as FC joins them, and are refused as conflicting: in
// serve as on FC.
func TestServeRefusesTwoSignatureLines(t *testing.T) {
	env := serveEnv(t)
	h, err := function.FromEnv(func(k string) string { return env[k] }, function.Options{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	s := &triggerServer{fn: encoded{h}, timeout: time.Minute, maxBody: 1 << 20, log: slog.New(slog.DiscardHandler)}
	body := `{"post":{"current":{"id":"1","slug":"a","url":"https://www.example.com/a/","status":"published"}}}`
	now := time.Now()
	for _, lines := range [][]string{
		{webhooktest.SignGhost(env["BLOG_WEBHOOK_SECRET"], []byte(body), now), "sha256=" + strings.Repeat("0", 64) + ", t=" + strconv.FormatInt(now.UnixMilli(), 10)},
		{"sha256=" + strings.Repeat("0", 64) + ", t=" + strconv.FormatInt(now.UnixMilli(), 10), webhooktest.SignGhost(env["BLOG_WEBHOOK_SECRET"], []byte(body), now)},
	} {
		r := httptest.NewRequest(http.MethodPost, "/hooks/blog", strings.NewReader(body))
		for _, l := range lines {
			r.Header.Add("X-Ghost-Signature", l)
		}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != http.StatusUnauthorized || !strings.Contains(w.Body.String(), "conflicting") {
			t.Errorf("answered %d %s, want 401 for conflicting values", w.Code, w.Body.String())
		}
	}
}

// Stopping serve (Ctrl-C) lets the request in flight finish and be
// answered before serve returns.
func TestServeWaitsForRequestsInFlight(t *testing.T) {
	entered := make(chan struct{})
	var finished atomic.Bool
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		time.Sleep(300 * time.Millisecond) // a refresh being sent
		finished.Store(true)
		w.Write([]byte("sent"))
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- runServer(ctx, srv, ln, 10*time.Second) }()

	answered := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/")
		if err != nil {
			answered <- "error: " + err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		answered <- string(b)
	}()
	select {
	case <-entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the request never reached the server")
	}
	stop()
	if err := <-served; err != nil {
		t.Fatalf("runServer: %v", err)
	}
	if !finished.Load() {
		t.Fatal("serve returned while a request was in flight")
	}
	if got := <-answered; got != "sent" {
		t.Fatalf("the request in flight got %q; want its answer", got)
	}
}
