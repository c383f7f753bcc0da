package cli

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/internal/testfix"
	"vodrefresh/handler/internal/vodfake"
)

// startFake starts a fake VOD that knows the CLI tests' credentials.
func startFake(t *testing.T) *vodfake.Server {
	t.Helper()
	srv, err := vodfake.Start(vodfake.Options{Credentials: map[string]string{ak: secret}, Lifetime: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// requireNoRequests fails the test if the fake VOD received anything, even
// a request it refused.
func requireNoRequests(t *testing.T, srv *vodfake.Server) {
	t.Helper()
	if reqs := srv.Requests(); len(reqs) > 0 || srv.Rejected() > 0 {
		t.Errorf("a dry run reached VOD: %d requests (%+v), %d refused", len(reqs), reqs, srv.Rejected())
	}
}

// The README's first command, with credentials in the environment and
// VOD_ENDPOINT at a fake VOD that records everything: nothing reaches it,
// no refresh and no quota read, for every sample event.
func TestInvokeWithCredentialsIsDry(t *testing.T) {
	for _, file := range []string{"oss-put.json", "oss-multipart.json", "oss-delete.json", "oss-batch.json", "oss-unicode.json", "eventbridge.json", "eventbridge-raw.json"} {
		t.Run(file, func(t *testing.T) {
			srv := startFake(t)
			r := runCLI(t, credEnv(t, srv.Endpoint()), "", "invoke", "../../events/"+file)
			if r.code != 0 || !strings.Contains(r.stderr, "dry run") || !strings.Contains(r.stdout, `"dryRun":true`) {
				t.Fatalf("exit %d, stdout %s, stderr %s", r.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stdout, `"source":"assumed"`) {
				t.Errorf("the dry run did not plan with the assumed quota: %s", r.stdout)
			}
			requireNoRequests(t, srv)
		})
	}
}

// A signed webhook sample, through invoke with credentials: answered as a
// dry run, and nothing reaches VOD.
func TestInvokeHTTPWithCredentialsIsDry(t *testing.T) {
	srv := startFake(t)
	env := webhookCredEnv(t, srv.Endpoint())
	r := runCLI(t, env, "", "invoke", "../../events/http-strapi.json")
	if r.code != 0 || !strings.Contains(r.stdout, `\"dryRun\":true`) {
		t.Fatalf("exit %d, stdout %s, stderr %s", r.code, r.stdout, r.stderr)
	}
	requireNoRequests(t, srv)
}

// With --send, stderr says what will be spent before the invocation runs,
// and VOD receives the quota read and exactly the planned calls.
func TestSendSaysWhatItSpends(t *testing.T) {
	srv := startFake(t)
	r := runCLI(t, credEnv(t, srv.Endpoint()), "", "invoke", "--send", "../../events/oss-batch.json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	want := "--send: refreshing 3 URLs and 1 directory through " + srv.Endpoint()
	said, ran := strings.Index(r.stderr, want), strings.Index(r.stderr, `"msg":"invocation"`)
	if said < 0 || ran < 0 || said > ran {
		t.Errorf("stderr does not say %q before the invocation's summary:\n%s", want, r.stderr)
	}
	got := map[string]int{}
	for _, q := range srv.Requests() {
		got[q.Action+" "+q.ObjectType]++
	}
	if len(got) != 3 || got["DescribeVodRefreshQuota "] != 1 || got["RefreshVodObjectCaches File"] != 1 || got["RefreshVodObjectCaches Directory"] != 1 {
		t.Errorf("VOD received %v", got)
	}
	checkCalls(t, r.stdout, false, []wantCall{
		{"File", []string{"https://video.example.com/videos/2026/launch.mp4", "https://video-backup.example.com/videos/2026/launch.mp4", "https://img.example.com/images/thumbs/launch.jpg"}},
		{"Directory", []string{"https://video.example.com/hls/launch/720p/"}},
	})
}

// --send refuses to start without credentials, and a refused webhook or a
// failing dry run sends nothing.
func TestSendRefusals(t *testing.T) {
	tests := []struct {
		name   string
		env    func(t *testing.T, endpoint string) map[string]string
		stdin  string
		file   string
		stderr string
	}{
		{"no credentials", func(*testing.T, string) map[string]string { return sampleEnv }, "", "../../events/oss-put.json", "no credentials"},
		{"a malformed event", credEnv, `{"events": [`, "-", "nothing was sent: malformed JSON"},
		{"an unsigned webhook", webhookCredEnv, `{"version":"v1","rawPath":"/hooks/strapi","headers":{},"body":"{}","isBase64Encoded":false,"requestContext":{"http":{"method":"POST","path":"/hooks/strapi"}}}`, "-", "nothing was sent: the request is answered 401"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startFake(t)
			r := runCLI(t, tt.env(t, srv.Endpoint()), tt.stdin, "invoke", "--send", tt.file)
			if r.code != 1 || !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("exit %d, stderr %q; want 1 and %q", r.code, r.stderr, tt.stderr)
			}
			requireNoRequests(t, srv)
		})
	}
}

// webhookCredEnv is the sample webhooks' environment with credentials, and
// VOD at endpoint.
func webhookCredEnv(t *testing.T, endpoint string) map[string]string {
	t.Helper()
	env := credEnv(t, endpoint)
	for k, v := range serveEnv(t) {
		env[k] = v
	}
	return env
}

// invoke reads an event as an MNS queue holds a message body: base64 of
// the JSON, as a dead-lettered message is fetched from the queue.
func TestInvokeReadsABase64Body(t *testing.T) {
	event := testfix.Read(t, "..", "..", "events", "oss-put.json")
	r := runCLI(t, map[string]string{"REFRESH_CONFIG_FILE": "../../events/refresh.yaml"}, base64.StdEncoding.EncodeToString(event), "invoke", "-")
	if r.code != 0 || !strings.Contains(r.stdout, `"dryRun":true`) || !strings.Contains(r.stdout, "launch.mp4") {
		t.Errorf("exit %d, stdout %s, stderr %s", r.code, r.stdout, r.stderr)
	}
}
