package fcemu

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"
)

// runtime plays the function side of the runtime API: it polls next and
// answers each invocation from its own goroutine, as the FC Go runtime does.
func runtime(t *testing.T, s *Server, n int, answer func(h http.Header, body []byte) (string, []byte)) {
	t.Helper()
	c := &http.Client{Timeout: 10 * time.Second}
	var wg sync.WaitGroup
	for range n {
		resp, err := c.Get("http://" + s.Addr() + base + "next")
		if err != nil {
			t.Error(err)
			return
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		wg.Add(1)
		go func(h http.Header) {
			defer wg.Done()
			kind, out := answer(h, body)
			r, err := c.Post("http://"+s.Addr()+base+h.Get("x-fc-request-id")+"/"+kind, "application/json", bytes.NewReader(out))
			if err != nil {
				t.Error(err)
				return
			}
			r.Body.Close()
		}(resp.Header)
	}
	wg.Wait()
}

// answer checks an invocation's headers and echoes its event, once release
// is closed; an event "fail" is answered with an error.
func answer(release chan struct{}) func(h http.Header, body []byte) (string, []byte) {
	return func(h http.Header, body []byte) (string, []byte) {
		<-release // every invocation is in flight before any is answered
		for _, k := range []string{"x-fc-request-id", "x-fc-function-deadline", "x-fc-function-timeout", "x-fc-access-key-id", "x-fc-security-token"} {
			if h.Get(k) == "" {
				return "error", []byte(`{"errorMessage":"missing ` + k + `","errorType":"Test"}`)
			}
		}
		if dl, err := strconv.ParseInt(h.Get("x-fc-function-deadline"), 10, 64); err != nil || dl < time.Now().UnixMilli() {
			return "error", []byte(`{"errorMessage":"bad deadline","errorType":"Test"}`)
		}
		if bytes.Contains(body, []byte("fail")) {
			return "error", []byte(`{"errorMessage":"asked to fail","errorType":"Test"}`)
		}
		return "response", append([]byte("echo:"), body...)
	}
}

func TestInvocationsInFlight(t *testing.T) {
	s, err := Start(Options{Lifetime: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const n = 8
	release := make(chan struct{})
	releaseAll := sync.OnceFunc(func() { close(release) })
	answered := make(chan struct{})
	defer func() { // the runtime side posts its last answer before the server closes
		releaseAll()
		<-answered
	}()
	go func() {
		defer close(answered)
		runtime(t, s, n, answer(release))
	}()
	type result struct {
		i int
		o Outcome
		e error
	}
	results := make(chan result, n)
	for i := range n {
		go func() {
			ev := fmt.Sprintf("event-%d", i)
			if i == 3 {
				ev = "fail"
			}
			o, err := s.Invoke(context.Background(), []byte(ev), Invocation{Credentials: Credentials{"k", "s", "t"}, Timeout: 30 * time.Second})
			results <- result{i, o, err}
		}()
	}
	deadline := time.After(10 * time.Second)
	for s.Polls() < n {
		select {
		case <-deadline:
			t.Fatalf("only %d polls", s.Polls())
		case <-time.After(5 * time.Millisecond):
		}
	}
	releaseAll()
	for range n {
		r := <-results
		switch {
		case r.e != nil:
			t.Errorf("invocation %d: %v", r.i, r.e)
		case r.i == 3:
			if r.o.Error == nil || r.o.Error.Message != "asked to fail" {
				t.Errorf("invocation 3: %+v", r.o)
			}
		case string(r.o.Response) != fmt.Sprintf("echo:event-%d", r.i) || r.o.Error != nil:
			t.Errorf("invocation %d: %q %+v", r.i, r.o.Response, r.o.Error)
		}
	}
	if s.FirstPoll().IsZero() {
		t.Error("no first poll recorded")
	}
}

func TestUnknownRequestID(t *testing.T) {
	s, err := Start(Options{Lifetime: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r, err := http.Post("http://"+s.Addr()+base+"nope/response", "application/json", bytes.NewReader([]byte("{}")))
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusNotFound {
		t.Errorf("status %d", r.StatusCode)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := s.Invoke(ctx, []byte("{}"), Invocation{}); err == nil {
		t.Error("an invocation nobody polled for returned no error")
	}
}
