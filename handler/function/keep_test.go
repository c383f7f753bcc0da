package function

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/internal/redistest"
	"vodrefresh/handler/internal/testfix"
	"vodrefresh/handler/internal/vodfake"
	"vodrefresh/handler/store"
	"vodrefresh/handler/vod"
	"vodrefresh/handler/webhook/webhooktest"
)

// A verified Ghost delivery whose refresh meets Throttling on every
// attempt is the deployment's to keep: with a shared store (a real
// redis-server) and the planner running, it is answered 202 "pending", the
// next timer run refreshes it once VOD answers, and nothing is refreshed
// twice. Without a store it cannot be kept: 503, and an ERROR line names
// what to replay.
func TestVerifiedDeliveryIsKept(t *testing.T) {
	throttled := []vodfake.Reply{vodfake.ErrorReply("Throttling"), vodfake.ErrorReply("Throttling"), vodfake.ErrorReply("Throttling")}
	delivery := func() []byte {
		h := map[string]string{"X-Ghost-Signature": webhooktest.SignGhost(hookEnv["GHOST_SECRET"], []byte(hookGhostBody), hookNow), "Content-Type": "application/json"}
		return httpEvent("POST", "/hooks/blog", h, []byte(hookGhostBody), false)
	}
	t.Run("with a shared store", func(t *testing.T) {
		srv := startFake(t, nil)
		st, err := store.OpenRedis(redistest.Start(t).URL(6))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		h := keepHandler(t, srv, st, nil)
		if _, err := handle(h, context.Background(), timerEvent(hookNow)); err != nil {
			t.Fatal(err)
		}
		srv.Script("RefreshVodObjectCaches", throttled...)
		resp := answerHTTP(t, h, delivery())
		if resp.StatusCode != 202 || !strings.Contains(resp.Body, `"status":"pending"`) || !strings.Contains(resp.Body, `"pending":1`) {
			t.Fatalf("answered %d %s, want 202 pending", resp.StatusCode, resp.Body)
		}
		if again := answerHTTP(t, h, delivery()); again.StatusCode != 202 || !strings.Contains(again.Body, `"duplicate"`) {
			t.Errorf("the same delivery again: %d %s, want 202 duplicate", again.StatusCode, again.Body)
		}
		res, err := handle(h, context.Background(), timerEvent(hookNow.Add(time.Minute)))
		if err != nil || res.Planner == nil || res.Planner.URLs != 1 || res.Pending != 0 {
			t.Fatalf("the next run: %+v, %v; want one URL refreshed and nothing pending", res.Planner, err)
		}
		if _, err := handle(h, context.Background(), timerEvent(hookNow.Add(2*time.Minute))); err != nil {
			t.Fatal(err)
		}
		var sent []string
		for _, q := range refreshes(srv) {
			sent = append(sent, q.Paths...)
		}
		// Three throttled attempts, then the planner's one call.
		if want := []string{"https://www.example.com/blog/new/"}; len(sent) != 4 || sent[3] != want[0] || srv.Calls("RefreshVodObjectCaches") != 4 {
			t.Errorf("VOD was asked %q in %d calls; want the throttled attempts and one refresh of %q", sent, srv.Calls("RefreshVodObjectCaches"), want)
		}
	})
	t.Run("without a store", func(t *testing.T) {
		srv := startFake(t, nil)
		logs := &testfix.SyncBuffer{}
		h := keepHandler(t, srv, nil, slog.New(slog.NewJSONHandler(logs, nil)))
		if _, err := handle(h, context.Background(), timerEvent(hookNow)); err != nil {
			t.Fatal(err)
		}
		srv.Script("RefreshVodObjectCaches", throttled...)
		resp := answerHTTP(t, h, delivery())
		if resp.StatusCode != 503 || !strings.Contains(resp.Body, "Throttling") {
			t.Errorf("answered %d %s, want 503", resp.StatusCode, resp.Body)
		}
		if !strings.Contains(logs.String(), `"level":"ERROR","msg":"webhook refresh not submitted and not kept`) || !strings.Contains(logs.String(), "https://www.example.com/blog/new/") {
			t.Errorf("no ERROR line naming what to replay: %s", logs.String())
		}
	})
}

// keepHandler is hookHandler on st (nil: none shared), at hookNow.
func keepHandler(t *testing.T, srv *vodfake.Server, st store.Store, log *slog.Logger) *Handler {
	t.Helper()
	t.Setenv(vod.EnvAccessKeyID, testAK)
	t.Setenv(vod.EnvAccessKeySecret, testSecret)
	t.Setenv(vod.EnvSecurityToken, testToken)
	opts := fakeOptions(t, srv, hookEnv)
	opts.Store, opts.Logger, opts.Now = st, log, func() time.Time { return hookNow }
	opts.Backoff = vod.Backoff{Base: time.Millisecond, Cap: 4 * time.Millisecond, Attempts: 3, Slow: time.Millisecond}
	h, err := New(mustConfig(t, hookConfig), opts)
	if err != nil {
		t.Fatal(err)
	}
	return h
}
