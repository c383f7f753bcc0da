package function

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/internal/testfix"
	"vodrefresh/handler/internal/vodfake"
	"vodrefresh/handler/vod"
	"vodrefresh/handler/webhook/webhooktest"
)

// hookConfig serves three webhooks: signed generic and ghost ones, and an
// open one.
var hookConfig = string(mustRead("testdata/hooks.yaml"))

var hookEnv = map[string]string{
	"GENERIC_SECRET":   "whsec_" + base64.StdEncoding.EncodeToString([]byte("generic-test-key-0001")),
	"GHOST_SECRET":     "ghost-test-secret-0001",
	vod.EnvAccessKeyID: testAK, vod.EnvAccessKeySecret: testSecret, vod.EnvSecurityToken: testToken,
}

var hookNow = time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)

// httpEvent builds an FC3 HTTP trigger event.
func httpEvent(method, path string, headers map[string]string, body []byte, b64 bool) []byte {
	return httpEventQuery(method, path, map[string]string{}, headers, body, b64)
}

// httpEventQuery builds an FC3 HTTP trigger event for a request with a
// query, which FC passes as a map.
func httpEventQuery(method, path string, query, headers map[string]string, body []byte, b64 bool) []byte {
	ev := map[string]any{
		"version": "v1", "rawPath": path, "headers": headers, "queryParameters": query,
		"body": string(body), "isBase64Encoded": b64,
		"requestContext": map[string]any{"requestId": "r1", "http": map[string]string{"method": method, "path": path}},
	}
	if b64 {
		ev["body"] = base64.StdEncoding.EncodeToString(body)
	}
	b, _ := json.Marshal(ev)
	return b
}

// signedGeneric signs a generic body the Standard Webhooks way.
func signedGeneric(t testing.TB, id string, body string, at time.Time) map[string]string {
	t.Helper()
	sig, err := webhooktest.SignStandard(hookEnv["GENERIC_SECRET"], id, []byte(body), at)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{"webhook-id": id, "webhook-timestamp": strconv.FormatInt(at.Unix(), 10), "webhook-signature": sig, "Content-Type": "application/json"}
}

func hookHandler(t *testing.T, srv *vodfake.Server, log *slog.Logger) *Handler {
	t.Helper()
	ep, err := vod.ParseEndpoint(srv.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(vod.EnvAccessKeyID, testAK)
	t.Setenv(vod.EnvAccessKeySecret, testSecret)
	t.Setenv(vod.EnvSecurityToken, testToken)
	h, err := New(mustConfig(t, hookConfig), Options{
		Connector: vod.NewConnector(ep, func(k string) string { return hookEnv[k] }),
		Getenv:    func(k string) string { return hookEnv[k] },
		Now:       func() time.Time { return hookNow },
		Backoff:   vod.Backoff{Base: time.Millisecond, Cap: 4 * time.Millisecond, Attempts: 3, Slow: time.Millisecond},
		Logger:    log,
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// hookGood is a valid generic webhook body; hookGhostBody a Ghost one.
const (
	hookGood      = `{"paths":["https://img.example.com/a.png","https://www.example.com/b/"],"objectType":"File"}`
	hookGhostBody = `{"post":{"current":{"id":"1","slug":"new","url":"https://www.example.com/blog/new/"},"previous":{}}}`
)

// webhookCase is a request to the webhook handler, what the fake VOD
// answers, and what the reply and VOD must show.
type webhookCase struct {
	name    string
	event   func(t *testing.T) []byte
	script  []vodfake.Reply
	status  int
	calls   int      // RefreshVodObjectCaches calls the fake accepted
	paths   []string // what VOD received, in order
	body    []string // substrings of the reply body
	headers map[string]string
}

var webhookCases = []webhookCase{
	{
		name: "accepted",
		event: func(t *testing.T) []byte {
			return httpEvent("POST", "/hooks/generic", signedGeneric(t, "msg_1", hookGood, hookNow), []byte(hookGood), false)
		},
		status: 202, calls: 1,
		paths: []string{"https://img.example.com/a.png", "https://www.example.com/b/"},
		body:  []string{`"status":"accepted"`, `"taskIds"`},
	},
	{
		name: "accepted, base64 body and lower-case headers",
		event: func(t *testing.T) []byte {
			h := map[string]string{}
			for k, v := range signedGeneric(t, "msg_2", hookGood, hookNow) {
				h[strings.ToLower(k)] = v
			}
			return httpEvent("POST", "/hooks/generic", h, []byte(hookGood), true)
		},
		status: 202, calls: 1,
		paths: []string{"https://img.example.com/a.png", "https://www.example.com/b/"},
	},
	{
		name: "ghost",
		event: func(t *testing.T) []byte {
			sig := webhooktest.SignGhost(hookEnv["GHOST_SECRET"], []byte(hookGhostBody), hookNow)
			return httpEvent("POST", "/hooks/blog", map[string]string{"X-Ghost-Signature": sig}, []byte(hookGhostBody), false)
		},
		status: 202, calls: 1, paths: []string{"https://www.example.com/blog/new/"},
	},
	{
		name: "malformed body",
		event: func(t *testing.T) []byte {
			return httpEvent("POST", "/hooks/generic", signedGeneric(t, "m", "{not json", hookNow), []byte("{not json"), false)
		},
		status: 400, body: []string{`"status":"error"`},
	},
	{
		name: "invalid body",
		event: func(t *testing.T) []byte {
			b := `{"paths":["ftp://img.example.com/a.png"]}`
			return httpEvent("POST", "/hooks/generic", signedGeneric(t, "m", b, hookNow), []byte(b), false)
		},
		status: 400, body: []string{"paths[0]", "problems"},
	},
	{
		name: "tampered body",
		event: func(t *testing.T) []byte {
			return httpEvent("POST", "/hooks/generic", signedGeneric(t, "m", hookGood, hookNow), []byte(strings.Replace(hookGood, "a.png", "x.png", 1)), false)
		},
		status: 401,
	},
	{
		name: "wrong secret",
		event: func(t *testing.T) []byte {
			sig := webhooktest.SignGhost("not-the-secret", []byte(hookGhostBody), hookNow)
			return httpEvent("POST", "/hooks/blog", map[string]string{"X-Ghost-Signature": sig}, []byte(hookGhostBody), false)
		},
		status: 401,
	},
	{
		name: "stale timestamp",
		event: func(t *testing.T) []byte {
			return httpEvent("POST", "/hooks/generic", signedGeneric(t, "m", hookGood, hookNow.Add(-6*time.Minute)), []byte(hookGood), false)
		},
		status: 401,
	},
	{
		name: "missing signature",
		event: func(t *testing.T) []byte {
			return httpEvent("POST", "/hooks/blog", map[string]string{}, []byte(hookGhostBody), false)
		},
		status: 401,
	},
	{
		name:   "unknown path",
		event:  func(t *testing.T) []byte { return httpEvent("POST", "/hooks/nope", nil, []byte(hookGood), false) },
		status: 404, body: []string{"/hooks/nope"},
	},
	{
		name:    "not POST",
		event:   func(t *testing.T) []byte { return httpEvent("GET", "/hooks/generic", nil, nil, false) },
		status:  405,
		headers: map[string]string{"Allow": "POST"},
	},
	{
		name: "too large",
		event: func(t *testing.T) []byte {
			b := `{"paths":["https://img.example.com/` + strings.Repeat("a", 3000) + `"]}`
			return httpEvent("POST", "/hooks/generic", signedGeneric(t, "m", b, hookNow), []byte(b), false)
		},
		status: 413,
	},
	{
		name: "outside the allowlist",
		event: func(t *testing.T) []byte {
			b := `{"paths":["https://img.example.com/ok.png","https://evil.example.net/x.png"]}`
			return httpEvent("POST", "/hooks/generic", signedGeneric(t, "m", b, hookNow), []byte(b), false)
		},
		status: 422, body: []string{"evil.example.net", "nothing was submitted"},
	},
	{
		name: "quota exhausted",
		event: func(t *testing.T) []byte {
			return httpEvent("POST", "/hooks/generic", signedGeneric(t, "q", hookGood, hookNow), []byte(hookGood), false)
		},
		script: []vodfake.Reply{vodfake.ErrorReply("QuotaExceeded.Refresh")},
		// Not the request's fault: 5xx, for a sender that retries.
		status: 503, body: []string{"QuotaExceeded.Refresh"},
		// hookNow is 11:00 in UTC+8: 13 hours and a second to the reset.
		headers: map[string]string{"Retry-After": "46801"},
	},
	{
		name: "throttled",
		event: func(t *testing.T) []byte {
			return httpEvent("POST", "/hooks/generic", signedGeneric(t, "th", hookGood, hookNow), []byte(hookGood), false)
		},
		script: []vodfake.Reply{vodfake.ErrorReply("Throttling"), vodfake.ErrorReply("Throttling"), vodfake.ErrorReply("Throttling")},
		status: 503, body: []string{"Throttling"},
		headers: map[string]string{"Retry-After": "30"},
	},
	{
		name: "throttled once, then accepted",
		event: func(t *testing.T) []byte {
			return httpEvent("POST", "/hooks/generic", signedGeneric(t, "th2", hookGood, hookNow), []byte(hookGood), false)
		},
		script: []vodfake.Reply{vodfake.ErrorReply("Throttling")},
		status: 202, calls: 1,
		paths: []string{"https://img.example.com/a.png", "https://www.example.com/b/"},
	},
	{
		name: "permanent error",
		event: func(t *testing.T) []byte {
			return httpEvent("POST", "/hooks/generic", signedGeneric(t, "p", hookGood, hookNow), []byte(hookGood), false)
		},
		script: []vodfake.Reply{vodfake.ErrorReply("InvalidDomain.NotFound")},
		status: 502, body: []string{"InvalidDomain.NotFound", "fix the config"},
	},
	{
		name:   "auth none",
		event:  func(t *testing.T) []byte { return httpEvent("POST", "/hooks/open", nil, []byte(hookGood), false) },
		status: 202, calls: 1,
		paths: []string{"https://img.example.com/a.png", "https://www.example.com/b/"},
	},
}

func TestWebhookResponses(t *testing.T) {
	for _, tt := range webhookCases {
		t.Run(tt.name, func(t *testing.T) { checkWebhook(t, tt) })
	}
}

// checkWebhook answers tt's request with a handler on a fake VOD that
// replies with tt.script, and checks the reply and what VOD received.
func checkWebhook(t *testing.T, tt webhookCase) {
	srv := startFake(t, nil)
	srv.Script("RefreshVodObjectCaches", tt.script...)
	h := hookHandler(t, srv, nil)
	resp := answerHTTP(t, h, tt.event(t))
	if resp.StatusCode != tt.status {
		t.Errorf("status %d, want %d: %s", resp.StatusCode, tt.status, resp.Body)
	}
	for _, w := range tt.body {
		if !strings.Contains(resp.Body, w) {
			t.Errorf("body %s does not mention %q", resp.Body, w)
		}
	}
	for k, v := range tt.headers {
		if resp.Headers[k] != v {
			t.Errorf("header %s = %q, want %q", k, resp.Headers[k], v)
		}
	}
	var got []string
	accepted := 0
	accepted = len(refreshes(srv))
	reqs := refreshes(srv)
	if len(reqs) > 0 {
		got = reqs[len(reqs)-1].Paths
	}
	if tt.status == 202 || tt.status >= 500 || tt.status == 429 {
		if tt.paths != nil && !reflect.DeepEqual(got, tt.paths) {
			t.Errorf("VOD received %q, want %q", got, tt.paths)
		}
	} else if len(srv.Requests()) != 0 || srv.Rejected() != 0 {
		t.Errorf("a %d answer reached VOD (%d calls)", tt.status, accepted)
	}
	if tt.calls > 0 && accepted-len(tt.script) != tt.calls {
		t.Errorf("%d successful calls, want %d", accepted-len(tt.script), tt.calls)
	}
	assertNoSecret(t, "reply", resp.Body)
}

func TestWebhookDuplicateDelivery(t *testing.T) {
	srv := startFake(t, nil)
	h := hookHandler(t, srv, nil)
	body := `{"paths":["https://img.example.com/a.png"]}`
	ev := httpEvent("POST", "/hooks/generic", signedGeneric(t, "msg_dup", body, hookNow), []byte(body), false)
	for i, want := range []string{"accepted", "duplicate"} {
		status, reply := invokeHTTP(t, h, ev)
		if status != 202 || reply.Status != want {
			t.Errorf("delivery %d: %d %+v, want 202 %s", i, status, reply, want)
		}
	}
	if n := srv.Calls("RefreshVodObjectCaches"); n != 1 {
		t.Errorf("%d refresh calls, want 1", n)
	}
}

// A failed delivery is not remembered: the sender's retry goes through.
func TestWebhookRetryAfterFailureIsNotADuplicate(t *testing.T) {
	srv := startFake(t, nil)
	srv.Script("RefreshVodObjectCaches", vodfake.ErrorReply("InvalidDomain.Offline"))
	h := hookHandler(t, srv, nil)
	body := `{"paths":["https://img.example.com/a.png"]}`
	ev := httpEvent("POST", "/hooks/generic", signedGeneric(t, "msg_retry", body, hookNow), []byte(body), false)
	if status, _ := invokeHTTP(t, h, ev); status != 502 {
		t.Fatalf("first delivery: %d", status)
	}
	if status, reply := invokeHTTP(t, h, ev); status != 202 || reply.Status != "accepted" {
		t.Fatalf("second delivery: %d %+v", status, reply)
	}
}

func TestWebhookStartup(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	cfg := mustConfig(t, hookConfig)
	h, err := New(cfg, Options{DryRun: true, Getenv: func(k string) string {
		if k == "GHOST_SECRET" {
			return "  "
		}
		return hookEnv[k]
	}, Logger: log})
	if err != nil || !strings.Contains(h.routes["/hooks/blog"].Down, "GHOST_SECRET") || !strings.Contains(logs.String(), "webhooks[1]") {
		t.Errorf("blank secret: error %v, route %+v, logs %s", err, h.routes["/hooks/blog"], logs.String())
	}
	if _, err := New(mustConfig(t, hookConfig), Options{DryRun: true, Getenv: func(k string) string { return hookEnv[k] }, Logger: log}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "auth: none") || !strings.Contains(logs.String(), "/hooks/open") {
		t.Errorf("no warning for auth: none: %s", logs.String())
	}
	if strings.Contains(logs.String(), hookEnv["GHOST_SECRET"]) {
		t.Errorf("a secret reached the log")
	}
	bad := map[string]string{
		"duplicate path":         "domains: [https://www.example.com]\nwebhooks:\n  - {path: /a, kind: generic, secretEnv: X}\n  - {path: /a, kind: ghost, secretEnv: X}\n",
		"strapi without urls":    "domains: [https://www.example.com]\nwebhooks:\n  - {path: /a, kind: strapi, secretEnv: X}\n",
		"template off allowlist": "domains: [https://www.example.com]\nwebhooks:\n  - {path: /a, kind: ghost, secretEnv: X, urls: ['https://evil.example.net/{slug}']}\n",
		"no secretEnv":           "domains: [https://www.example.com]\nwebhooks:\n  - {path: /a, kind: ghost}\n",
		"bad kind":               "domains: [https://www.example.com]\nwebhooks:\n  - {path: /a, kind: drupal, secretEnv: X}\n",
		"relative path":          "domains: [https://www.example.com]\nwebhooks:\n  - {path: a, kind: ghost, secretEnv: X}\n",
		"neither oss nor hooks":  "domains: [https://www.example.com]\n",
	}
	for name, doc := range bad {
		if err := compileDoc(doc); err == nil {
			t.Errorf("%s: accepted", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
}

// A 422 (URLs outside the domains: a configuration mismatch the CMS hits
// on every post) and a 503 (a route out of service) each leave a WARN line
// with the reason, for the operator's failure query.
func TestRefusalsAreLoggedWithTheReason(t *testing.T) {
	srv := startFake(t, nil)
	logs := &testfix.SyncBuffer{}
	h := hookHandler(t, srv, slog.New(slog.NewJSONHandler(logs, nil)))
	b := `{"paths":["https://evil.example.net/x.png"]}`
	if resp := answerHTTP(t, h, httpEvent("POST", "/hooks/generic", signedGeneric(t, "o", b, hookNow), []byte(b), false)); resp.StatusCode != 422 {
		t.Fatalf("status %d, want 422", resp.StatusCode)
	}
	if !strings.Contains(logs.String(), `"level":"WARN","msg":"webhook refused: paths outside the allowlisted domains`) || !strings.Contains(logs.String(), "evil.example.net") {
		t.Errorf("no WARN line with the reason: %s", logs.String())
	}
	env := map[string]string{}
	for k, v := range hookEnv {
		env[k] = v
	}
	delete(env, "GHOST_SECRET")
	logs2 := &testfix.SyncBuffer{}
	down, err := New(mustConfig(t, hookConfig), Options{DryRun: true, Getenv: func(k string) string { return env[k] }, Logger: slog.New(slog.NewJSONHandler(logs2, nil)), Now: func() time.Time { return hookNow }})
	if err != nil {
		t.Fatal(err)
	}
	if resp := answerHTTP(t, down, httpEvent("POST", "/hooks/blog", map[string]string{"X-Ghost-Signature": "x"}, []byte(hookGhostBody), false)); resp.StatusCode != 503 {
		t.Fatalf("status %d, want 503", resp.StatusCode)
	}
	if !strings.Contains(logs2.String(), `"level":"WARN","msg":"webhook refused: the route is out of service"`) || !strings.Contains(logs2.String(), "GHOST_SECRET") {
		t.Errorf("no WARN line with the reason: %s", logs2.String())
	}
}
