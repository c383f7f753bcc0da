package function

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/internal/vodfake"
	"vodrefresh/handler/submit"
	"vodrefresh/handler/vod"
)

// followConfig prefetches and waits for videos; images are only refreshed.
var followConfig = string(mustRead("testdata/follow.yaml"))

func followHandler(t *testing.T, srv *vodfake.Server, logs *bytes.Buffer) *Handler {
	t.Helper()
	ep, _ := vod.ParseEndpoint(srv.Endpoint())
	var log *slog.Logger
	if logs != nil {
		log = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	h, err := New(mustConfig(t, followConfig), Options{Connector: vod.NewConnector(ep, nil), Logger: log,
		Backoff: vod.Backoff{Base: time.Millisecond, Cap: 2 * time.Millisecond, Attempts: 2, Slow: time.Millisecond, Poll: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// follow runs an event of the given records through a followHandler on
// srv, signed with the test's FC credentials.
func follow(t *testing.T, srv *vodfake.Server, recs ...[2]string) (*submit.Result, error) {
	t.Helper()
	h := followHandler(t, srv, nil)
	ctx := withFCCredentials(context.Background(), testAK, testSecret, testToken)
	return handle(h, ctx, nativeEvent(recs...))
}

func TestWaitForTasks(t *testing.T) {
	for _, tt := range []struct {
		name     string
		statuses []string
		final    string
		failed   bool
	}{
		{"complete", []string{"Refreshing", "Refreshing", "Complete"}, "Complete", false},
		{"failed", []string{"Refreshing", "Failed"}, "Failed", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := startFake(t, nil)
			srv.ScriptNewTasks(tt.statuses...)
			res, err := follow(t, srv, [2]string{"ObjectCreated:PutObject", "videos/a.mp4"})
			var te *vod.TaskError
			if tt.failed != errors.As(err, &te) {
				t.Fatalf("error %v", err)
			}
			if len(res.Tasks) != 1 || res.Tasks[0].Status != tt.final {
				t.Errorf("tasks %+v", res.Tasks)
			}
		})
	}
}

// A task query that fails ends the wait: the refresh went through, so the
// invocation does not fail and FC retries nothing; the result keeps the
// status the last query gave, and a WARN line says the tasks were not
// followed to their end, and why.
func TestWaitEndedByAFailedQuery(t *testing.T) {
	srv := startFake(t, nil)
	srv.ScriptNewTasks("Refreshing", "Refreshing", "Complete")
	srv.Script("DescribeVodRefreshTasks", vodfake.Served, vodfake.ErrorReply("Forbidden.RAM"))
	var logs bytes.Buffer
	h := followHandler(t, srv, &logs)
	ctx := withFCCredentials(context.Background(), testAK, testSecret, testToken)
	res, err := handle(h, ctx, nativeEvent([2]string{"ObjectCreated:PutObject", "videos/a.mp4"}))
	if err != nil {
		t.Fatalf("the invocation failed: %v", err)
	}
	if len(res.Tasks) != 1 || res.Tasks[0].Status != "Refreshing" {
		t.Errorf("tasks %+v, want the one task as the first query found it", res.Tasks)
	}
	var warned bool
	for _, line := range strings.Split(logs.String(), "\n") {
		if strings.Contains(line, `"level":"WARN","msg":"refresh tasks not followed to their end"`) {
			warned = strings.Contains(line, "Forbidden.RAM")
		}
	}
	if !warned {
		t.Errorf("no WARN line naming the failed query:\n%s", logs.String())
	}
	assertNoSecret(t, "the log", logs.String())
}

func TestPrefetch(t *testing.T) {
	t.Run("created objects only, after their refresh", testPrefetchCreatedOnly)
	t.Run("a failed refresh is not prefetched", testPrefetchAfterFailedRefresh)
	t.Run("within the preload quota, 100 a call", testPrefetchWithinQuota)
	t.Run("a failed prefetch leaves the refresh standing", testPrefetchFailure)
}

// testPrefetchCreatedOnly: only objects created, and not removed again in
// the same event, are prefetched, after their refresh.
func testPrefetchCreatedOnly(t *testing.T) {
	srv := startFake(t, nil)
	res, err := follow(t, srv,
		[2]string{"ObjectCreated:PutObject", "videos/new.mp4"},
		[2]string{"ObjectRemoved:DeleteObject", "videos/old.mp4"},
		[2]string{"ObjectCreated:PutObject", "videos/gone.mp4"},
		[2]string{"ObjectRemoved:DeleteObject", "videos/gone.mp4"},
		[2]string{"ObjectCreated:PutObject", "images/x.png"})
	if err != nil {
		t.Fatal(err)
	}
	var preloads []vodfake.Request
	order := []string{}
	for _, r := range srv.Requests() {
		order = append(order, r.Action)
		if r.Action == "PreloadVodObjectCaches" {
			preloads = append(preloads, r)
		}
	}
	if len(preloads) != 1 || !reflect.DeepEqual(preloads[0].Paths, []string{"https://video.example.com/videos/new.mp4"}) {
		t.Fatalf("preloads %+v", preloads)
	}
	if order[len(order)-1] != "PreloadVodObjectCaches" || !slices.Contains(order, "RefreshVodObjectCaches") {
		t.Errorf("calls in order %v: the prefetch must follow the refresh", order)
	}
	if res.Prefetch == nil || len(res.Prefetch.Paths) != 1 || len(res.Prefetch.TaskIDs) != 1 {
		t.Errorf("prefetch %+v", res.Prefetch)
	}
}

// testPrefetchAfterFailedRefresh: a video whose refresh failed is skipped.
func testPrefetchAfterFailedRefresh(t *testing.T) {
	srv := startFake(t, nil)
	srv.Script("RefreshVodObjectCaches", vodfake.ErrorReply("InvalidDomain.Offline"))
	res, err := follow(t, srv, [2]string{"ObjectCreated:PutObject", "videos/new.mp4"})
	if err == nil || srv.Calls("PreloadVodObjectCaches") != 0 {
		t.Fatalf("error %v, %d preloads", err, srv.Calls("PreloadVodObjectCaches"))
	}
	if res.Prefetch == nil || len(res.Prefetch.Skipped) != 1 || !strings.Contains(res.Prefetch.Reason, "did not go through") {
		t.Errorf("prefetch %+v", res.Prefetch)
	}
}

// testPrefetchWithinQuota: preloads go 100 a call, and stop at the preload
// quota; the rest are skipped with the reason.
func testPrefetchWithinQuota(t *testing.T) {
	srv, err := vodfake.Start(vodfake.Options{Credentials: map[string]string{testAK: testSecret}, Lifetime: time.Minute, PreloadQuota: 150})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	var recs [][2]string
	for i := range 200 {
		recs = append(recs, [2]string{"ObjectCreated:PutObject", "videos/clip" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + "-" + itoa(i) + ".mp4"})
	}
	res, err := follow(t, srv, recs...)
	if err != nil {
		t.Fatal(err)
	}
	sizes := []int{}
	for _, r := range srv.Requests() {
		if r.Action == "PreloadVodObjectCaches" {
			sizes = append(sizes, len(r.Paths))
		}
	}
	if !reflect.DeepEqual(sizes, []int{100, 50}) || len(res.Prefetch.Skipped) != 50 || !strings.Contains(res.Prefetch.Reason, "preload quota") {
		t.Errorf("preload calls %v, prefetch %+v", sizes, res.Prefetch.Reason)
	}
}

// testPrefetchFailure: a failed prefetch is reported, and does not fail the
// invocation whose refresh went through.
func testPrefetchFailure(t *testing.T) {
	srv := startFake(t, nil)
	srv.Script("PreloadVodObjectCaches", vodfake.ErrorReply("Throttling"))
	res, err := follow(t, srv, [2]string{"ObjectCreated:PutObject", "videos/new.mp4"})
	if err != nil {
		t.Fatalf("a prefetch failure failed the invocation: %v", err)
	}
	if res.Prefetch.Error == nil || res.Prefetch.Error.Code != "Throttling" || len(res.Prefetch.Skipped) != 1 {
		t.Errorf("prefetch %+v", res.Prefetch)
	}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// Every invocation logs exactly one summary line with the request ID and
// the counts, and no line carries a secret.
func TestSummaryLine(t *testing.T) {
	srv := startFake(t, nil)
	var logs bytes.Buffer
	h := followHandler(t, srv, &logs)
	srv.Script("RefreshVodObjectCaches", vodfake.Reply{Drop: true})
	events := [][]byte{
		nativeEvent([2]string{"ObjectCreated:PutObject", "images/a.png"}, [2]string{"ObjectCreated:PutObject", "drafts/x"}),
		nativeEvent([2]string{"ObjectCreated:PutObject", "images/b.png"}),
		[]byte(`{"events": [`),
	}
	for i, ev := range events {
		ctx := withFCCredentials(context.Background(), testAK, testSecret, testToken)
		invokeJSON(h, ctx, ev)
		lines := bufio.NewScanner(bytes.NewReader(logs.Bytes()))
		n := 0
		var sum map[string]any
		for lines.Scan() {
			var m map[string]any
			if err := json.Unmarshal(lines.Bytes(), &m); err != nil {
				t.Fatalf("not a JSON log line: %s", lines.Text())
			}
			if m["requestId"] != "req-"+testAK {
				t.Errorf("line without the request ID: %s", lines.Text())
			}
			if m["msg"] == "invocation" {
				n++
				sum = m
			}
			assertNoSecret(t, "log", lines.Text())
		}
		if n != 1 {
			t.Fatalf("event %d: %d summary lines:\n%s", i, n, logs.String())
		}
		for _, k := range []string{"kind", "source", "records", "submitted", "coalesced", "skipped", "failed", "calls", "taskIds", "durationMs"} {
			if _, ok := sum[k]; !ok && !(i == 2 && (k == "skipped")) {
				t.Errorf("event %d: summary lacks %q: %v", i, k, sum)
			}
		}
		switch i {
		case 0: // the connection dropped once, then submitted
			if sum["submitted"] != 1.0 || sum["skipped"] != 1.0 || sum["calls"] != 2.0 || sum["source"] != "media-bucket" || sum["kind"] != "oss" {
				t.Errorf("summary %v", sum)
			}
			if q, _ := sum["quota"].(map[string]any); q == nil || q["urlRemain"] == nil {
				t.Errorf("summary without the quota: %v", sum)
			}
		case 2:
			if sum["level"] != "ERROR" || !strings.Contains(sum["error"].(string), "malformed") {
				t.Errorf("summary %v", sum)
			}
		}
		logs.Reset()
	}
}

// A waited-for task that the CDN reports Failed is not remembered as done:
// the event's retry refreshes the path again, and the path is prefetched
// only once its refresh completes.
func TestFailedTaskIsRefreshedOnRetry(t *testing.T) {
	srv := startFake(t, nil)
	srv.ScriptNewTasks("Failed")
	h := followHandler(t, srv, nil)
	ctx := withFCCredentials(context.Background(), testAK, testSecret, testToken)
	event := ossEvent("req-1", [][2]string{{"ObjectCreated:PutObject", "videos/a.mp4"}})
	res, err := handle(h, ctx, event)
	var te *vod.TaskError
	if !errors.As(err, &te) || srv.Calls("PreloadVodObjectCaches") != 0 {
		t.Fatalf("attempt 1: error %v, %d preloads; want the task error and no prefetch", err, srv.Calls("PreloadVodObjectCaches"))
	}
	if res.Prefetch == nil || len(res.Prefetch.Skipped) != 1 {
		t.Errorf("attempt 1: prefetch %+v, want the path skipped", res.Prefetch)
	}
	srv.ScriptNewTasks() // the retry's task completes
	res, err = handle(h, ctx, event)
	if err != nil {
		t.Fatalf("attempt 2: %v", err)
	}
	if n := srv.Calls("RefreshVodObjectCaches"); n != 2 {
		t.Errorf("%d refresh calls over two attempts, want 2: the failed task's path is refreshed again", n)
	}
	if res.Prefetch == nil || len(res.Prefetch.Paths) != 1 || srv.Calls("PreloadVodObjectCaches") != 1 {
		t.Errorf("attempt 2: prefetch %+v, %d preloads; want the path prefetched once", res.Prefetch, srv.Calls("PreloadVodObjectCaches"))
	}
}
