package function

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/internal/testfix"
	"vodrefresh/handler/internal/vodfake"
	"vodrefresh/handler/vod"
	"vodrefresh/handler/webhook"
	"vodrefresh/handler/webhook/webhooktest"
)

var update = flag.Bool("update", false, "rewrite the signed HTTP samples in events/")

// sampleTime is when the signed samples were made.
var sampleTime = time.Date(2026, 11, 20, 8, 15, 30, 0, time.UTC)

// sampleEnv reads events/webhooks.env.
func sampleEnv(t testing.TB) map[string]string {
	t.Helper()
	return testfix.ReadEnv(t, "..", "..", "events", "webhooks.env")
}

type httpSample struct {
	kind    string
	path    string
	headers map[string]string
	body    string
	base64  bool
	want    []string // refreshed paths
}

// sampleBodies are the samples' payloads, by kind, shaped like each sender's
// own (see the fixtures' notes under webhook/testdata).
var sampleBodies = map[string]string{
	"ghost":        `{"post":{"current":{"id":"6748a1f0c2b3d40001a1b2c3","uuid":"2f4c2b1e-7d7a-4d2a-9c51-3e1f0b9a7c11","title":"Hello, world","slug":"hello-world","status":"published","visibility":"public","tags":[{"id":"6748a1f0c2b3d40001a1b2d0","name":"News","slug":"news","visibility":"public"}],"authors":[{"id":"1","name":"Joe Bloggs","slug":"joe-bloggs"}],"url":"https://www.example.com/blog/hello-world/","updated_at":"2026-11-20T08:15:29.000Z"},"previous":{"slug":"hello-wrld","updated_at":"2026-11-20T08:10:02.000Z"}}}`,
	"wordpress":    `{"post_id":42,"post":{"ID":42,"post_author":"1","post_date":"2026-11-02 09:00:00","post_title":"Spring sale","post_status":"publish","post_name":"spring-sale","post_modified":"2026-11-20 08:15:29","post_type":"post"},"post_before":{"ID":42,"post_author":"1","post_date":"2026-11-02 09:00:00","post_title":"Spring sale","post_status":"publish","post_name":"spring-sale-draft","post_modified":"2026-11-20 08:10:02","post_type":"post"},"post_meta":{"_edit_lock":["1795162529:1"]},"post_thumbnail":"","post_permalink":"https://www.example.com/2026/11/spring-sale/","taxonomies":{"category":{"deals":{"term_id":5,"name":"Deals","slug":"deals","taxonomy":"category"}},"post_tag":{"spring":{"term_id":7,"name":"Spring","slug":"spring","taxonomy":"post_tag"}}}}`,
	"strapi":       `{"event":"entry.publish","createdAt":"2026-11-20T08:15:30.000Z","model":"article","uid":"api::article.article","entry":{"id":7,"documentId":"x1y2z3","title":"Launch day","slug":"launch-day","locale":"en","publishedAt":"2026-11-20T08:15:29.000Z"}}`,
	"strapi-media": `{"event":"media.update","createdAt":"2026-11-20T08:15:30.115Z","media":{"id":2,"name":"launch poster.jpg","width":1600,"height":900,"formats":{"thumbnail":{"name":"thumbnail_launch poster.jpg","width":245,"height":138,"url":"/uploads/thumbnail_launch_poster_5f1c2a.jpg"}},"hash":"launch_poster_5f1c2a","ext":".jpg","mime":"image/jpeg","size":187.44,"url":"/uploads/launch_poster_5f1c2a.jpg","provider":"local","createdAt":"2026-11-19T10:00:00.000Z","updatedAt":"2026-11-20T08:15:30.095Z"}}`,
	"contentful":   `{"sys":{"type":"Entry","id":"5KsDBWseXY6QegucYAoacS","space":{"sys":{"type":"Link","linkType":"Space","id":"yadj1kx9rmg0"}},"environment":{"sys":{"id":"master","type":"Link","linkType":"Environment"}},"contentType":{"sys":{"type":"Link","linkType":"ContentType","id":"article"}},"revision":3,"createdAt":"2026-11-19T10:00:00.000Z","updatedAt":"2026-11-20T08:15:29.000Z"},"fields":{"title":{"en-US":"Hello Contentful"},"slug":{"en-US":"hello-contentful"}}}`,
	"sanity":       `{"_id":"post-123","_type":"post","slug":"new-post","oldSlug":"old-post"}`,
	"generic":      `{"paths":["https://img.example.com/banners/spring%20sale.png","https://img.example.com/banners/summer.png"],"objectType":"File"}`,
	"github-style": `{"paths":["https://www.example.com/docs/"],"objectType":"Directory"}`,
}

// httpSamples are the signed samples, each signed at, as its sender signs.
func httpSamples(env map[string]string, at time.Time) []httpSample {
	ghost, wp, strapi, contentful := sampleBodies["ghost"], sampleBodies["wordpress"], sampleBodies["strapi"], sampleBodies["contentful"]
	sanity, generic, github := sampleBodies["sanity"], sampleBodies["generic"], sampleBodies["github-style"]
	cf := &webhook.Request{Method: "POST", Path: "/hooks/contentful", RawQuery: "env=master", Header: map[string][]string{}, Body: []byte(contentful)}
	cfHeaders := map[string]string{"Content-Type": "application/vnd.contentful.management.v1+json", "X-Contentful-Topic": "ContentManagement.Entry.publish"}
	for k, v := range cfHeaders {
		cf.Header.Set(k, v)
	}
	for k, v := range webhooktest.SignContentful(env["CONTENTFUL_WEBHOOK_SECRET"], cf, at) {
		cfHeaders[k] = v
	}
	std, _ := webhooktest.SignStandard(env["GENERIC_WEBHOOK_SECRET"], "msg_2pQ7sample0001", []byte(generic), at)
	return []httpSample{
		{"ghost", "/hooks/blog", map[string]string{"Content-Type": "application/json", "X-Ghost-Signature": webhooktest.SignGhost(env["BLOG_WEBHOOK_SECRET"], []byte(ghost), at)}, ghost, false,
			[]string{"https://www.example.com/blog/hello-world/", "https://www.example.com/blog/hello-wrld/", "https://www.example.com/blog/",
				"https://www.example.com/blog/rss/", "https://www.example.com/blog/tag/news/", "https://www.example.com/blog/author/joe-bloggs/"}},
		{"wordpress", "/hooks/wordpress", map[string]string{"Content-Type": "application/json", "Authorization": "Bearer " + env["WP_WEBHOOK_TOKEN"]}, wp, true,
			[]string{"https://www.example.com/2026/11/spring-sale/", "https://www.example.com/2026/11/spring-sale-draft/", "https://www.example.com/",
				"https://www.example.com/feed/", "https://www.example.com/tag/spring/", "https://www.example.com/category/deals/"}},
		{"wordpress-signed", "/hooks/wordpress-signed", map[string]string{"Content-Type": "application/json", "X-WP-Webhook-Signature": webhooktest.SignWordPress(env["WP_WEBHOOK_SECRET"], []byte(wp))}, wp, false,
			[]string{"https://www.example.com/2026/11/spring-sale/", "https://www.example.com/2026/11/spring-sale-draft/"}},
		{"strapi", "/hooks/strapi", map[string]string{"Content-Type": "application/json", "Authorization": "Bearer " + env["STRAPI_WEBHOOK_TOKEN"], "X-Strapi-Event": "entry.publish"}, strapi, false,
			[]string{"https://www.example.com/en/article/launch-day/"}},
		{"strapi-media", "/hooks/strapi", map[string]string{"Content-Type": "application/json", "Authorization": "Bearer " + env["STRAPI_WEBHOOK_TOKEN"], "X-Strapi-Event": "media.update"}, sampleBodies["strapi-media"], false,
			[]string{"https://img.example.com/uploads/launch_poster_5f1c2a.jpg", "https://img.example.com/uploads/thumbnail_launch_poster_5f1c2a.jpg"}},
		{"contentful", "/hooks/contentful?env=master", cfHeaders, contentful, false,
			[]string{"https://www.example.com/article/hello-contentful/", "https://www.example.com/entries/5KsDBWseXY6QegucYAoacS/"}},
		{"sanity", "/hooks/sanity", map[string]string{"Content-Type": "application/json", "sanity-operation": "update", "sanity-webhook-signature": webhooktest.SignSanity(env["SANITY_WEBHOOK_SECRET"], []byte(sanity), at)}, sanity, false,
			[]string{"https://www.example.com/posts/new-post/", "https://www.example.com/posts/old-post/"}},
		{"generic", "/hooks/generic", map[string]string{"Content-Type": "application/json", "webhook-id": "msg_2pQ7sample0001", "webhook-timestamp": strconv.FormatInt(at.Unix(), 10), "webhook-signature": std}, generic, false,
			[]string{"https://img.example.com/banners/spring%20sale.png", "https://img.example.com/banners/summer.png"}},
		{"github-style", "/hooks/github-style", map[string]string{"Content-Type": "application/json", "X-GitHub-Delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958", "X-Hub-Signature-256": webhooktest.SignHMAC(env["GITHUB_WEBHOOK_SECRET"], []byte(github), "sha256=", "hex")}, github, false,
			[]string{"https://www.example.com/docs/"}},
	}
}

// triggerEventJSON writes an FC3 HTTP trigger event for a sample. A query
// in the sample's path goes into queryParameters, a map, as FC passes it.
func (s httpSample) triggerEventJSON() []byte {
	path, query := splitQuery(s.path)
	body, isB64 := s.body, false
	if s.base64 {
		body, isB64 = base64.StdEncoding.EncodeToString([]byte(s.body)), true
	}
	headers := map[string]string{"User-Agent": s.kind + "-sample/1.0", "Host": "hooks.example.com"}
	for k, v := range s.headers {
		headers[k] = v
	}
	ev := map[string]any{
		"version": "v1", "rawPath": path, "headers": headers, "queryParameters": query,
		"body": body, "isBase64Encoded": isB64,
		"requestContext": map[string]any{
			"accountId": "123456789", "domainName": "hooks.example.com", "domainPrefix": "hooks",
			"requestId": "1-6748a1f0-sample-" + s.kind, "time": sampleTime.Format(time.RFC3339),
			"timeEpoch": "1795162530000",
			"http":      map[string]string{"method": "POST", "path": path, "protocol": "HTTP/1.1", "sourceIp": "203.0.113.10", "userAgent": s.kind + "-sample/1.0"},
		},
	}
	b, _ := json.MarshalIndent(ev, "", "  ")
	return append(b, '\n')
}

// The signed samples in events/ verify against events/webhooks.yaml at the
// time they were made, and refresh exactly the expected URLs.
func TestHTTPSamples(t *testing.T) {
	if got := sampleTime.Unix(); got != 1795162530 {
		t.Fatalf("sample time %d", got)
	}
	env := sampleEnv(t)
	cfgDoc := testfix.Read(t, "..", "..", "events", "webhooks.yaml")
	for _, s := range httpSamples(env, sampleTime) {
		t.Run(s.kind, func(t *testing.T) {
			file := filepath.Join("..", "..", "events", "http-"+s.kind+".json")
			if *update {
				if err := os.WriteFile(file, s.triggerEventJSON(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			event, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			h, err := New(mustConfig(t, string(cfgDoc)), Options{DryRun: true, Getenv: func(k string) string { return env[k] }, Now: func() time.Time { return sampleTime.Add(time.Second) }})
			if err != nil {
				t.Fatal(err)
			}
			status, reply := invokeHTTP(t, h, event)
			if status != 202 {
				t.Fatalf("status %d: %+v", status, reply)
			}
			if !reflect.DeepEqual(reply.Paths, s.want) {
				t.Errorf("paths %q, want %q", reply.Paths, s.want)
			}
		})
	}
}

// triggerAnswer is the HTTP trigger's answer, as Invoke returns it.
type triggerAnswer struct {
	StatusCode int               `json:"statusCode"`
	Headers    map[string]string `json:"headers"`
	Body       string            `json:"body"`
}

// answerHTTP runs an HTTP trigger event through Invoke, which must not fail
// at the FC level, and decodes the answer.
func answerHTTP(t testing.TB, h interface {
	Invoke(context.Context, []byte) (Answer, error)
}, event []byte) triggerAnswer {
	t.Helper()
	out, err := invokeJSON(h, context.Background(), event)
	if err != nil {
		t.Fatalf("Invoke returned an error for an HTTP event: %v", err)
	}
	var resp triggerAnswer
	if err := json.Unmarshal(out, &resp); err != nil {
		t.Fatal(err)
	}
	return resp
}

// invokeHTTP runs an HTTP trigger event through Invoke and decodes the
// answer's body.
func invokeHTTP(t testing.TB, h *Handler, event []byte) (int, WebhookReply) {
	t.Helper()
	resp := answerHTTP(t, h, event)
	var reply WebhookReply
	if err := json.Unmarshal([]byte(resp.Body), &reply); err != nil {
		t.Fatalf("body %q: %v", resp.Body, err)
	}
	return resp.StatusCode, reply
}

// authHeaders are the headers that carry each kind's credentials.
var authHeaders = map[string][]string{
	"ghost":            {"X-Ghost-Signature"},
	"wordpress":        {"Authorization"},
	"wordpress-signed": {"X-WP-Webhook-Signature"},
	"strapi":           {"Authorization"},
	"strapi-media":     {"Authorization"},
	"contentful":       {"x-contentful-signature"},
	"sanity":           {"sanity-webhook-signature"},
	"generic":          {"webhook-signature"},
	"github-style":     {"X-Hub-Signature-256"},
}

// badSample is a request that must be answered 401.
type badSample struct {
	name string
	s    httpSample
}

// badSamples are the ways s, a sample signed now, can go wrong: signed
// with the wrong secret (wrong), without its credentials, with its body
// tampered with (unless a bearer token, which does not sign the body,
// carries them), and signed too long ago (stale) for the kinds that sign
// a timestamp.
func badSamples(s, wrong, stale httpSample) []badSample {
	tampered := s
	tampered.body = strings.Replace(s.body, "e", "E", 1)
	missing := s
	missing.headers = map[string]string{}
	for k, v := range s.headers {
		missing.headers[k] = v
	}
	for _, k := range authHeaders[s.kind] {
		delete(missing.headers, k)
	}
	bad := []badSample{{"wrong secret", wrong}, {"missing header", missing}}
	if authHeaders[s.kind][0] != "Authorization" { // a bearer token does not sign the body
		bad = append(bad, badSample{"tampered body", tampered})
	}
	if s.kind == "ghost" || s.kind == "contentful" || s.kind == "sanity" || s.kind == "generic" {
		bad = append(bad, badSample{"stale timestamp", stale})
	}
	return bad
}

// wrongSecrets is env with every secret changed.
func wrongSecrets(env map[string]string) map[string]string {
	wrongEnv := map[string]string{}
	for k, v := range env {
		wrongEnv[k] = v + "x"
	}
	wrongEnv["GENERIC_WEBHOOK_SECRET"] = "whsec_" + base64.StdEncoding.EncodeToString([]byte("another-key"))
	return wrongEnv
}

// For each kind, a request signed now reaches VOD with exactly the expected
// URLs; a tampered body, a wrong secret, a stale timestamp or a missing
// header is answered 401 and nothing reaches VOD.
func TestEveryKindThroughVOD(t *testing.T) {
	env := sampleEnv(t)
	cfgDoc := string(testfix.Read(t, "..", "..", "events", "webhooks.yaml"))
	now := time.Now()
	fresh := httpSamples(env, now)
	stale := httpSamples(env, now.Add(-10*time.Minute))
	wrong := httpSamples(wrongSecrets(env), now)
	for i, s := range fresh {
		t.Run(s.kind, func(t *testing.T) {
			checkKindThroughVOD(t, cfgDoc, env, s, badSamples(s, wrong[i], stale[i]))
		})
	}
}

// samplesHandler is a handler for the configuration cfgDoc and the secrets
// in env, with credentials, on a fake VOD.
func samplesHandler(t *testing.T, cfgDoc string, env map[string]string) (*Handler, *vodfake.Server) {
	t.Helper()
	srv := startFake(t, nil)
	ep, _ := vod.ParseEndpoint(srv.Endpoint())
	withCreds := map[string]string{vod.EnvAccessKeyID: testAK, vod.EnvAccessKeySecret: testSecret}
	for k, v := range env {
		withCreds[k] = v
	}
	t.Setenv(vod.EnvAccessKeyID, testAK)
	t.Setenv(vod.EnvAccessKeySecret, testSecret)
	getenv := func(k string) string { return withCreds[k] }
	h, err := New(mustConfig(t, cfgDoc), Options{Connector: vod.NewConnector(ep, getenv), Getenv: getenv})
	if err != nil {
		t.Fatal(err)
	}
	return h, srv
}

// checkKindThroughVOD sends the bad requests, then s, to a handler for the
// configuration cfgDoc and secrets env, on a fake VOD: each bad one must be
// answered 401 without reaching VOD, and s must reach it with s.want.
func checkKindThroughVOD(t *testing.T, cfgDoc string, env map[string]string, s httpSample, bad []badSample) {
	h, srv := samplesHandler(t, cfgDoc, env)
	for _, b := range bad {
		if status, reply := invokeHTTP(t, h, b.s.triggerEventJSON()); status != 401 {
			t.Errorf("%s: %d %+v", b.name, status, reply)
		}
	}
	if n := len(srv.Requests()) + srv.Rejected(); n != 0 {
		t.Fatalf("rejected requests reached VOD: %d", n)
	}
	status, reply := invokeHTTP(t, h, s.triggerEventJSON())
	if status != 202 || reply.Status != "accepted" || reply.DryRun {
		t.Fatalf("fresh request: %d %+v", status, reply)
	}
	var got []string
	for _, r := range refreshes(srv) {
		got = append(got, r.Paths...)
	}
	if !reflect.DeepEqual(got, s.want) {
		t.Errorf("VOD received %q, want %q", got, s.want)
	}
	if len(reply.TaskIDs) != len(s.want) {
		t.Errorf("task IDs %v", reply.TaskIDs)
	}
}
