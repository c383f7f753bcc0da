package submit_test

import (
	"reflect"
	"sync/atomic"
	"testing"

	"vodrefresh/handler/internal/vodmem"
	"vodrefresh/handler/refresh"
	"vodrefresh/handler/store"
	"vodrefresh/handler/vod"
)

// failByType answers the refresh calls of each object type in codes with
// its code, and the others as vodmem does.
func failByType(codes map[string]string) func(vodmem.Call) error {
	return func(c vodmem.Call) error {
		if code, ok := codes[c.ObjectType]; ok && c.Action == "RefreshVodObjectCaches" {
			return apiError(c.Action, code)
		}
		return nil
	}
}

// The operator's actions of the codes the cases below fail with, as the
// error table of handler/vod words them.
const (
	throttled = "[retry: VOD is throttling requests; retried with backoff]"
	expired   = "[defer: the STS token expired; FC's retry brings fresh credentials]"
	spentOut  = "[quota-exhausted: today's refresh quota is spent; the paths are refreshed when FC retries after the quota resets, or replay the dead-lettered event]"
	noRAM     = "[permanent: the role lacks permission: grant the RAM policy in the README]"
)

// A failed call fails the invocation with a *submit.Error whose outcome
// is the most pressing of its calls' (retry, then defer, then quota, then
// permanent), and whose message tells the operator, in words, what failed
// and what to do. A failure that more calls would only repeat stops the
// calls after it; a quota failure stops the calls of its object type, and
// makes the next invocation read the quota again. Each failed path is
// listed with its code, and the ledger counts only what went through.
func TestSendFailures(t *testing.T) {
	a, b, c, d := cdn("img/a.png"), cdn("img/b.png"), cdn("img/c.png"), cdn("dir/show/")
	cases := []struct {
		name    string
		fail    map[string]string // code by object type
		outcome vod.Outcome
		failed  int // calls
		refresh int // RefreshVodObjectCaches calls VOD answered, tries included
		paths   []string
		message string
		spent   store.Amount
		// forgotten: the ledger dropped its reading, and the next
		// invocation reads the quota from the service again.
		forgotten bool
	}{
		{
			name: "throttling stops every call after it", fail: map[string]string{"File": "Throttling", "Directory": "Throttling"},
			outcome: vod.Retry, failed: 3, refresh: 3,
			paths: []string{"failed File " + a + " code=Throttling", "failed File " + b + " code=Throttling",
				"failed File " + c + " code=NotSent", "failed Directory " + d + " code=NotSent"},
			message: "3 of 3 refresh calls failed (4 paths not refreshed); File call of 2 paths: Throttling (HTTP 400): injected Throttling after 3 attempt(s) " + throttled,
		},
		{
			name: "an expired token is deferred to FC's retry", fail: map[string]string{"File": "InvalidSecurityToken.Expired"},
			outcome: vod.Defer, failed: 3, refresh: 3,
			paths: []string{"failed File " + a + " code=InvalidSecurityToken.Expired", "failed File " + b + " code=InvalidSecurityToken.Expired",
				"failed File " + c + " code=NotSent", "failed Directory " + d + " code=NotSent"},
			message: "3 of 3 refresh calls failed (4 paths not refreshed); File call of 2 paths: InvalidSecurityToken.Expired (HTTP 400): injected InvalidSecurityToken.Expired after 3 attempt(s) " + expired,
		},
		{
			name: "the URL quota spent: directories still go", fail: map[string]string{"File": "QuotaExceeded.Refresh"},
			outcome: vod.QuotaExhausted, failed: 2, refresh: 2, forgotten: true, spent: store.Amount{Dirs: 1},
			paths: []string{"failed File " + a + " code=QuotaExceeded.Refresh", "failed File " + b + " code=QuotaExceeded.Refresh",
				"failed File " + c + " code=NotSent", "submitted Directory " + d + " task=1"},
			message: "2 of 3 refresh calls failed (3 paths not refreshed); File call of 2 paths: QuotaExceeded.Refresh (HTTP 400): injected QuotaExceeded.Refresh after 1 attempt(s) " + spentOut +
				"; submitted tasks: 1",
		},
		{
			name: "a permanent failure stops nothing else", fail: map[string]string{"Directory": "Forbidden.RAM"},
			outcome: vod.Permanent, failed: 1, refresh: 3, spent: store.Amount{URLs: 3},
			paths: []string{"submitted File " + a + " task=1", "submitted File " + b + " task=2", "submitted File " + c + " task=3",
				"failed Directory " + d + " code=Forbidden.RAM"},
			message: "1 of 3 refresh calls failed (1 paths not refreshed); Directory call of 1 paths: Forbidden.RAM (HTTP 400): injected Forbidden.RAM after 1 attempt(s) " + noRAM +
				"; submitted tasks: 1,2,3",
		},
		{
			name: "the quota outranks a permanent failure", fail: map[string]string{"File": "QuotaExceeded.Refresh", "Directory": "Forbidden.RAM"},
			outcome: vod.QuotaExhausted, failed: 3, refresh: 2, forgotten: true,
			paths: []string{"failed File " + a + " code=QuotaExceeded.Refresh", "failed File " + b + " code=QuotaExceeded.Refresh",
				"failed File " + c + " code=NotSent", "failed Directory " + d + " code=Forbidden.RAM"},
			message: "3 of 3 refresh calls failed (4 paths not refreshed); File call of 2 paths: QuotaExceeded.Refresh (HTTP 400): injected QuotaExceeded.Refresh after 1 attempt(s) " + spentOut +
				"; Directory call of 1 paths: Forbidden.RAM (HTTP 400): injected Forbidden.RAM after 1 attempt(s) " + noRAM,
		},
		{
			name: "a retry outranks permanent failures", fail: map[string]string{"File": "Forbidden.RAM", "Directory": "Throttling"},
			outcome: vod.Retry, failed: 3, refresh: 1 + 1 + 3,
			paths: []string{"failed File " + a + " code=Forbidden.RAM", "failed File " + b + " code=Forbidden.RAM",
				"failed File " + c + " code=Forbidden.RAM", "failed Directory " + d + " code=Throttling"},
			message: "3 of 3 refresh calls failed (4 paths not refreshed); File call of 2 paths: Forbidden.RAM (HTTP 400): injected Forbidden.RAM after 1 attempt(s) " + noRAM +
				"; File call of 1 paths: Forbidden.RAM (HTTP 400): injected Forbidden.RAM after 1 attempt(s) " + noRAM +
				"; Directory call of 1 paths: Throttling (HTTP 400): injected Throttling after 3 attempt(s) " + throttled,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pl, _ := planner(t)
			p := plan(t, pl, refresh.Input{Records: indexed(put("img/a.png"), put("img/b.png"), put("img/c.png"), put("dir/show/seg.ts"))})
			r := newRig(&vodmem.Client{Fail: failByType(tc.fail)})
			got := r.invoke(t, pl, p)
			se := asSubmitError(t, got.err)
			if o := se.Outcome(); o != tc.outcome {
				t.Errorf("outcome %s, want %s", o, tc.outcome)
			}
			if n := len(se.Failed()); n != tc.failed || len(se.Calls) != 3 {
				t.Errorf("%d of %d calls failed, want %d of 3", n, len(se.Calls), tc.failed)
			}
			msg := se.Error()
			if msg != tc.message {
				t.Errorf("message\n%s\nwant\n%s", msg, tc.message)
			}
			noGoType(t, msg)
			if s := statuses(got.res); !reflect.DeepEqual(s, tc.paths) {
				t.Errorf("paths\n%q\nwant\n%q", s, tc.paths)
			}
			checkCalls(t, r.vod, callCounts{"RefreshVodObjectCaches": tc.refresh, "DescribeVodRefreshQuota": 1})
			l := r.book(t)
			if l.Spent != tc.spent || l.Held != (store.Amount{}) || l.Have == tc.forgotten {
				t.Errorf("the ledger: %+v; want %+v spent, nothing held, the reading forgotten: %v", l, tc.spent, tc.forgotten)
			}
			source, reads := "cache", 1
			if tc.forgotten {
				source, reads = "api", 2
			}
			if q := r.quota(t); q.Source != source || r.vod.Calls("DescribeVodRefreshQuota") != reads {
				t.Errorf("the next invocation reads the quota from %q (%d reads), want %q (%d)", q.Source, r.vod.Calls("DescribeVodRefreshQuota"), source, reads)
			}
		})
	}
}

// A call that is throttled once and then taken is no failure: the path
// is submitted, and the call counts both tries.
func TestSendRetriedCallGoesThrough(t *testing.T) {
	var tries atomic.Int32
	c := &vodmem.Client{Fail: func(call vodmem.Call) error {
		if call.Action == "RefreshVodObjectCaches" && tries.Add(1) == 1 {
			return apiError(call.Action, "ServiceBusy")
		}
		return nil
	}}
	pl, _ := planner(t)
	r := newRig(c)
	got := r.invoke(t, pl, plan(t, pl, refresh.Input{Records: indexed(put("img/a.png"))}))
	if got.err != nil {
		t.Fatal(got.err)
	}
	if call := got.res.Calls[0]; !call.Sent || call.Attempts != 2 || call.Error != nil || !reflect.DeepEqual(call.TaskIDs, []string{"1"}) {
		t.Errorf("call %+v, want sent on the second try", call)
	}
	checkCalls(t, c, callCounts{"RefreshVodObjectCaches": 2, "DescribeVodRefreshQuota": 1})
	if l := r.book(t); l.Spent != (store.Amount{URLs: 1}) {
		t.Errorf("the ledger spent %+v, want 1 URL", l.Spent)
	}
}
