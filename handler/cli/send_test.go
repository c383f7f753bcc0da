package cli

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"vodrefresh/handler/internal/redistest"
	"vodrefresh/handler/report"
	"vodrefresh/handler/store"

	"vodrefresh/handler/internal/testfix"
	"vodrefresh/handler/internal/vodfake"
)

const (
	ak     = "LTAIclitest01"
	secret = "cli-secret-value-01"
	token  = "cli-sts-token-value-01"
)

// With credentials in the environment and VOD_ENDPOINT at a local VOD,
// invoke sends exactly the planned paths, signed, with the STS token.
func TestInvokeSends(t *testing.T) {
	srv, err := vodfake.Start(vodfake.Options{Credentials: map[string]string{ak: secret}, Lifetime: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	r := runCLI(t, credEnv(t, srv.Endpoint()), "", "invoke", "--send", "../../events/oss-unicode.json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if strings.Contains(r.stderr, "dry run") {
		t.Errorf("a run with credentials called itself a dry run: %s", r.stderr)
	}
	var reqs []vodfake.Request
	for _, r := range srv.Requests() {
		if r.Action == "RefreshVodObjectCaches" {
			reqs = append(reqs, r)
		}
	}
	want := []string{
		"https://video.example.com/videos/%E6%96%B0%E5%B9%B4%20%E7%89%B9%E8%BE%91/%E7%AC%AC1%E9%9B%86%20%23final%3F.mp4",
		"https://video-backup.example.com/videos/%E6%96%B0%E5%B9%B4%20%E7%89%B9%E8%BE%91/%E7%AC%AC1%E9%9B%86%20%23final%3F.mp4",
		"https://img.example.com/images/summer%20sale%2050%25+off%20(v2)~*.png",
		"https://img.example.com/images/folder/",
	}
	if len(reqs) != 1 || !reflect.DeepEqual(reqs[0].Paths, want) || reqs[0].ObjectType != "File" || reqs[0].SecurityToken != token {
		t.Fatalf("VOD received %+v", reqs)
	}
	checkCalls(t, r.stdout, false, []wantCall{{"File", want}})
	for _, out := range []string{r.stdout, r.stderr} {
		if strings.Contains(out, secret) || strings.Contains(out, token) {
			t.Errorf("output leaks a secret: %s", out)
		}
	}
}

// strapiBody is a Strapi publish that the sample route refreshes.
const strapiBody = `{"event":"entry.publish","model":"article","entry":{"id":7,"slug":"launch-day","locale":"en"}}`

func TestServe(t *testing.T) {
	s := startServe(t, serveEnv(t))
	if status, body := s.post(t, "/hooks/strapi", strapiBody, ""); status != 401 {
		t.Errorf("unsigned request: %d %s", status, body)
	}
	status, body := s.post(t, "/hooks/strapi", strapiBody, "Bearer "+serveEnv(t)["STRAPI_WEBHOOK_TOKEN"])
	var reply struct {
		Status string   `json:"status"`
		Paths  []string `json:"paths"`
	}
	json.Unmarshal([]byte(body), &reply)
	if status != 202 || reply.Status != "accepted" || !reflect.DeepEqual(reply.Paths, []string{"https://www.example.com/en/article/launch-day/"}) {
		t.Errorf("signed request: %d %s", status, body)
	}
	status, body = s.post(t, "/hooks/strapy", strapiBody, "")
	var missing struct {
		Error  string   `json:"error"`
		Routes []string `json:"routes"`
	}
	json.Unmarshal([]byte(body), &missing)
	if status != 404 || !strings.Contains(missing.Error, `"/hooks/strapy"`) || !reflect.DeepEqual(missing.Routes, sampleRoutes) {
		t.Errorf("unknown path: %d %s", status, body)
	}
	s.stop(t)
	listed := "vodrefresh: routes (POST):\n"
	for _, r := range sampleRoutes {
		listed += "  " + s.base + r + "\n"
	}
	if !strings.Contains(s.stderr.String(), listed) {
		t.Errorf("start-up does not list the routes as\n%s\nstderr:\n%s", listed, s.stderr.String())
	}
}

// sampleRoutes are the routes of events/webhooks.yaml, sorted.
var sampleRoutes = []string{"/hooks/blog", "/hooks/contentful", "/hooks/generic", "/hooks/github-style", "/hooks/sanity", "/hooks/strapi", "/hooks/wordpress", "/hooks/wordpress-signed"}

// serve with credentials in the environment is a dry run: nothing reaches
// VOD. With --send, the signed request is refreshed, after stderr said so.
func TestServeSendsOnlyWithSend(t *testing.T) {
	for _, send := range []bool{false, true} {
		srv := startFake(t)
		env := webhookCredEnv(t, srv.Endpoint())
		var args []string
		if send {
			args = append(args, "--send")
		}
		s := startServe(t, env, args...)
		status, body := s.post(t, "/hooks/strapi", strapiBody, "Bearer "+env["STRAPI_WEBHOOK_TOKEN"])
		dry := strings.Contains(body, `"dryRun":true`)
		if status != 202 || dry == send {
			t.Errorf("--send %v: %d %s", send, status, body)
		}
		s.stop(t)
		if !send {
			requireNoRequests(t, srv)
			continue
		}
		if n := srv.Calls("RefreshVodObjectCaches"); n != 1 || !strings.Contains(s.stderr.String(), "--send: refreshing 1 URL and 0 directories") {
			t.Errorf("%d refresh calls; stderr %s", n, s.stderr.String())
		}
	}
}

// served is a serve command running on a free loopback address.
type served struct {
	base   string
	stderr *testfix.SyncBuffer
	cancel context.CancelFunc
	done   chan int
}

// startServe runs serve with env and args, and waits until it listens.
func startServe(t *testing.T, env map[string]string, args ...string) *served {
	t.Helper()
	addr := freeAddr(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	s := &served{base: "http://" + addr, stderr: &testfix.SyncBuffer{}, cancel: cancel, done: make(chan int, 1)}
	t.Cleanup(cancel)
	go func() {
		s.done <- Run(ctx, append([]string{"serve", "--addr", addr}, args...), Env{Getenv: func(k string) string { return env[k] }, Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: s.stderr})
	}()
	for i := 0; i < 100; i++ { // wait for the listener, at most 5 s
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return s
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("serve did not listen: %s", s.stderr.String())
	return nil
}

// post sends body to path, with an Authorization header when auth is set,
// and returns the status and the body of the answer.
func (s *served) post(t *testing.T, path, body, auth string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", s.base+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// stop stops the server, which must exit 0.
func (s *served) stop(t *testing.T) {
	t.Helper()
	s.cancel()
	if code := <-s.done; code != 0 {
		t.Errorf("serve exited %d: %s", code, s.stderr.String())
	}
}

// freeAddr returns a loopback address that nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// serveEnv is the environment serve runs the sample webhooks in: their
// configuration, and the secrets in events/webhooks.env.
func serveEnv(t *testing.T) map[string]string {
	t.Helper()
	env := testfix.ReadEnv(t, "..", "..", "events", "webhooks.env")
	env["REFRESH_CONFIG_FILE"] = "../../events/webhooks.yaml"
	return env
}

// credEnv is the environment of a run with credentials, against the VOD at
// endpoint; the credentials are in the process environment too, where the
// SDK's default provider reads them.
func credEnv(t *testing.T, endpoint string) map[string]string {
	t.Helper()
	env := map[string]string{
		"REFRESH_CONFIG_FILE":             "../../events/refresh.yaml",
		"VOD_ENDPOINT":                    endpoint,
		"ALIBABA_CLOUD_ACCESS_KEY_ID":     ak,
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET": secret,
		"ALIBABA_CLOUD_SECURITY_TOKEN":    token,
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
	return env
}

func TestQuotaCommand(t *testing.T) {
	srv, err := vodfake.Start(vodfake.Options{Credentials: map[string]string{ak: secret}, Lifetime: time.Minute, URLQuota: 1500, DirQuota: 80})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	r := runCLI(t, credEnv(t, srv.Endpoint()), "", "quota")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var q map[string]int
	if err := json.Unmarshal([]byte(r.stdout), &q); err != nil {
		t.Fatal(err)
	}
	if q["urlRemain"] != 1500 || q["dirRemain"] != 80 || q["preloadRemain"] != 500 {
		t.Errorf("quota %s", r.stdout)
	}
	if r := runCLI(t, map[string]string{}, "", "quota"); r.code != 1 || !strings.Contains(r.stderr, "no credentials") {
		t.Errorf("without credentials: %d %s", r.code, r.stderr)
	}
}

// With a shared store, quota says how many changes wait for the planner of
// scarce days.
func TestQuotaShowsTheBacklog(t *testing.T) {
	srv, err := vodfake.Start(vodfake.Options{Credentials: map[string]string{ak: secret}, Lifetime: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	redis := redistest.Start(t)
	s, err := store.OpenRedis(redis.URL(1))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	now := time.Now()
	if err := s.AddPending(context.Background(), []store.Pending{
		{ID: "e1", Path: "https://img.example.com/a/1.jpg", Changed: now, Since: now},
		{ID: "e2", Path: "https://img.example.com/a/2.jpg", Changed: now, Since: now},
	}); err != nil {
		t.Fatal(err)
	}
	env := credEnv(t, srv.Endpoint())
	env["REFRESH_STORE_URL"] = redis.URL(1)
	r := runCLI(t, env, "", "quota")
	var q map[string]int
	if err := json.Unmarshal([]byte(r.stdout), &q); err != nil || r.code != 0 || q["pending"] != 2 {
		t.Fatalf("exit %d, stdout %s (%v), stderr %s; want 2 pending", r.code, r.stdout, err, r.stderr)
	}
}

// A transport failure (the fake drops every connection) fails the
// invocation, and no secret, token or signature reaches stdout or stderr.
func TestTransportFailureKeepsSecrets(t *testing.T) {
	srv, err := vodfake.Start(vodfake.Options{Credentials: map[string]string{ak: secret}, Lifetime: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for range 10 {
		srv.Script("RefreshVodObjectCaches", vodfake.Reply{Drop: true})
	}
	r := runCLI(t, credEnv(t, srv.Endpoint()), "", "invoke", "--send", "--timeout", "5s", "../../events/oss-put.json")
	if r.code != 1 || !strings.Contains(r.stderr, "Transport") {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for name, out := range map[string]string{"stdout": r.stdout, "stderr": r.stderr} {
		for _, bad := range []string{secret, token, "Signature=", "SecurityToken=" + token[:4]} {
			if strings.Contains(out, bad) {
				t.Errorf("%s leaks %q: %s", name, bad, out)
			}
		}
	}
}

// With no webhook routes configured, serve says so at start-up, and a 404
// lists none.
func TestServeWithoutRoutes(t *testing.T) {
	s := startServe(t, sampleEnv)
	status, body := s.post(t, "/hooks/blog", "{}", "")
	if status != 404 || !strings.Contains(body, `"routes":[]`) {
		t.Errorf("%d %s", status, body)
	}
	s.stop(t)
	if !strings.Contains(s.stderr.String(), "no webhook routes: every request is answered 404") {
		t.Errorf("stderr %s", s.stderr.String())
	}
}

// report reads the day from the shared store: JSON off a terminal, and
// with --svg a chart that parses as SVG.
func TestReportCommand(t *testing.T) {
	redis := redistest.Start(t)
	s, err := store.OpenRedis(redis.URL(2))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := report.Spent(context.Background(), s, time.Now(), "oss:media-bucket", 42, 3); err != nil {
		t.Fatal(err)
	}
	svg := filepath.Join(t.TempDir(), "day.svg")
	r := runCLI(t, map[string]string{"REFRESH_STORE_URL": redis.URL(2)}, "", "report", "--svg", svg)
	var d struct {
		Spent struct{ URLs, Dirs int } `json:"spent"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &d); err != nil || r.code != 0 || d.Spent.URLs != 42 || d.Spent.Dirs != 3 {
		t.Fatalf("exit %d, stdout %s (%v), stderr %s", r.code, r.stdout, err, r.stderr)
	}
	b, err := os.ReadFile(svg)
	var doc struct{ XMLName xml.Name }
	if err != nil || xml.Unmarshal(b, &doc) != nil || doc.XMLName.Local != "svg" {
		t.Errorf("--svg wrote %q (%v)", b, err)
	}
	if r := runCLI(t, map[string]string{}, "", "report"); r.code != 1 || !strings.Contains(r.stderr, "REFRESH_STORE_URL is not set") {
		t.Errorf("without a store: exit %d, stderr %q", r.code, r.stderr)
	}
}
