package function

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// With a configuration that cannot be used, an HTTP request is still
// answered: 503, with a JSON body that names the problem and no secret, so
// the sender retries. An OSS event fails, so that FC retries it.
func TestBrokenSetUp(t *testing.T) {
	for name, tt := range map[string]struct {
		why string            // what the answer names
		env map[string]string // the environment
	}{
		"bad domain":               {"domains[0]", map[string]string{"REFRESH_CONFIG": "domains: [ftp://nope]\noss: []\n"}},
		"no configuration":         {"REFRESH_CONFIG", map[string]string{}},
		"endpoint with a password": {"VOD_ENDPOINT", map[string]string{"REFRESH_CONFIG": planConfig, "VOD_ENDPOINT": "https://LTAIkey:sup3rsecret-value@vod.example.com"}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := FromEnv(func(k string) string { return tt.env[k] }, Options{})
			if err == nil {
				t.Fatal("set-up succeeded")
			}
			fn := Broken{Err: err}
			resp := answerHTTP(t, fn, httpEvent("POST", "/hooks/generic", map[string]string{}, []byte(`{}`), false))
			var reply WebhookReply
			// A sender may be anyone: the answer names no setting.
			if json.Unmarshal([]byte(resp.Body), &reply) != nil || resp.StatusCode != 503 || reply.Status != "error" || reply.Error != notConfigured {
				t.Errorf("answer %d %s, want 503 saying only that the function is not configured", resp.StatusCode, resp.Body)
			}
			if resp.Headers["Retry-After"] == "" {
				t.Errorf("no Retry-After: %v", resp.Headers)
			}
			if strings.Contains(resp.Body, "sup3rsecret") {
				t.Errorf("the answer holds a secret: %s", resp.Body)
			}
			if _, err := invokeJSON(fn, t.Context(), nativeEvent([2]string{"ObjectCreated:PutObject", "images/a.png"})); err == nil || !strings.Contains(err.Error(), tt.why) {
				t.Errorf("an OSS event: %v, want an error naming %s", err, tt.why)
			}
		})
	}
}

// A route whose secret is missing is out of service alone: it answers 503
// without naming the variable (the request may come from anyone), start-up
// logs it once by name, and the other routes and the OSS path work.
func TestMissingSecretTakesOneRouteOut(t *testing.T) {
	srv := startFake(t, nil)
	var logs bytes.Buffer
	env := map[string]string{"GENERIC_SECRET": hookEnv["GENERIC_SECRET"]} // GHOST_SECRET is missing
	h := fakeHandler(t, srv, hookConfig+"oss:\n  - {bucket: media-bucket, urls: [\"https://img.example.com/{key}\"]}\n", env,
		slog.New(slog.NewJSONHandler(&logs, nil)))
	if n := strings.Count(logs.String(), "GHOST_SECRET"); n != 1 || !strings.Contains(logs.String(), `"level":"ERROR"`) {
		t.Errorf("start-up logged GHOST_SECRET %d times, want once as an error: %s", n, logs.String())
	}
	h.opts.Now = func() time.Time { return hookNow }
	status, reply := invokeHTTP(t, h, httpEvent("POST", "/hooks/blog", map[string]string{}, []byte(hookGhostBody), false))
	if status != 503 || strings.Contains(reply.Error, "GHOST_SECRET") || !strings.Contains(reply.Error, "out of service") {
		t.Errorf("the route without its secret: %d %+v, want 503 out of service, not naming GHOST_SECRET", status, reply)
	}
	body := `{"paths":["https://img.example.com/a.png"]}`
	ctx := withFCCredentials(t.Context(), testAK, testSecret, testToken)
	out, err := invokeJSON(h, ctx, httpEvent("POST", "/hooks/generic", signedGeneric(t, "msg_other", body, hookNow), []byte(body), false))
	if err != nil || !strings.Contains(string(out), `\"status\":\"accepted\"`) {
		t.Errorf("another route: %v %s", err, out)
	}
	if _, err := handle(h, ctx, nativeEvent([2]string{"ObjectCreated:PutObject", "images/a.png"})); err != nil {
		t.Errorf("the OSS path: %v", err)
	}
	if n := srv.Calls("RefreshVodObjectCaches"); n != 2 {
		t.Errorf("%d refresh calls, want 2", n)
	}
}
