package function

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/fc-runtime-go-sdk/fccontext"

	"vodrefresh/handler/internal/testfix"
	"vodrefresh/handler/internal/vodfake"
	"vodrefresh/handler/submit"
	"vodrefresh/handler/vod"
)

const (
	testAK     = "LTAItestkey0001"
	testSecret = "s3cret-value-for-tests-0001"
	testToken  = "CAIS-sts-token-for-tests-0001"
)

func startFake(t *testing.T, creds map[string]string) *vodfake.Server {
	t.Helper()
	if creds == nil {
		creds = map[string]string{testAK: testSecret}
	}
	srv, err := vodfake.Start(vodfake.Options{Credentials: creds, Lifetime: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// refreshes returns the RefreshVodObjectCaches requests the fake accepted.
func refreshes(srv *vodfake.Server) []vodfake.Request {
	var out []vodfake.Request
	for _, r := range srv.Requests() {
		if r.Action == "RefreshVodObjectCaches" {
			out = append(out, r)
		}
	}
	return out
}

// fakeHandler is the function configured by doc and env, against srv; log,
// when given, receives its logs.
func fakeHandler(t *testing.T, srv *vodfake.Server, doc string, env map[string]string, log ...*slog.Logger) *Handler {
	t.Helper()
	opts := fakeOptions(t, srv, env)
	if len(log) > 0 {
		opts.Logger = log[0]
	}
	h, err := New(mustConfig(t, doc), opts)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// fakeOptions are the options of a handler on srv, with env as its
// environment and a fast retry policy.
func fakeOptions(t *testing.T, srv *vodfake.Server, env map[string]string) Options {
	t.Helper()
	ep, err := vod.ParseEndpoint(srv.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	return Options{
		Connector: vod.NewConnector(ep, func(k string) string { return env[k] }),
		Getenv:    func(k string) string { return env[k] },
		Backoff:   vod.Backoff{Base: time.Millisecond, Cap: 4 * time.Millisecond, Attempts: 3, Slow: time.Millisecond},
	}
}

func withFCCredentials(ctx context.Context, ak, secret, token string) context.Context {
	return fccontext.NewContext(ctx, &fccontext.FcContext{
		RequestID:   "req-" + ak,
		Credentials: fccontext.Credentials{AccessKeyId: ak, AccessKeySecret: secret, SecurityToken: token},
	})
}

// nativeEvent is an OSS trigger event of records (event name, key) in
// media-bucket, without the request IDs that name each change.
func nativeEvent(records ...[2]string) []byte { return ossEvent("", records) }

// ossEvent is an OSS trigger event of records in media-bucket. With a
// requestID, each record carries OSS's request ID (requestID-<n>) and an
// ETag, which name the change on every delivery.
func ossEvent(requestID string, records [][2]string) []byte {
	type rec struct {
		EventName string `json:"eventName"`
		OSS       struct {
			Bucket struct {
				Name string `json:"name"`
			} `json:"bucket"`
			Object struct {
				Key  string `json:"key"`
				ETag string `json:"eTag,omitempty"`
			} `json:"object"`
		} `json:"oss"`
		ResponseElements *struct {
			RequestID string `json:"requestId"`
		} `json:"responseElements,omitempty"`
	}
	var ev struct {
		Events []rec `json:"events"`
	}
	for i, r := range records {
		var x rec
		x.EventName = r[0]
		x.OSS.Bucket.Name = "media-bucket"
		x.OSS.Object.Key = r[1]
		if requestID != "" {
			x.OSS.Object.ETag = "ETAG"
			x.ResponseElements = &struct {
				RequestID string `json:"requestId"`
			}{fmt.Sprintf("%s-%d", requestID, i)}
		}
		ev.Events = append(ev.Events, x)
	}
	b, _ := json.Marshal(ev)
	return b
}

func TestRefreshReachesVOD(t *testing.T) {
	srv := startFake(t, nil)
	h := fakeHandler(t, srv, "batch: {files: 2}\n"+planConfig, nil)
	ctx := withFCCredentials(context.Background(), testAK, testSecret, testToken)
	event := testfix.Read(t, "..", "..", "events", "oss-batch.json")
	res, err := handle(h, ctx, event)
	if err != nil {
		t.Fatal(err)
	}
	got := refreshes(srv)
	want := []struct {
		objectType string
		paths      []string
	}{
		{"File", []string{"https://video.example.com/videos/2026/launch.mp4", "https://backup.example.com/videos/2026/launch.mp4"}},
		{"File", []string{"https://img.example.com/images/thumbs/launch.jpg"}},
		{"Directory", []string{"https://video.example.com/hls/launch/720p/"}},
	}
	if len(got) != len(want) {
		t.Fatalf("VOD received %d requests, want %d: %+v", len(got), len(want), got)
	}
	for i, r := range got {
		if r.Action != "RefreshVodObjectCaches" || r.ObjectType != want[i].objectType || !reflect.DeepEqual(r.Paths, want[i].paths) {
			t.Errorf("request %d: %s %s %q, want %s %q", i, r.Action, r.ObjectType, r.Paths, want[i].objectType, want[i].paths)
		}
		if r.AccessKeyID != testAK || r.SecurityToken != testToken {
			t.Errorf("request %d signed by %q with token %q", i, r.AccessKeyID, r.SecurityToken)
		}
	}
	if srv.Rejected() != 0 {
		t.Errorf("%d requests failed the signature check", srv.Rejected())
	}
	if len(res.Calls) != 3 || res.DryRun {
		t.Fatalf("result: %+v", res)
	}
	for i, c := range res.Calls {
		if !c.Sent || len(c.TaskIDs) != len(c.Paths) || c.RequestID == "" {
			t.Errorf("call %d: %+v", i, c)
		}
	}
	if len(res.Skipped) != 1 || res.Skipped[0].Key != "drafts/notes.txt" {
		t.Errorf("skipped: %+v", res.Skipped)
	}
}

func TestRefreshResultCarriesTheAnswer(t *testing.T) {
	srv := startFake(t, nil)
	srv.Script("RefreshVodObjectCaches", vodfake.Reply{Body: `{"RefreshTaskId":"7042201,7042202","RequestId":"D61E4801-EAFF-4A63-0000-FBF6CE1CFD1C"}`})
	h := fakeHandler(t, srv, planConfig, nil)
	ctx := withFCCredentials(context.Background(), testAK, testSecret, testToken)
	out, err := invokeJSON(h, ctx, nativeEvent([2]string{"ObjectCreated:PutObject", "videos/a.mp4"}))
	if err != nil {
		t.Fatal(err)
	}
	var res Result
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Calls) != 1 || !reflect.DeepEqual(res.Calls[0].TaskIDs, []string{"7042201", "7042202"}) || res.Calls[0].RequestID != "D61E4801-EAFF-4A63-0000-FBF6CE1CFD1C" {
		t.Errorf("result: %s", out)
	}
}

func TestEnvironmentCredentials(t *testing.T) {
	srv := startFake(t, nil)
	env := map[string]string{vod.EnvAccessKeyID: testAK, vod.EnvAccessKeySecret: testSecret, vod.EnvSecurityToken: testToken}
	t.Setenv(vod.EnvAccessKeyID, testAK) // the SDK's default provider reads the process environment
	t.Setenv(vod.EnvAccessKeySecret, testSecret)
	t.Setenv(vod.EnvSecurityToken, testToken)
	h := fakeHandler(t, srv, planConfig, env)
	if _, err := handle(h, context.Background(), nativeEvent([2]string{"ObjectCreated:PutObject", "images/a.png"})); err != nil {
		t.Fatal(err)
	}
	reqs := refreshes(srv)
	if len(reqs) != 1 || reqs[0].AccessKeyID != testAK || reqs[0].SecurityToken != testToken {
		t.Fatalf("requests: %+v", reqs)
	}
}

func TestNoCredentials(t *testing.T) {
	srv := startFake(t, nil)
	h := fakeHandler(t, srv, planConfig, nil)
	_, err := handle(h, context.Background(), nativeEvent([2]string{"ObjectCreated:PutObject", "images/a.png"}))
	if !errors.Is(err, vod.ErrNoCredentials) {
		t.Fatalf("error %v, want vod.ErrNoCredentials", err)
	}
	if n := len(srv.Requests()) + srv.Rejected(); n != 0 {
		t.Errorf("%d requests reached VOD", n)
	}
}

func TestDryRunSendsNothing(t *testing.T) {
	srv := startFake(t, nil)
	h, err := New(mustConfig(t, planConfig), Options{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx := withFCCredentials(context.Background(), testAK, testSecret, testToken)
	res, err := handle(h, ctx, nativeEvent([2]string{"ObjectCreated:PutObject", "images/a.png"}))
	if err != nil {
		t.Fatal(err)
	}
	if !res.DryRun || len(res.Calls) != 1 || res.Calls[0].Sent {
		t.Errorf("result: %+v", res)
	}
	if n := len(srv.Requests()) + srv.Rejected(); n != 0 {
		t.Errorf("%d requests reached VOD", n)
	}
}

var signedValue = regexp.MustCompile(`(Signature|SecurityToken)=[^\[&\s]`)

// assertNoSecret fails if s holds the secret, the token or a signature.
func assertNoSecret(t *testing.T, where, s string) {
	t.Helper()
	for _, bad := range []string{testSecret, testToken} {
		if strings.Contains(s, bad) {
			t.Errorf("%s leaks %q: %s", where, bad, s)
		}
	}
	if m := signedValue.FindString(s); m != "" {
		t.Errorf("%s leaks a signed parameter %q: %s", where, m, s)
	}
}

func TestFailuresKeepSecrets(t *testing.T) {
	tests := []struct {
		name   string
		secret string
		reply  *vodfake.Reply
		code   string
	}{
		{"wrong secret", "not-the-secret-0001", nil, "SignatureDoesNotMatch"},
		{"connection dropped", testSecret, &vodfake.Reply{Drop: true}, vod.CodeTransport},
		{"throttled", testSecret, ptr(vodfake.ErrorReply("Throttling")), "Throttling"},
		{"non-JSON 502", testSecret, &vodfake.Reply{Status: 502, Body: "<html>bad gateway SecurityToken=" + testToken + "</html>"}, vod.CodeBadResponse},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startFake(t, nil)
			if tt.reply != nil { // as many times as the handler tries
				srv.Script("RefreshVodObjectCaches", *tt.reply, *tt.reply, *tt.reply)
			}
			h := fakeHandler(t, srv, planConfig, nil)
			ctx := withFCCredentials(context.Background(), testAK, tt.secret, testToken)
			res, err := handle(h, ctx, nativeEvent([2]string{"ObjectCreated:PutObject", "images/a.png"}))
			var se *submit.Error
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a submit.Error", err)
			}
			if f := se.Failed(); len(f) != 1 || f[0].Error.Code != tt.code {
				t.Errorf("failed calls %+v, want one with %q (%v)", f, tt.code, err)
			}
			out, _ := json.Marshal(res)
			assertNoSecret(t, "error", err.Error())
			assertNoSecret(t, "result", string(out))
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestFailureAccountsForEveryCall(t *testing.T) {
	srv := startFake(t, nil)
	srv.Script("RefreshVodObjectCaches",
		vodfake.Reply{Body: `{"RefreshTaskId":"901","RequestId":"A1"}`},
		vodfake.ErrorReply("InvalidDomain.Offline"),
		vodfake.Reply{Body: `{"RefreshTaskId":"903","RequestId":"A3"}`})
	h := fakeHandler(t, srv, "batch: {files: 1}\n"+planConfig, nil)
	ctx := withFCCredentials(context.Background(), testAK, testSecret, testToken)
	res, err := handle(h, ctx, nativeEvent(
		[2]string{"ObjectCreated:PutObject", "images/a.png"},
		[2]string{"ObjectCreated:PutObject", "images/b.png"},
		[2]string{"ObjectCreated:PutObject", "images/c.png"}))
	var se *submit.Error
	if !errors.As(err, &se) {
		t.Fatalf("error %v is not a submit.Error", err)
	}
	// A permanent failure of one call does not stop the others.
	if len(res.Calls) != 3 || !res.Calls[0].Sent || res.Calls[1].Sent || !res.Calls[2].Sent {
		t.Fatalf("calls: %+v", res.Calls)
	}
	if c := res.Calls[1]; c.Error.Code != "InvalidDomain.Offline" || c.Error.Outcome != vod.Permanent || c.Attempts != 1 {
		t.Errorf("failed call: %+v %+v", c, c.Error)
	}
	for _, w := range []string{"1 of 3 refresh calls failed", "InvalidDomain.Offline", "901,903", "enable it"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not mention %q", err, w)
		}
	}
	if n := srv.Calls("RefreshVodObjectCaches"); n != 3 {
		t.Errorf("%d calls, want 3", n)
	}
}

func TestRetryableFailureStopsTheRest(t *testing.T) {
	srv := startFake(t, nil)
	srv.Script("RefreshVodObjectCaches", vodfake.ErrorReply("Throttling"), vodfake.ErrorReply("Throttling"), vodfake.ErrorReply("Throttling"))
	h := fakeHandler(t, srv, "batch: {files: 1}\n"+planConfig, nil)
	ctx := withFCCredentials(context.Background(), testAK, testSecret, testToken)
	res, err := handle(h, ctx, nativeEvent(
		[2]string{"ObjectCreated:PutObject", "images/a.png"},
		[2]string{"ObjectCreated:PutObject", "images/b.png"}))
	var se *submit.Error
	if !errors.As(err, &se) || se.Outcome() != vod.Retry {
		t.Fatalf("error %v", err)
	}
	if n := srv.Calls("RefreshVodObjectCaches"); n != 3 {
		t.Errorf("%d calls, want 3 attempts of the first batch only", n)
	}
	if c := res.Calls[1]; c.Sent || c.Error.Code != vod.CodeNotSent || c.Attempts != 0 {
		t.Errorf("second call: %+v %+v", c, c.Error)
	}
}

func TestCallEndsByTheDeadline(t *testing.T) {
	srv := startFake(t, nil)
	srv.Script("RefreshVodObjectCaches", vodfake.Reply{Delay: 3 * time.Second})
	h := fakeHandler(t, srv, planConfig, nil)
	ctx, cancel := context.WithTimeout(withFCCredentials(context.Background(), testAK, testSecret, testToken), 200*time.Millisecond)
	defer cancel()
	_, err := handle(h, ctx, nativeEvent([2]string{"ObjectCreated:PutObject", "images/a.png"}))
	var se *submit.Error
	if !errors.As(err, &se) || se.Failed()[0].Error.Code != vod.CodeTimeout {
		t.Fatalf("error %v, want a Timeout", err)
	}

}

// FC runs invocations concurrently in one process; each must sign with its
// own credentials. Run with -race.
func TestConcurrentInvocations(t *testing.T) {
	const n = 12
	creds := testfix.Credentials(n, "LTAIkey%04d", "secret-%04d")
	srv := startFake(t, creds)
	h := fakeHandler(t, srv, planConfig, nil)
	errs := make([]error, n)
	testfix.Parallel(n, func(i int) {
		ak := fmt.Sprintf("LTAIkey%04d", i)
		ctx := withFCCredentials(context.Background(), ak, creds[ak], "token-"+ak)
		_, errs[i] = handle(h, ctx, nativeEvent([2]string{"ObjectCreated:PutObject", fmt.Sprintf("images/%s.png", ak)}))
	})
	for i, err := range errs {
		if err != nil {
			t.Errorf("invocation %d: %v", i, err)
		}
	}
	reqs := refreshes(srv)
	if n := srv.Calls("DescribeVodRefreshQuota"); n != 1 {
		t.Errorf("%d quota reads, want 1 for the instance", n)
	}
	if len(reqs) != n {
		t.Fatalf("%d requests, want %d", len(reqs), n)
	}
	for _, r := range reqs {
		want := []string{"https://img.example.com/images/" + r.AccessKeyID + ".png"}
		if !reflect.DeepEqual(r.Paths, want) || r.SecurityToken != "token-"+r.AccessKeyID {
			t.Errorf("request signed by %s carried %q with token %q", r.AccessKeyID, r.Paths, r.SecurityToken)
		}
	}
}

func TestRetriedInvocationIsLogged(t *testing.T) {
	var logs strings.Builder
	h, err := New(mustConfig(t, planConfig), Options{DryRun: true, Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ctx := fccontext.NewContext(context.Background(), &fccontext.FcContext{RequestID: "req-retry-1", RetryCount: 2})
	if _, err := invokeJSON(h, ctx, nativeEvent([2]string{"ObjectCreated:PutObject", "images/a.png"})); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), `"retryCount":2`) || !strings.Contains(logs.String(), "req-retry-1") {
		t.Errorf("logs: %s", logs.String())
	}
	logs.Reset()
	if _, err := invokeJSON(h, withFCCredentials(context.Background(), "a", "b", "c"), nativeEvent([2]string{"ObjectCreated:PutObject", "images/a.png"})); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(logs.String(), "retry") {
		t.Errorf("a first invocation logged as a retry: %s", logs.String())
	}
}

// Keys of 1,023 bytes of Chinese characters make URLs of about 3 KB, 5 KB
// once the query string escapes them again: 900 of them went out as one
// 2.76 MB request that the server refused (431). Batches cut by bytes all
// go through.
func TestLongKeysFitTheQuery(t *testing.T) {
	srv := startFake(t, nil)
	h := fakeHandler(t, srv, "quota: {denseFolder: 100000}\n"+planConfig, nil)
	long := strings.Repeat("新", 337) // "images/" + 1,011 + 4 digits: 1,022 bytes, within OSS's 1,023
	var recs [][2]string
	for i := range 900 {
		recs = append(recs, [2]string{"ObjectCreated:PutObject", fmt.Sprintf("images/%s%04d", long, i)})
	}
	res, err := handle(h, withFCCredentials(context.Background(), testAK, testSecret, testToken), nativeEvent(recs...))
	if err != nil {
		t.Fatal(err)
	}
	sent := 0
	for _, r := range refreshes(srv) {
		sent += len(r.Paths)
	}
	if sent != 900 || len(res.Calls) < 2 {
		t.Errorf("%d paths reached VOD in %d calls", sent, len(res.Calls))
	}
}

// stsLikeToken has '+', '/' and '=' in it, as real STS tokens do, so that
// each encoding depth of it is spelled differently.
const stsLikeToken = "CAIS+Zq8mWvT3xYpL2/Nh4RbKc7dEfG9=Hj5sUuAaBbCcDdEe1234/QwErTyUiOp=="

// tokenPieces returns the pieces of token between its '+', '/' and '='
// that are long enough to identify it: alphanumerics read the same at every
// percent-encoding depth.
func tokenPieces(token string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(token, func(r rune) bool { return strings.ContainsRune("+/=", r) }) {
		if len(p) >= 8 {
			out = append(out, p)
		}
	}
	return out
}

// On SignatureDoesNotMatch the service echoes its string to sign, with the
// token encoded twice: no piece of it may reach the error, the result or a
// log line, for the quota read and the refresh alike.
func TestSignatureErrorKeepsTheTokenOut(t *testing.T) {
	srv := startFake(t, nil)
	var logs testfix.SyncBuffer
	h := fakeHandler(t, srv, planConfig, nil)
	h.log = slog.New(slog.NewJSONHandler(&logs, nil))
	ctx := withFCCredentials(context.Background(), testAK, "not-the-secret-0001", stsLikeToken)
	out, err := invokeJSON(h, ctx, nativeEvent([2]string{"ObjectCreated:PutObject", "images/a.png"}))
	if err == nil || !strings.Contains(err.Error(), "SignatureDoesNotMatch") {
		t.Fatalf("error %v, want SignatureDoesNotMatch", err)
	}
	if !strings.Contains(logs.String(), "SignatureDoesNotMatch") {
		t.Fatalf("the logs do not report the quota read's failure: %s", logs.String())
	}
	res, _ := handle(h, ctx, nativeEvent([2]string{"ObjectCreated:PutObject", "images/b.png"}))
	result, _ := json.Marshal(res)
	for where, text := range map[string]string{"error": err.Error(), "answer": string(out), "logs": logs.String(), "result": string(result)} {
		for _, p := range tokenPieces(stsLikeToken) {
			if strings.Contains(text, p) {
				t.Errorf("the %s holds %q of the token: %s", where, p, text)
			}
		}
	}
}
