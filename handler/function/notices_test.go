package function

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/internal/notifytest"
	"vodrefresh/handler/internal/redistest"
	"vodrefresh/handler/internal/vodmem"
	"vodrefresh/handler/report"
	"vodrefresh/handler/store"
	"vodrefresh/handler/vod"
)

// notifyConfig sends every notice to three sinks, one of each kind.
const notifyConfig = `
notify:
  sinks:
    - {kind: webhook, urlEnv: HOOK_URL, secretEnv: HOOK_SECRET, events: [failed, quota, deferred]}
    - {kind: dingtalk, urlEnv: DING_URL, secretEnv: DING_SECRET, events: [failed, quota, deferred]}
    - {kind: feishu, urlEnv: FEISHU_URL, secretEnv: FEISHU_SECRET, events: [failed, quota, deferred]}
`

// sinksEnv starts a verifying loopback receiver of each kind and returns
// them with the environment that names them.
func sinksEnv(t *testing.T, env map[string]string) []*notifytest.Receiver {
	secrets := map[string]string{"HOOK": "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=", "DING": "SEC0123456789abcdef", "FEISHU": "feishu-secret-0123"}
	var out []*notifytest.Receiver
	for _, k := range []struct{ env, kind string }{{"HOOK", "webhook"}, {"DING", "dingtalk"}, {"FEISHU", "feishu"}} {
		r := notifytest.NewReceiver(t, k.kind, secrets[k.env])
		env[k.env+"_URL"], env[k.env+"_SECRET"] = r.URL(), secrets[k.env]
		out = append(out, r)
	}
	return out
}

// A refresh task that the service reports Failed is refreshed again, once,
// by the planner's next run, and each sink that asks for failures gets one
// notice; once the refresh again ends well, nothing more is sent.
func TestFailedTaskIsRefreshedAgainOnce(t *testing.T) {
	srv := startFake(t, nil)
	st, err := store.OpenRedis(redistest.Start(t).URL(9))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	env := map[string]string{vod.EnvAccessKeyID: testAK, vod.EnvAccessKeySecret: testSecret, vod.EnvSecurityToken: testToken}
	sinks := sinksEnv(t, env)
	t.Setenv(vod.EnvAccessKeyID, testAK)
	t.Setenv(vod.EnvAccessKeySecret, testSecret)
	t.Setenv(vod.EnvSecurityToken, testToken)
	opts := fakeOptions(t, srv, env)
	opts.Store = st
	h, err := New(mustConfig(t, planConfig+notifyConfig), opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx := withFCCredentials(context.Background(), testAK, testSecret, testToken)
	if _, err := handle(h, ctx, timerEvent(time.Now())); err != nil {
		t.Fatal(err)
	}
	srv.ScriptNewTasks("Failed")
	if _, err := handle(h, ctx, nativeEvent([2]string{"ObjectCreated:PutObject", "images/a.jpg"})); err != nil {
		t.Fatal(err)
	}
	srv.ScriptNewTasks() // the refresh again ends well
	for run := range 3 {
		res, err := handle(h, ctx, timerEvent(time.Now()))
		if err != nil || res.Planner == nil || res.Planner.Tasks == nil {
			t.Fatalf("run %d: %+v, %v", run, res, err)
		}
		if want := map[int]int{0: 1}[run]; res.Planner.Tasks.Retried != want {
			t.Errorf("run %d: %+v tasks, want %d refreshed again", run, *res.Planner.Tasks, want)
		}
	}
	if n := len(refreshes(srv)); n != 2 {
		t.Errorf("%d refresh calls, want the first and one again", n)
	}
	for i, r := range sinks {
		if got := r.Took(); len(got) != 1 || got[0] != "1 refresh tasks failed" || r.Refused() != 0 {
			t.Errorf("sink %d took %q and refused %d, want one failed notice (completed is not asked for)", i, got, r.Refused())
		}
	}
}

// A day that runs out of quota sends one quota notice and one deferred
// notice to each sink, not one per invocation or per run, across three
// instances sharing a real redis-server.
func TestScarceDayNoticesOnce(t *testing.T) {
	st, err := store.OpenRedis(redistest.Start(t).URL(10))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	env := map[string]string{}
	sinks := sinksEnv(t, env)
	start := time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC)
	// 1,000 URLs and 50 directories left at 10:00 cannot carry the flood.
	day := newScarceDayWith(t, st, start, vod.Quota{URLRemain: 1000, DirRemain: 50, PreloadRemain: 500}, scarceChanges(start), notifyConfig, env)
	day.run(start.Add(2 * time.Hour))
	for i, r := range sinks {
		count := map[string]int{}
		for _, title := range r.Took() {
			count[title]++
		}
		if count["the refresh quota is running out"] != 1 || count["changes wait for the quota reset"] != 1 || r.Refused() != 0 {
			t.Errorf("sink %d took %v (refused %d), want one quota and one deferred notice", i, count, r.Refused())
		}
	}
}

// The sinks that ask for it are sent the day before's summary, once a
// quota day, by the planner's first run of the day.
func TestDailySummaryOnce(t *testing.T) {
	env := map[string]string{}
	sinks := sinksEnv(t, env)
	st := store.NewMemory(store.MemoryOptions{})
	now := time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC) // 10:00 in UTC+8, the 25th
	if err := report.Spent(context.Background(), st, now.Add(-20*time.Hour), "oss:media-bucket", 300, 4); err != nil {
		t.Fatal(err)
	}
	cfg := planConfig + strings.ReplaceAll(notifyConfig, "[failed, quota, deferred]", "[summary]")
	// A dry run sends nothing, notices included.
	dry, err := New(mustConfig(t, cfg), Options{Store: st, Now: func() time.Time { return now }, Getenv: func(k string) string { return env[k] }, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := handle(dry, context.Background(), timerEvent(now)); err != nil {
		t.Fatal(err)
	}
	h, err := New(mustConfig(t, cfg),
		Options{Store: st, Now: func() time.Time { return now }, Getenv: func(k string) string { return env[k] }, Connector: &vodmem.Client{}})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := handle(h, context.Background(), timerEvent(now)); err != nil {
			t.Fatal(err)
		}
	}
	for i, r := range sinks {
		if got := r.Took(); len(got) != 1 || got[0] != "the quota day 2026-11-24" {
			t.Errorf("sink %d took %q, want the summary of the 24th once", i, got)
		}
	}
}

// A sink that hangs delays no refresh: the timer's run refreshes the
// backlog first, and answers within its deadline, the notice given up.
func TestHangingSinkDelaysNoRefresh(t *testing.T) {
	hang := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	defer close(hang)
	env := map[string]string{"HOOK_URL": slow.URL, "HOOK_SECRET": "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="}
	st := store.NewMemory(store.MemoryOptions{})
	now := time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC)
	account := &vodmem.Client{Remain: vod.Quota{URLRemain: 100, DirRemain: 100, PreloadRemain: 500}}
	h, err := New(mustConfig(t, planConfig+"notify:\n  sinks:\n    - {kind: webhook, urlEnv: HOOK_URL, secretEnv: HOOK_SECRET}\n"),
		Options{Store: st, Now: func() time.Time { return now }, Getenv: func(k string) string { return env[k] }, Connector: account})
	if err != nil {
		t.Fatal(err)
	}
	// A change waits, and the quota is under the threshold: a quota
	// notice is due, to a sink that never answers.
	st.AddPending(context.Background(), []store.Pending{{ID: "e1", Path: "https://img.example.com/images/a.jpg", Changed: now.Add(-time.Hour), Since: now.Add(-time.Hour)}})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	// Were the notice not bounded by the run's deadline, the run would
	// never end: the sink answers only once the test is over.
	res, err := handle(h, ctx, timerEvent(now))
	if err != nil || res.Planner == nil || res.Planner.URLs != 1 || len(account.Refreshes()) != 1 {
		t.Fatalf("the run: %+v, %v, %d refreshes; want the change refreshed", res.Planner, err, len(account.Refreshes()))
	}
}

// A rule that asks to be told (notifyCompleted) has its tasks' good end
// sent to the sinks that ask for completed; another rule's tasks are not.
func TestCompletedForTheRulesThatAsk(t *testing.T) {
	env := map[string]string{}
	sinks := sinksEnv(t, env)
	cfg := `
domains: [https://img.example.com, https://video.example.com]
oss:
  - {bucket: media-bucket, prefix: images/, urls: ["https://img.example.com/{key}"], notifyCompleted: true}
  - {bucket: media-bucket, prefix: videos/, urls: ["https://video.example.com/{key}"]}
` + strings.ReplaceAll(notifyConfig, "[failed, quota, deferred]", "[completed]")
	now := time.Now()
	h, err := New(mustConfig(t, cfg), Options{Store: store.NewMemory(store.MemoryOptions{}), Connector: &vodmem.Client{},
		Getenv: func(k string) string { return env[k] }, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i, key := range []string{"images/a.jpg", "videos/b.mp4"} {
		if _, err := handle(h, ctx, ossEvent(fmt.Sprintf("REQ%d", i), [][2]string{{"ObjectCreated:PutObject", key}})); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 {
		if _, err := handle(h, ctx, timerEvent(now)); err != nil {
			t.Fatal(err)
		}
	}
	for i, r := range sinks {
		if got := r.Took(); len(got) != 1 || got[0] != "1 refresh tasks completed" {
			t.Errorf("sink %d took %q, want one notice of the images rule's task", i, got)
		}
	}
}
