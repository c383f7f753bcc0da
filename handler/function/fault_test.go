package function

import (
	"context"
	"errors"
	"testing"
	"time"

	"vodrefresh/handler/internal/vodfake"
	"vodrefresh/handler/submit"
	"vodrefresh/handler/vod"
)

// faultRow is a failure injected into the fake VOD and the outcome it is
// classified as.
type faultRow struct {
	name    string
	reply   vodfake.Reply
	outcome vod.Outcome
}

// faultRows is every row of the classification: failures without a known
// code, then each of the seed's error codes.
func faultRows() []faultRow {
	rows := []faultRow{
		{"connection dropped", vodfake.Reply{Drop: true}, vod.Retry},
		{"non-JSON 502", vodfake.Reply{Status: 502, Body: "<html>Bad Gateway</html>"}, vod.Retry},
		{"unknown 5xx code", vodfake.Reply{Status: 500, Code: "InternalError", Message: "x"}, vod.Retry},
		{"unknown 4xx code", vodfake.Reply{Status: 400, Code: "Some.NewError", Message: "x"}, vod.Defer},
		{"non-JSON 404", vodfake.Reply{Status: 404, Body: "not found"}, vod.Defer},
	}
	for _, code := range vodfake.SeedErrorCodes() {
		rows = append(rows, faultRow{code, vodfake.ErrorReply(code), vod.Classify(&vod.APIError{Code: code}).Outcome})
	}
	return rows
}

// seedOutcomes is the decided outcome of each seed code.
var seedOutcomes = map[string]vod.Outcome{
	"Throttling": vod.Retry, "ServiceBusy": vod.Retry, "InvalidDomain.Configure_failed": vod.Retry,
	"QuotaPerMinuteExceeded.Refresh": vod.Defer, "QuotaExceeded.Refresh": vod.QuotaExhausted,
	"IllegalOperation": vod.Permanent, "OperationDenied": vod.Permanent, "OperationDenied.Suspended": vod.Permanent,
	"InvalidDomain.NotFound": vod.Permanent, "InvalidDomain.Offline": vod.Permanent, "InvalidExtensiveDomain.ValueNotSupported": vod.Permanent,
	"MissingParameter": vod.Prevented, "InvalidObjectType.ValueNotSupported": vod.Prevented, "InvalidObjectPath.Malformed": vod.Prevented,
}

// faultAttempts is how many times the handler tries a call.
const faultAttempts = 3

// Every row of the classification, injected into the fake VOD: the code N
// times, then success.
func TestFaultInjection(t *testing.T) {
	rows := faultRows()
	for _, r := range rows {
		if w, ok := seedOutcomes[r.name]; ok && r.outcome != w {
			t.Errorf("%s is classified %s, want %s", r.name, r.outcome, w)
		}
	}
	for _, r := range rows {
		for _, times := range []int{faultAttempts - 1, faultAttempts} {
			t.Run(r.name+"/"+string(rune('0'+times))+" times", func(t *testing.T) {
				checkFault(t, r, times)
			})
		}
	}
}

// checkFault injects r's failure times into the fake VOD, then lets calls
// succeed, and checks that a two-path invocation succeeds when the failure
// is retryable and gives out before the attempts do, and otherwise fails
// with r's outcome after the right number of calls.
func checkFault(t *testing.T, r faultRow, times int) {
	srv := startFake(t, nil)
	for range times {
		srv.Script("RefreshVodObjectCaches", r.reply)
	}
	h := fakeHandler(t, srv, planConfig, nil)
	ctx := withFCCredentials(context.Background(), testAK, testSecret, testToken)
	res, err := handle(h, ctx, nativeEvent([2]string{"ObjectCreated:PutObject", "images/a.png"}, [2]string{"ObjectCreated:PutObject", "images/b.png"}))
	calls := srv.Calls("RefreshVodObjectCaches")
	if res == nil || len(res.Paths) != 2 {
		t.Fatalf("result %+v, error %v", res, err)
	}
	retryable := r.outcome == vod.Retry || r.outcome == vod.Defer
	succeeds := retryable && times < faultAttempts
	if succeeds {
		if err != nil || calls != times+1 || res.Paths[0].Status != submit.StatusSubmitted || res.Paths[0].TaskID == "" {
			t.Errorf("calls %d, error %v, paths %+v", calls, err, res.Paths)
		}
		// the batch went through once: no path sent twice after success
		if sent := len(refreshes(srv)); sent != calls {
			t.Errorf("%d refreshes recorded for %d calls", sent, calls)
		}
		return
	}
	var se *submit.Error
	if !errors.As(err, &se) || se.Outcome() != r.outcome {
		t.Fatalf("error %v, want a submit.Error with outcome %s", err, r.outcome)
	}
	wantCalls := 1
	if retryable {
		wantCalls = faultAttempts
	}
	if calls != wantCalls {
		t.Errorf("%d calls, want %d", calls, wantCalls)
	}
	for _, p := range res.Paths {
		if p.Status != submit.StatusFailed || p.Code == "" {
			t.Errorf("path %+v not reported failed", p)
		}
	}
	if c := res.Calls[0]; c.Error.Action == "" || c.Attempts != wantCalls {
		t.Errorf("call %+v %+v", c, c.Error)
	}
}

// Throttling on every call: the invocation gives up before its deadline,
// reports every path failed, and returns an error for FC to retry.
func TestThrottledThroughout(t *testing.T) {
	srv := startFake(t, nil)
	for range 50 {
		srv.Script("RefreshVodObjectCaches", vodfake.ErrorReply("Throttling"))
	}
	ep, _ := vod.ParseEndpoint(srv.Endpoint())
	h, err := New(mustConfig(t, "batch: {files: 1}\n"+planConfig), Options{Connector: vod.NewConnector(ep, nil)}) // the real backoff policy
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(withFCCredentials(context.Background(), testAK, testSecret, testToken), 3*time.Second)
	defer cancel()
	res, err := handle(h, ctx, nativeEvent(
		[2]string{"ObjectCreated:PutObject", "images/a.png"},
		[2]string{"ObjectCreated:PutObject", "images/b.png"},
		[2]string{"ObjectCreated:PutObject", "images/c.png"}))
	if ctx.Err() != nil {
		t.Errorf("the invocation ran into its deadline")
	}
	var se *submit.Error
	if !errors.As(err, &se) || se.Outcome() != vod.Retry {
		t.Fatalf("error %v", err)
	}
	if len(res.Paths) != 3 {
		t.Fatalf("paths %+v", res.Paths)
	}
	for _, p := range res.Paths {
		if p.Status != submit.StatusFailed {
			t.Errorf("path %+v", p)
		}
	}
	if n := srv.Calls("RefreshVodObjectCaches"); n < 1 || n > vod.DefaultAttempts {
		t.Errorf("%d calls: only the first batch is tried, at most %d times", n, vod.DefaultAttempts)
	}
}
