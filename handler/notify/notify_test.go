package notify

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/config"
	"vodrefresh/handler/internal/notifytest"
)

const whsec = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="

// Each kind of sink is signed as its service checks: a receiver that
// verifies the way the service does takes the notice, and refuses it under
// another secret.
func TestSinksAreSignedAsTheServicesCheck(t *testing.T) {
	for _, kind := range []string{"webhook", "dingtalk", "feishu"} {
		t.Run(kind, func(t *testing.T) {
			secret := map[string]string{"webhook": whsec, "dingtalk": "SEC0123456789abcdef", "feishu": "feishu-secret-0123"}[kind]
			other := map[string]string{"webhook": "whsec_OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk=", "dingtalk": "SEC9999456789abcdef", "feishu": "feishu-secret-9999"}[kind]
			r := notifytest.NewReceiver(t, kind, secret)
			for _, try := range []struct {
				secret string
				took   int
			}{{secret, 1}, {other, 0}} {
				env := map[string]string{"URL": r.URL(), "SECRET": try.secret}
				sinks, problems := New(config.NotifyConfig{Sinks: []config.SinkConfig{{Kind: kind, URLEnv: "URL", SecretEnv: "SECRET"}}},
					func(k string) string { return env[k] }, time.Now)
				if len(problems) > 0 {
					t.Fatal(problems)
				}
				var logs bytes.Buffer
				got := Send(context.Background(), sinks, Notice{Event: "failed", Title: "2 refresh tasks failed", Text: "refreshed again once"}, slog.New(slog.NewJSONHandler(&logs, nil)))
				if got != try.took {
					t.Errorf("secret %q: %d sinks took it, want %d; log %s", try.secret, got, try.took, logs.String())
				}
				if strings.Contains(logs.String(), "access_token") || strings.Contains(logs.String(), try.secret) || strings.Contains(logs.String(), r.URL()) {
					t.Errorf("the log names the URL or the secret: %s", logs.String())
				}
			}
			if len(r.Took()) != 1 || r.Took()[0] != "2 refresh tasks failed" || r.Refused() != Attempts {
				t.Errorf("the receiver took %q and refused %d, want the notice once and %d refusals", r.Took(), r.Refused(), Attempts)
			}
		})
	}
}

// A sink that answers 500, or hangs, is given up within the caller's
// deadline and logged at ERROR; a sink that does not ask for the event is
// not told.
func TestFailingSinks(t *testing.T) {
	hang := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	defer close(hang) // before the server closes, which waits for its handlers
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) }))
	defer broken.Close()
	env := map[string]string{"SLOW": slow.URL, "BROKEN": broken.URL, "S": whsec}
	sinks, _ := New(config.NotifyConfig{Sinks: []config.SinkConfig{
		{Kind: "webhook", URLEnv: "SLOW", SecretEnv: "S"},
		{Kind: "webhook", URLEnv: "BROKEN", SecretEnv: "S"},
		{Kind: "webhook", URLEnv: "BROKEN", SecretEnv: "S", Events: []string{"completed"}},
	}}, func(k string) string { return env[k] }, time.Now)
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	var logs bytes.Buffer
	if got := Send(ctx, sinks, Notice{Event: "quota", Title: "quota"}, slog.New(slog.NewJSONHandler(&logs, nil))); got != 0 {
		t.Errorf("%d sinks took it, want none", got)
	}
	if ctx.Err() == nil && strings.Count(logs.String(), `"level":"ERROR"`) != 2 {
		t.Errorf("want two ERROR lines, one per failing sink that asked: %s", logs.String())
	}
	if !strings.Contains(logs.String(), "notify.sinks[1] (webhook)") || strings.Contains(logs.String(), broken.URL) {
		t.Errorf("the log should name the sink by its place, not its URL: %s", logs.String())
	}
}

func TestSinkProblems(t *testing.T) {
	_, problems := New(config.NotifyConfig{Sinks: []config.SinkConfig{{Kind: "dingtalk", URLEnv: "NO_URL", SecretEnv: "NO_SECRET"}}},
		func(string) string { return "" }, time.Now)
	if len(problems) != 1 || !strings.Contains(problems[0], "NO_URL") {
		t.Errorf("problems %q", problems)
	}
}
