package vod_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/internal/testfix"
	"vodrefresh/handler/internal/vodfake"
	"vodrefresh/handler/vod"
)

// The STS credentials of the tests of tampered answers. The token holds
// the characters that percent-encoding changes.
const (
	stsAK     = "STS.tamper-test-key-0001"
	stsSecret = "tamper-test-secret-0001-abcdefghij"
	stsToken  = "CAIS+tamper/test=token-0001-ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
)

// tamperedCase is one field of one action's answer, from
// testdata/tampered_answers.json.
type tamperedCase struct {
	Action string `json:"action"`
	Field  string `json:"field"`
	// Names is the field the error must name; empty for free text, which
	// is redacted rather than refused.
	Names string `json:"names"`
	// Error, when set, makes the answer that error (HTTP 400); Code is
	// the code the call must fail with then.
	Error string `json:"error"`
	Code  string `json:"code"`
	Note  string `json:"note"`
}

// stsClient dials srv with STS credentials, as an invocation does.
func stsClient(t *testing.T, srv *vodfake.Server) vod.Client {
	t.Helper()
	ep, err := vod.ParseEndpoint(srv.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	c, err := vod.NewConnector(ep, nil).Dial(vod.STS{AccessKeyID: stsAK, AccessKeySecret: stsSecret, SecurityToken: stsToken})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// tamperedCall makes the case's call through c, after the calls that
// give it something to report (a task, a media job), and returns what it
// read.
func tamperedCall(ctx context.Context, t *testing.T, c vod.Client, srv *vodfake.Server, tc tamperedCase, reply vodfake.Reply) (any, error) {
	t.Helper()
	switch tc.Action {
	case "RefreshVodObjectCaches":
		srv.Script(tc.Action, reply)
		return c.Refresh(ctx, "File", []string{"https://video.example.com/a.mp4", "https://video.example.com/b.mp4"})
	case "PreloadVodObjectCaches":
		srv.Script(tc.Action, reply)
		return c.Preload(ctx, []string{"https://video.example.com/a.mp4"})
	case "DescribeVodRefreshQuota":
		srv.Script(tc.Action, reply)
		return c.Quota(ctx)
	case "DescribeVodRefreshTasks":
		r, err := c.Refresh(ctx, "File", []string{"https://video.example.com/a.mp4"})
		if err != nil || len(r.TaskIDs) != 1 {
			t.Fatalf("refresh: %+v, %v", r, err)
		}
		srv.Script(tc.Action, reply)
		return c.Tasks(ctx, vod.TaskFilter{TaskID: r.TaskIDs[0]})
	case "RefreshMediaPlayUrls":
		srv.SetNonExistent("gone0001")
		srv.SetForbidden("locked0001")
		srv.Script(tc.Action, reply)
		return c.RefreshMediaPlayUrls(ctx, []string{"video0001", "gone0001", "locked0001"}, vod.MediaOptions{})
	case "GetMediaRefreshJobs":
		r, err := c.RefreshMediaPlayUrls(ctx, []string{"video0001"}, vod.MediaOptions{})
		if err != nil || r.JobID == "" {
			t.Fatalf("RefreshMediaPlayUrls: %+v, %v", r, err)
		}
		srv.Script(tc.Action, reply)
		return c.GetMediaRefreshJobs(ctx, r.JobID)
	}
	t.Fatalf("no call for %s", tc.Action)
	return nil, nil
}

// Every field of every action's answer that holds what the request
// carried (the STS token, the signature, the whole query string) is
// refused, with an error that names the field, or, as free text,
// redacted: neither the error nor what the call read holds any 20
// characters of the token or of a signature.
func TestTamperedAnswers(t *testing.T) {
	var cases []tamperedCase
	if err := json.Unmarshal(testfix.Read(t, "testdata", "tampered_answers.json"), &cases); err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		for _, inject := range vodfake.Injections {
			name := tc.Action + "/" + tc.Field + "/" + inject
			if tc.Error != "" {
				name = tc.Action + "/error/" + tc.Field + "/" + inject
			}
			t.Run(name, func(t *testing.T) {
				srv, err := vodfake.Start(vodfake.Options{Credentials: map[string]string{stsAK: stsSecret}, Lifetime: time.Minute, MaxRequests: 20})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(srv.Close)
				reply := vodfake.Tampered(tc.Field, inject)
				if tc.Error != "" {
					reply = vodfake.ErrorReply(tc.Error)
					reply.Field, reply.Inject = tc.Field, inject
				}
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				got, err := tamperedCall(ctx, t, stsClient(t, srv), srv, tc, reply)
				checkTampered(t, srv, tc, got, err)
			})
		}
	}
}

func checkTampered(t *testing.T, srv *vodfake.Server, tc tamperedCase, got any, err error) {
	t.Helper()
	if srv.Rejected() != 0 {
		t.Fatalf("%d requests failed the signature check", srv.Rejected())
	}
	secrets := []string{stsToken, stsSecret}
	for _, r := range srv.Requests() {
		if r.SecurityToken != stsToken {
			t.Fatalf("a request carried the token %q", r.SecurityToken)
		}
		secrets = append(secrets, r.Params.Get("Signature"))
	}
	wantCode := cmpOr(tc.Code, vod.CodeMalformedAnswer)
	switch {
	case tc.Names == "" && tc.Error == "":
		if err != nil {
			t.Errorf("free text refused: %v", err)
		}
	case err == nil:
		t.Errorf("the call succeeded")
	default:
		ae, ok := vod.AsAPIError(err)
		if !ok || ae.Code != wantCode {
			t.Errorf("error %v, want code %s", err, wantCode)
		}
		if want := "VOD answered " + tc.Names + " in an unexpected form"; tc.Names != "" && !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	out, _ := json.Marshal(got)
	for where, s := range map[string]string{"what the call read": string(out), "the error": errText(err)} {
		if leak := testfix.Leak(s, secrets...); leak != "" {
			t.Errorf("%s holds %q", where, leak)
		}
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// A success answered in an unexpected form may hide a refresh VOD took:
// Send does not try it again within the invocation, and leaves it to FC's
// retries (Defer).
func TestMalformedAnswerIsNotRetried(t *testing.T) {
	srv, err := vodfake.Start(vodfake.Options{Credentials: map[string]string{stsAK: stsSecret}, Lifetime: time.Minute, MaxRequests: 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	r := vodfake.Tampered("RefreshTaskId", "SecurityToken")
	srv.Script("RefreshVodObjectCaches", r, r, r, r)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	call := vod.Send(ctx, stsClient(t, srv), "File", []string{"https://video.example.com/a.mp4"},
		vod.Backoff{Base: time.Millisecond, Cap: 2 * time.Millisecond, Attempts: 4, Slow: time.Millisecond})
	if call.Sent || call.Attempts != 1 || call.Error == nil || call.Error.Code != vod.CodeMalformedAnswer || call.Error.Outcome != vod.Defer {
		t.Fatalf("call %+v, error %+v", call, call.Error)
	}
	if n := srv.Calls("RefreshVodObjectCaches"); n != 1 {
		t.Errorf("%d calls, want 1", n)
	}
	if len(call.TaskIDs) != 0 || call.RequestID != "" {
		t.Errorf("the call kept %q %q", call.TaskIDs, call.RequestID)
	}
	if !strings.Contains(call.Error.Message, "RefreshTaskId") {
		t.Errorf("message %q", call.Error.Message)
	}
}
