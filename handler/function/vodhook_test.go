package function

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"vodrefresh/handler/internal/testfix"
	"vodrefresh/handler/internal/vodfake"
	"vodrefresh/handler/vod"
)

const (
	vodKey   = "VodAuthKey2026xyz"
	vodVideo = "4c3b6a1e8f5d4d2a9b7c0e1f2a3b4c5d"
)

// vodHookConfig has a vod route on two CDN bases, one with a forward URL.
func vodHookConfig(forward string) string {
	return fmt.Sprintf(`domains: [https://vod.example.com, https://vod2.example.com]
webhooks:
  - path: /hooks/vod
    kind: vod
    secretEnv: VOD_AUTH_KEY
    urls: ["https://vod.example.com/{path}", "https://vod2.example.com{path}"]
  - path: /hooks/vod-fwd
    kind: vod
    secretEnv: VOD_AUTH_KEY
    callbackURL: https://hooks.example.com/hooks/vod-fwd
    forward: %q
    urls: ["https://vod.example.com/{path}"]
`, forward)
}

func vodHandler(t *testing.T, srv *vodfake.Server, doc string, log *slog.Logger) *Handler {
	t.Helper()
	ep, err := vod.ParseEndpoint(srv.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(vod.EnvAccessKeyID, testAK)
	t.Setenv(vod.EnvAccessKeySecret, testSecret)
	t.Setenv(vod.EnvSecurityToken, testToken)
	env := map[string]string{"VOD_AUTH_KEY": vodKey, vod.EnvAccessKeyID: testAK, vod.EnvAccessKeySecret: testSecret, vod.EnvSecurityToken: testToken}
	h, err := New(mustConfig(t, doc), Options{
		Connector: vod.NewConnector(ep, func(k string) string { return env[k] }),
		Getenv:    func(k string) string { return env[k] },
		Now:       func() time.Time { return hookNow },
		Backoff:   vod.Backoff{Base: time.Millisecond, Cap: 4 * time.Millisecond, Attempts: 2, Slow: time.Millisecond},
		Logger:    log,
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// vodSigned returns the headers VOD sends for a callback to url at t,
// signed as its documentation says: hex MD5 of url|timestamp|AuthKey.
func vodSigned(url string, at time.Time, key string) map[string]string {
	ts := strconv.FormatInt(at.Unix(), 10)
	sum := md5.Sum([]byte(url + "|" + ts + "|" + key))
	host, _, _ := strings.Cut(strings.TrimPrefix(url, "https://"), "/")
	return map[string]string{"Content-Type": "application/json", "Host": host, "X-VOD-TIMESTAMP": ts, "X-VOD-SIGNATURE": hex.EncodeToString(sum[:])}
}

func vodDelete(id string) string {
	return `{"EventTime":"2026-11-24T03:00:00Z","EventType":"DeleteMediaComplete","MediaId":"` + id + `","MediaType":"video","DeleteType":"all","Status":"success"}`
}

func TestVODCallback(t *testing.T) {
	url := "https://hooks.example.com/hooks/vod"
	cases := []struct {
		name    string
		headers map[string]string
		body    string
		status  int
		reply   string   // substring of the answer
		refresh []string // the one Directory call's paths, or none
	}{
		{"signed delete", vodSigned(url, hookNow, vodKey), vodDelete(vodVideo), 200, `"status":"accepted"`,
			[]string{"https://vod.example.com/" + vodVideo + "/", "https://vod2.example.com/" + vodVideo + "/"}},
		{"wrong key", vodSigned(url, hookNow, "guess"), vodDelete(vodVideo), 401, "signature does not match", nil},
		{"stale timestamp", vodSigned(url, hookNow.Add(-10*time.Minute), vodKey), vodDelete(vodVideo), 401, "replay window", nil},
		{"signed for another URL", vodSigned("https://hooks.example.com/elsewhere", hookNow, vodKey), vodDelete(vodVideo), 401, "signature does not match", nil},
		{"not a VOD ID", vodSigned(url, hookNow, vodKey), vodDelete("https://evil.example.com/"), 400, "is not a VOD ID", nil},
		{"path outside the folder", vodSigned(url, hookNow, vodKey),
			`{"EventType":"StreamTranscodeComplete","VideoId":"` + vodVideo + `","Status":"success","FileUrl":"http://evil.example.com/admin/","JobId":"j"}`, 400, "nothing was refreshed", nil},
		{"other event", vodSigned(url, hookNow, vodKey), `{"EventType":"VideoAnalysisComplete","VideoId":"` + vodVideo + `","Status":"success"}`, 200, `"status":"ignored"`, nil},
		{"failed event", vodSigned(url, hookNow, vodKey), `{"EventType":"TranscodeComplete","VideoId":"` + vodVideo + `","Status":"fail"}`, 200, `not success`, nil},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			srv := startFake(t, nil)
			h := vodHandler(t, srv, vodHookConfig("https://hooks2.example.com/vod"), nil)
			resp := answerHTTP(t, h, httpEvent("POST", "/hooks/vod", tt.headers, []byte(tt.body), false))
			if resp.StatusCode != tt.status || !strings.Contains(resp.Body, tt.reply) {
				t.Fatalf("answer %d %s, want %d with %q", resp.StatusCode, resp.Body, tt.status, tt.reply)
			}
			var got [][]string
			for _, r := range srv.Requests() {
				if r.Action == "RefreshVodObjectCaches" {
					if r.ObjectType != "Directory" {
						t.Errorf("refreshed as %s, want Directory", r.ObjectType)
					}
					got = append(got, r.Paths)
				}
			}
			switch {
			case tt.refresh == nil && len(got) > 0:
				t.Fatalf("refreshed %v, want nothing", got)
			case tt.refresh != nil && (len(got) != 1 || !reflect.DeepEqual(got[0], tt.refresh)):
				t.Fatalf("refreshed %v, want one call of %v", got, tt.refresh)
			}
		})
	}
}

// receiver is a loopback server that checks each callback's signature as
// VOD's documentation says, for its own URL, and answers with status.
type receiver struct {
	*httptest.Server
	mu     sync.Mutex
	status int
	got    []string // bodies of the callbacks whose signature verified
	bad    int
}

func startReceiver(t *testing.T) *receiver {
	r := &receiver{status: 200}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		ts := req.Header.Get("X-VOD-TIMESTAMP")
		sum := md5.Sum([]byte(r.URL + "/vod|" + ts + "|" + vodKey))
		r.mu.Lock()
		defer r.mu.Unlock()
		if req.URL.Path != "/vod" || req.Header.Get("X-VOD-SIGNATURE") != hex.EncodeToString(sum[:]) {
			r.bad++
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		r.got = append(r.got, string(body))
		w.WriteHeader(r.status)
	}))
	t.Cleanup(r.Close)
	return r
}

func TestVODForward(t *testing.T) {
	rcv := startReceiver(t)
	srv := startFake(t, nil)
	h := vodHandler(t, srv, vodHookConfig(rcv.URL+"/vod"), nil)
	body := vodDelete(vodVideo)
	// The Host header is FC's; the route's callbackURL is what VOD signed.
	headers := vodSigned("https://hooks.example.com/hooks/vod-fwd", hookNow, vodKey)
	headers["Host"] = "fc-1234.cn-shanghai.fcapp.run"
	ev := httpEvent("POST", "/hooks/vod-fwd", headers, []byte(body), false)

	rcv.status = http.StatusInternalServerError
	if resp := answerHTTP(t, h, ev); resp.StatusCode != http.StatusBadGateway || !strings.Contains(resp.Body, "forward failed") {
		t.Fatalf("failed forward answered %d %s, want 502", resp.StatusCode, resp.Body)
	}
	rcv.mu.Lock()
	rcv.status = http.StatusOK
	rcv.mu.Unlock()
	// VOD's retry: forwarded again, not refreshed again.
	if resp := answerHTTP(t, h, ev); resp.StatusCode != http.StatusOK {
		t.Fatalf("retry answered %d %s, want 200", resp.StatusCode, resp.Body)
	}
	if n := srv.Calls("RefreshVodObjectCaches"); n != 1 {
		t.Errorf("%d refresh calls, want 1: the retry must not refresh again", n)
	}
	rcv.mu.Lock()
	defer rcv.mu.Unlock()
	if rcv.bad != 0 || len(rcv.got) != 2 || rcv.got[1] != body {
		t.Errorf("receiver: %d bad signatures, bodies %q; want 2 verified, the body unchanged", rcv.bad, rcv.got)
	}
}

// A verified event whose refresh failed is answered so that VOD retries,
// and logged whole, with a form to replay it, but never its signature.
func TestVODRefreshFailureIsLogged(t *testing.T) {
	srv := startFake(t, nil)
	srv.Script("RefreshVodObjectCaches", vodfake.ErrorReply("ServiceUnavailable"), vodfake.ErrorReply("ServiceUnavailable"))
	var logs bytes.Buffer
	h := vodHandler(t, srv, vodHookConfig("https://hooks2.example.com/vod"), slog.New(slog.NewJSONHandler(&logs, nil)))
	headers := vodSigned("https://hooks.example.com/hooks/vod", hookNow, vodKey)
	resp := answerHTTP(t, h, httpEvent("POST", "/hooks/vod", headers, []byte(vodDelete(vodVideo)), false))
	if resp.StatusCode == http.StatusOK {
		t.Fatalf("failed refresh answered 200: VOD would not retry")
	}
	out := logs.String()
	if !strings.Contains(out, `"level":"ERROR","msg":"VOD event not refreshed`) || !strings.Contains(out, `\"messageBody\"`) || !strings.Contains(out, vodVideo) {
		t.Errorf("log lacks the event at ERROR with its replay form:\n%s", out)
	}
	if strings.Contains(out, headers["X-VOD-SIGNATURE"]) || strings.Contains(out, vodKey) {
		t.Errorf("log leaks the signature or the key:\n%s", out)
	}
}

// VOD's MNS form: the same JSON as a queue message's body, base64 or not,
// planned on the configuration's vod route.
func TestVODQueueMessage(t *testing.T) {
	srv := startFake(t, nil)
	h := vodHandler(t, srv, vodHookConfig("https://hooks2.example.com/vod"), nil)
	body := vodDelete(vodVideo)
	ev := fmt.Sprintf(`[{"id":"m1","source":"MNS-Function-vod","specversion":"1.0","type":"mns:Queue:SendMessage","data":{"requestId":"r","messageId":"m1","messageBody":%q}},
{"id":"m2","source":"MNS-Function-vod","specversion":"1.0","type":"mns:Queue:SendMessage","data":{"requestId":"r","messageId":"m2","messageBody":%q}},
{"id":"m3","source":"MNS-Function-vod","specversion":"1.0","type":"mns:Queue:SendMessage","data":{"requestId":"r","messageId":"m3","messageBody":%q}}]`,
		body, base64.StdEncoding.EncodeToString([]byte(vodDelete("0123456789abcdef0123456789abcdef"))), vodDelete("NOT-AN-ID-0123456789abcdef012345"))
	res, err := handle(h, t.Context(), []byte(ev))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"https://vod.example.com/" + vodVideo + "/", "https://vod2.example.com/" + vodVideo + "/",
		"https://vod.example.com/0123456789abcdef0123456789abcdef/", "https://vod2.example.com/0123456789abcdef0123456789abcdef/"}
	var got []string
	for _, r := range srv.Requests() {
		if r.Action == "RefreshVodObjectCaches" {
			got = append(got, r.Paths...)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("refreshed %v, want %v", got, want)
	}
	if res.SkippedCount != 1 || !strings.Contains(fmt.Sprint(res.Skipped), "not a VOD ID") {
		t.Errorf("skipped %d %+v, want the message with a bad ID", res.SkippedCount, res.Skipped)
	}
	// The batch redelivered: nothing is submitted twice.
	if _, err := handle(h, t.Context(), []byte(ev)); err != nil {
		t.Fatal(err)
	}
	if n := srv.Calls("RefreshVodObjectCaches"); n != 1 {
		t.Errorf("%d refresh calls after redelivery, want 1", n)
	}
}

// The same batch, failed and written by FC to its onFailure destination,
// comes back as a destination record: its VOD messages are planned again
// under their own message IDs, so what the first attempt submitted is not
// submitted twice, and what it did not is.
func TestVODQueueMessageInDestinationRecord(t *testing.T) {
	srv := startFake(t, nil)
	h := vodHandler(t, srv, vodHookConfig("https://hooks2.example.com/vod"), nil)
	batch := func(ids ...string) string {
		var msgs []string
		for i, id := range ids {
			msgs = append(msgs, fmt.Sprintf(`{"requestId":"r","messageId":"d%d","messageBody":%q}`, i+1, vodDelete(id)))
		}
		return "[" + strings.Join(msgs, ",") + "]"
	}
	const other = "0123456789abcdef0123456789abcdef"
	// The first attempt carried the first message alone.
	if _, err := handle(h, t.Context(), []byte(batch(vodVideo))); err != nil {
		t.Fatal(err)
	}
	record := fmt.Sprintf(`{"timestamp":1764000000000,"requestContext":{"requestId":"fc-req-3","functionArn":"acs:fc:cn-shanghai:123:functions/vodrefresh","condition":"UnhandledInvocationError","approximateInvokeCount":4},"requestPayload":%q,"responseContext":{"statusCode":200,"functionError":"UnhandledInvocationError"},"responsePayload":"{}"}`,
		batch(vodVideo, other))
	if _, err := handle(h, t.Context(), []byte(record)); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range srv.Requests() {
		if r.Action == "RefreshVodObjectCaches" {
			got = append(got, r.Paths...)
		}
	}
	want := []string{"https://vod.example.com/" + vodVideo + "/", "https://vod2.example.com/" + vodVideo + "/",
		"https://vod.example.com/" + other + "/", "https://vod2.example.com/" + other + "/"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("refreshed %v, want %v", got, want)
	}
}

// A forward target that fails, redirects or cannot be reached: the answer
// to the caller names no part of the forward URL, and the log masks its
// userinfo and query.
func TestForwardURLStaysInternal(t *testing.T) {
	fail := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusInternalServerError) }))
	defer fail.Close()
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://127.0.0.1:1/elsewhere", http.StatusFound)
	}))
	defer redirect.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()
	for name, base := range map[string]string{"answers 500": fail.URL, "redirects": redirect.URL, "unreachable": closedURL} {
		t.Run(name, func(t *testing.T) {
			target := strings.Replace(base, "http://", "http://sinkuser:s3cretpass@", 1) + "/sink?token=t0k3nvalue"
			logs := &testfix.SyncBuffer{}
			h := vodHandler(t, startFake(t, nil), vodHookConfig(target), slog.New(slog.NewJSONHandler(logs, nil)))
			headers := vodSigned("https://hooks.example.com/hooks/vod-fwd", hookNow, vodKey)
			resp := answerHTTP(t, h, httpEvent("POST", "/hooks/vod-fwd", headers, []byte(vodDelete(vodVideo)), false))
			host := strings.TrimPrefix(base, "http://")
			for _, part := range []string{"sinkuser", "s3cretpass", "t0k3nvalue", host, "/sink"} {
				if strings.Contains(resp.Body, part) {
					t.Errorf("the answer %s names %q of the forward URL", resp.Body, part)
				}
			}
			if resp.StatusCode != http.StatusBadGateway {
				t.Errorf("status %d, want 502", resp.StatusCode)
			}
			if strings.Contains(logs.String(), "s3cretpass") || strings.Contains(logs.String(), "t0k3nvalue") || !strings.Contains(logs.String(), "/sink?***") {
				t.Errorf("the log does not mask the forward URL: %s", logs.String())
			}
		})
	}
}
