package e2e

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/internal/fcemu"
	"vodrefresh/handler/internal/testfix"
	"vodrefresh/handler/internal/vodfake"
)

const (
	// The invocation's STS credentials, as FC passes them in headers.
	stsKey, stsSecret, stsToken = "STS.e2eInvocationKey", "e2e-sts-secret-01", "e2e-sts-token-01"
	// The role credentials FC also puts in the environment; the function
	// must prefer the invocation's.
	envKey, envSecret = "LTAIe2eEnvironmentKey", "e2e-env-secret-01"
	hookKey           = "e2e-hook-key-0001"
)

const config = `
domains: [https://video.example.com, https://img.example.com]
oss:
  - bucket: media-bucket
    prefix: videos/
    urls: ["https://video.example.com/{key}"]
  - bucket: media-bucket
    prefix: images/
    urls: ["https://img.example.com/{key}"]
webhooks:
  - path: /hooks/generic
    kind: generic
    secretEnv: HOOK_SECRET
`

// rig is the function under test with its fake surroundings.
type rig struct {
	vod  *vodfake.Server
	emu  *fcemu.Server
	proc *proc
}

func newRig(t *testing.T, cfg string, creds map[string]string) *rig {
	t.Helper()
	return newRigEnv(t, cfg, creds, nil)
}

// newRigEnv is newRig with extra environment variables for the function.
func newRigEnv(t *testing.T, cfg string, creds map[string]string, extra map[string]string) *rig {
	t.Helper()
	if creds == nil {
		creds = map[string]string{stsKey: stsSecret, envKey: envSecret}
	}
	vod, err := vodfake.Start(vodfake.Options{Credentials: creds, Lifetime: 2 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(vod.Close)
	return newProcess(t, vod, cfg, extra)
}

// newProcess starts a fresh process of the function, as FC starts a new
// instance, against vod.
func newProcess(t *testing.T, vod *vodfake.Server, cfg string, extra map[string]string) *rig {
	t.Helper()
	return newProcessOf(t, binPath, 2*time.Minute, vod, cfg, extra)
}

// newProcessOf is newProcess for the binary bin, under an emulator that
// lives for lifetime.
func newProcessOf(t *testing.T, bin string, lifetime time.Duration, vod *vodfake.Server, cfg string, extra map[string]string) *rig {
	t.Helper()
	emu, err := fcemu.Start(fcemu.Options{Lifetime: lifetime})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emu.Close) // registered before the process, so it runs after the process is killed
	env := map[string]string{
		"FC_RUNTIME_API":                  emu.Addr(),
		"VOD_ENDPOINT":                    vod.Endpoint(),
		"REFRESH_CONFIG":                  cfg,
		"HOOK_SECRET":                     "whsec_" + base64.StdEncoding.EncodeToString([]byte(hookKey)),
		"ALIBABA_CLOUD_ACCESS_KEY_ID":     envKey,
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET": envSecret,
	}
	maps.Copy(env, extra)
	p := start(t, bin, env)
	select {
	case <-emu.Polled():
	case <-time.After(30 * time.Second):
		t.Fatalf("the function never polled the runtime API; stderr: %s", p.stderr.String())
	}
	return &rig{vod: vod, emu: emu, proc: p}
}

func (r *rig) invoke(t *testing.T, event []byte, inv fcemu.Invocation) fcemu.Outcome {
	t.Helper()
	if inv.Credentials.AccessKeyID == "" {
		inv.Credentials = fcemu.Credentials{AccessKeyID: stsKey, AccessKeySecret: stsSecret, SecurityToken: stsToken}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	o, err := r.emu.Invoke(ctx, event, inv)
	if err != nil {
		t.Fatalf("%v; stderr: %s", err, r.proc.stderr.String())
	}
	return o
}

func (r *rig) refreshes() []vodfake.Request {
	var out []vodfake.Request
	for _, q := range r.vod.Requests() {
		if q.Action == "RefreshVodObjectCaches" {
			out = append(out, q)
		}
	}
	return out
}

func ossEvent(keys ...string) []byte {
	var recs []string
	for _, k := range keys {
		recs = append(recs, fmt.Sprintf(`{"eventName":"ObjectCreated:PutObject","eventSource":"acs:oss","region":"cn-shanghai","oss":{"bucket":{"name":"media-bucket"},"object":{"key":%q,"size":1}}}`, k))
	}
	return []byte(`{"events":[` + strings.Join(recs, ",") + `]}`)
}

func TestOSSEvents(t *testing.T) {
	r := newRig(t, config, nil)
	envelope := `{"specversion":"1.0","id":"e1","source":"acs.oss","type":"oss:ObjectCreated:PutObject","data":{"eventName":"ObjectCreated:PutObject","oss":{"bucket":{"name":"media-bucket"},"object":{"key":"images/新 1.png"}}}}`
	tests := []struct {
		name  string
		event []byte
		want  []string
	}{
		{"native", ossEvent("videos/a b.mp4", "images/x.png"), []string{"https://video.example.com/videos/a%20b.mp4", "https://img.example.com/images/x.png"}},
		{"eventbridge", []byte(envelope), []string{"https://img.example.com/images/%E6%96%B0%201.png"}},
		// Another delivery: the same event ID again would be a redelivery,
		// which submits nothing twice (TestRedeliverySubmitsNothingTwice).
		{"eventbridge array", []byte("[" + strings.Replace(envelope, `"id":"e1"`, `"id":"e2"`, 1) + "]"), []string{"https://img.example.com/images/%E6%96%B0%201.png"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(r.refreshes())
			o := r.invoke(t, tt.event, fcemu.Invocation{})
			if o.Error != nil {
				t.Fatalf("error: %+v", o.Error)
			}
			var res struct {
				Calls []struct {
					Paths   []string `json:"paths"`
					Sent    bool     `json:"sent"`
					TaskIDs []string `json:"taskIds"`
				} `json:"calls"`
			}
			if err := json.Unmarshal(o.Response, &res); err != nil {
				t.Fatalf("%v: %s", err, o.Response)
			}
			got := r.refreshes()[before:]
			if len(got) != 1 || !reflect.DeepEqual(got[0].Paths, tt.want) {
				t.Fatalf("VOD received %+v", got)
			}
			// The invocation's credentials, not the environment's.
			if got[0].AccessKeyID != stsKey || got[0].SecurityToken != stsToken {
				t.Errorf("signed by %q with token %q", got[0].AccessKeyID, got[0].SecurityToken)
			}
			if len(res.Calls) != 1 || !res.Calls[0].Sent || len(res.Calls[0].TaskIDs) != len(tt.want) {
				t.Errorf("result %s", o.Response)
			}
		})
	}
}

func signGeneric(id string, ts time.Time, body string) string {
	m := hmac.New(sha256.New, []byte(hookKey))
	fmt.Fprintf(m, "%s.%d.%s", id, ts.Unix(), body)
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func httpEvent(headers map[string]string, body string) []byte {
	ev := map[string]any{
		"version": "v1", "rawPath": "/hooks/generic", "headers": headers, "queryParameters": map[string]string{},
		"body": body, "isBase64Encoded": false,
		"requestContext": map[string]any{"requestId": "h1", "http": map[string]string{"method": "POST", "path": "/hooks/generic"}},
	}
	b, _ := json.Marshal(ev)
	return b
}

func TestHTTPEvents(t *testing.T) {
	r := newRig(t, config, nil)
	body := `{"paths":["https://img.example.com/hero.png"]}`
	now := time.Now()
	signed := map[string]string{"webhook-id": "msg_e2e_1", "webhook-timestamp": strconv.FormatInt(now.Unix(), 10), "webhook-signature": signGeneric("msg_e2e_1", now, body)}
	unsigned := map[string]string{"webhook-id": "msg_e2e_2", "webhook-timestamp": strconv.FormatInt(now.Unix(), 10)}
	for _, tt := range []struct {
		name    string
		headers map[string]string
		status  int
		calls   int
	}{
		{"unsigned", unsigned, 401, 0},
		{"signed", signed, 202, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := len(r.refreshes())
			o := r.invoke(t, httpEvent(tt.headers, body), fcemu.Invocation{})
			if o.Error != nil {
				t.Fatalf("an HTTP event failed at the FC level: %+v", o.Error)
			}
			var resp struct {
				StatusCode int    `json:"statusCode"`
				Body       string `json:"body"`
			}
			if err := json.Unmarshal(o.Response, &resp); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.status {
				t.Errorf("status %d, want %d: %s", resp.StatusCode, tt.status, resp.Body)
			}
			if got := len(r.refreshes()) - before; got != tt.calls {
				t.Errorf("%d refresh calls, want %d", got, tt.calls)
			}
		})
	}
}

// A failed invocation posts to /error, and the process answers the next one.
func TestFailuresAndSurvival(t *testing.T) {
	r := newRig(t, config, nil)
	r.vod.Script("RefreshVodObjectCaches", vodfake.ErrorReply("InvalidDomain.NotFound"))
	for _, tt := range []struct {
		name  string
		event string
		want  string
	}{
		{"malformed JSON", `{"events": [`, "malformed JSON"},
		{"unknown shape", `{"Records":[{"s3":{}}]}`, "unrecognised event"},
		{"record without a key", `{"events":[{"eventName":"ObjectCreated:PutObject","oss":{"bucket":{"name":"media-bucket"},"object":{}}}]}`, "missing oss.object.key"},
		{"a permanent VOD error", string(ossEvent("images/a.png")), "InvalidDomain.NotFound"},
		{"deeply nested JSON", strings.Repeat("[", 100000) + strings.Repeat("]", 100000), "max depth"},
		{"not JSON at all", "\x00\xff\xfe", "not a JSON object or array"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := r.invoke(t, []byte(tt.event), fcemu.Invocation{})
			if o.Error == nil || !strings.Contains(o.Error.Message, tt.want) {
				t.Fatalf("outcome %+v %s, want an error mentioning %q", o.Error, o.Response, tt.want)
			}
			if strings.Contains(o.Error.Message, stsSecret) || strings.Contains(o.Error.Message, stsToken) {
				t.Errorf("the error leaks a secret: %s", o.Error.Message)
			}
		})
	}
	o := r.invoke(t, ossEvent("images/after.png"), fcemu.Invocation{RetryCount: 1})
	if o.Error != nil || r.proc.exited() {
		t.Fatalf("the process did not answer after failures: %+v; stderr: %s", o.Error, r.proc.stderr.String())
	}
	if !strings.Contains(r.proc.stdout.String()+r.proc.stderr.String(), `"retryCount":1`) {
		t.Errorf("the retried invocation was not logged as one")
	}
	for _, out := range []string{r.proc.stdout.String(), r.proc.stderr.String()} {
		if strings.Contains(out, stsSecret) || strings.Contains(out, stsToken) || strings.Contains(out, envSecret) {
			t.Errorf("the process printed a secret: %s", out)
		}
	}
}

// A bad configuration fails every OSS invocation with the reason, so events
// are retried and dead-lettered rather than lost; an HTTP request is still
// answered 503, so that its sender retries, without the reason, which only
// the function's log and the OSS errors carry.
func TestBadConfiguration(t *testing.T) {
	r := newRig(t, "domains: [ftp://nope]\noss: []\n", nil)
	o := r.invoke(t, ossEvent("images/a.png"), fcemu.Invocation{})
	if o.Error == nil || !strings.Contains(o.Error.Message, "domains[0]") {
		t.Fatalf("outcome %+v", o)
	}
	o = r.invoke(t, httpEvent(map[string]string{}, `{}`), fcemu.Invocation{})
	var resp struct {
		StatusCode int    `json:"statusCode"`
		Body       string `json:"body"`
	}
	if o.Error != nil || json.Unmarshal(o.Response, &resp) != nil || resp.StatusCode != 503 || strings.Contains(resp.Body, "domains") {
		t.Fatalf("an HTTP request: %+v %s, want a 503 answer that names no setting", o.Error, o.Response)
	}
	if !strings.Contains(r.proc.stdout.String(), "domains[0]") {
		t.Errorf("the function's log does not say why it is not configured: %s", r.proc.stdout.String())
	}
}

// Concurrent invocations, each with its own credentials, as FC runs them.
// Under -race the binary is built with the race detector and halts on a race.
func TestConcurrentInvocations(t *testing.T) {
	const n = 16
	creds := testfix.Credentials(n, "STS.key%02d", "secret-%02d")
	r := newRig(t, config, creds)
	outcomes := make([]fcemu.Outcome, n)
	errs := make([]error, n)
	testfix.Parallel(n, func(i int) {
		key := fmt.Sprintf("STS.key%02d", i)
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		outcomes[i], errs[i] = r.emu.Invoke(ctx, ossEvent(fmt.Sprintf("images/%s.png", key)), fcemu.Invocation{
			Credentials: fcemu.Credentials{AccessKeyID: key, AccessKeySecret: creds[key], SecurityToken: "token-" + key},
		})
	})
	for i := range n {
		if errs[i] != nil || outcomes[i].Error != nil {
			t.Errorf("invocation %d: %v %+v", i, errs[i], outcomes[i].Error)
		}
	}
	reqs := r.refreshes()
	if len(reqs) != n {
		t.Fatalf("%d refresh calls, want %d; stderr: %s", len(reqs), n, r.proc.stderr.String())
	}
	for _, q := range reqs {
		if want := "https://img.example.com/images/" + q.AccessKeyID + ".png"; len(q.Paths) != 1 || q.Paths[0] != want || q.SecurityToken != "token-"+q.AccessKeyID {
			t.Errorf("%s sent %q with token %q", q.AccessKeyID, q.Paths, q.SecurityToken)
		}
	}
	if strings.Contains(r.proc.stderr.String(), "DATA RACE") || r.proc.exited() {
		t.Errorf("the function raced or died: %s", r.proc.stderr.String())
	}
}

func init() {
	// Keep the environment of the tests out of the function's.
	os.Unsetenv("FC_RUNTIME_API")
}

// A batch from the MNS queue trigger: the binary reads the OSS events in
// the messages' bodies (CloudEvent text, base64 native notification,
// native notification), and refreshes them in one invocation.
func TestMNSBatch(t *testing.T) {
	r := newRig(t, config, nil)
	o := r.invoke(t, testfix.Read(t, "..", "event", "testdata", "mns-batch.json"), fcemu.Invocation{})
	if o.Error != nil {
		t.Fatalf("error: %+v", o.Error)
	}
	var got []string
	for _, q := range r.refreshes() {
		got = append(got, q.ObjectType+" "+strings.Join(q.Paths, " "))
	}
	want := []string{
		"File https://img.example.com/images/old/a.png https://img.example.com/images/old/b.png https://img.example.com/images/covers/c1.jpg",
		"Directory https://video.example.com/videos/s2/ep01/720p/",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("VOD received\n%q\nwant\n%q", got, want)
	}
}
