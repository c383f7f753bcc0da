package function

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/internal/testfix"
	"vodrefresh/handler/internal/vodfake"
	"vodrefresh/handler/submit"
	"vodrefresh/handler/vod"
)

// The STS token of the tests of tampered answers: long, and with the
// characters that percent-encoding changes.
const tamperToken = "CAIS+fn/tamper=token-0001-ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// tamperSecrets are the secrets no output may hold any 20 characters of:
// the token, the key secret, and every signature srv received.
func tamperSecrets(srv *vodfake.Server) []string {
	out := []string{tamperToken, testSecret}
	for _, r := range srv.Requests() {
		out = append(out, r.Params.Get("Signature"))
	}
	return out
}

// assertNoLeak fails when out, or any line of logs, holds 20 characters of
// a secret of srv's requests.
func assertNoLeak(t *testing.T, srv *vodfake.Server, outputs map[string]string, logs string) {
	t.Helper()
	secrets := tamperSecrets(srv)
	if len(secrets) < 3 {
		t.Fatal("no request reached the fake")
	}
	for where, s := range outputs {
		if leak := testfix.Leak(s, secrets...); leak != "" {
			t.Errorf("%s holds %q", where, leak)
		}
	}
	for i, line := range strings.Split(logs, "\n") {
		if leak := testfix.Leak(line, secrets...); leak != "" {
			t.Errorf("log line %d holds %q", i+1, leak)
		}
	}
}

// tamperedLogger logs every level as JSON into a buffer.
func tamperedLogger() (*slog.Logger, *testfix.SyncBuffer) {
	buf := &testfix.SyncBuffer{}
	return slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})), buf
}

// An OSS event whose refresh, quota, task listing or prefetch VOD answers
// with a field holding the request (the token, the signature, the query
// string): no result, error or log line holds any of it. A refresh so
// answered fails, deferred to FC's retries, tried once, with an error
// naming the field; a quota so answered is planned around; a listing or a
// prefetch so answered leaves the refresh standing.
func TestInvokeTamperedAnswers(t *testing.T) {
	tests := []struct {
		action, field string
		names         string // the field the invocation's error names; "" when it succeeds
		logged        string // the field a log line names
	}{
		{"RefreshVodObjectCaches", "RefreshTaskId", "RefreshTaskId", "RefreshTaskId"},
		{"RefreshVodObjectCaches", "RequestId", "RequestId", "RequestId"},
		{"DescribeVodRefreshQuota", "UrlRemain", "", "UrlRemain"},
		{"DescribeVodRefreshQuota", "RequestId", "", "RequestId"},
		{"DescribeVodRefreshTasks", "Tasks.Task.Status", "", ""},
		{"DescribeVodRefreshTasks", "Tasks.Task.ObjectPath", "", ""},
		{"PreloadVodObjectCaches", "PreloadTaskId", "", "PreloadTaskId"},
	}
	for _, tt := range tests {
		for _, inject := range vodfake.Injections {
			t.Run(tt.action+"/"+tt.field+"/"+inject, func(t *testing.T) {
				srv := startFake(t, nil)
				srv.Script(tt.action, vodfake.Tampered(tt.field, inject))
				log, logs := tamperedLogger()
				h := followHandler(t, srv, nil)
				h.log = log
				ctx, cancel := context.WithTimeout(withFCCredentials(context.Background(), testAK, testSecret, tamperToken), 20*time.Second)
				defer cancel()
				res, err := handle(h, ctx, nativeEvent([2]string{"ObjectCreated:PutObject", "videos/a.mp4"}))
				if res == nil {
					t.Fatalf("no result: %v", err)
				}
				out, _ := json.Marshal(&Result{res})
				if srv.Calls(tt.action) == 0 {
					t.Fatalf("no %s call was made", tt.action)
				}
				if tt.names == "" {
					if err != nil {
						t.Errorf("the invocation failed: %v", err)
					}
				} else {
					var se *submit.Error
					want := "VOD answered " + tt.names + " in an unexpected form"
					if !errors.As(err, &se) || !strings.Contains(err.Error(), want) {
						t.Errorf("error %v does not say %q", err, want)
					} else if f := se.Failed(); len(f) != 1 || f[0].Error.Code != vod.CodeMalformedAnswer || f[0].Error.Outcome != vod.Defer || f[0].Attempts != 1 {
						t.Errorf("failed calls %+v", f)
					}
					if n := srv.Calls(tt.action); n != 1 {
						t.Errorf("%d %s calls, want 1", n, tt.action)
					}
				}
				if tt.logged != "" && !strings.Contains(logs.String(), "VOD answered "+tt.logged+" in an unexpected form") {
					t.Errorf("no log line names %s:\n%s", tt.logged, logs)
				}
				assertNoLeak(t, srv, map[string]string{"the result": string(out), "the error": errString(err)}, logs.String())
			})
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// A webhook whose refresh VOD answers with a field holding the request is
// answered with the code MalformedAnswer, never with the field; the log
// names the field; neither holds any of the token or the signature.
func TestHTTPTamperedAnswers(t *testing.T) {
	for _, field := range []string{"RefreshTaskId", "RequestId"} {
		for _, inject := range vodfake.Injections {
			t.Run(field+"/"+inject, func(t *testing.T) {
				srv := startFake(t, nil)
				srv.Script("RefreshVodObjectCaches", vodfake.Tampered(field, inject))
				log, logs := tamperedLogger()
				h := hookHandler(t, srv, log)
				ctx, cancel := context.WithTimeout(withFCCredentials(context.Background(), testAK, testSecret, tamperToken), 20*time.Second)
				defer cancel()
				ev := httpEvent("POST", "/hooks/generic", signedGeneric(t, "msg_tamper", hookGood, hookNow), []byte(hookGood), false)
				a, err := h.Invoke(ctx, ev)
				if err != nil {
					t.Fatal(err)
				}
				resp, ok := a.(*HTTPResponse)
				if !ok {
					t.Fatalf("answer %T", a)
				}
				// Deferred: no shared store keeps it here, so the sender is
				// asked to send it again.
				if resp.StatusCode != 503 || !strings.Contains(resp.Body, `"code":"`+vod.CodeMalformedAnswer+`"`) || strings.Contains(resp.Body, field) {
					t.Errorf("answer %d %s", resp.StatusCode, resp.Body)
				}
				if !strings.Contains(logs.String(), "VOD answered "+field+" in an unexpected form") {
					t.Errorf("no log line names %s:\n%s", field, logs)
				}
				out, _ := json.Marshal(a)
				assertNoLeak(t, srv, map[string]string{"the answer": string(out), "the body": resp.Body}, logs.String())
			})
		}
	}
}
