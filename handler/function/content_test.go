package function

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/internal/redistest"
	"vodrefresh/handler/internal/vodfake"
	"vodrefresh/handler/store"
	"vodrefresh/handler/vod"
)

// strapiConfig is a Strapi route with its related pages: the home page
// and each article's category page.
const strapiConfig = `
domains: [https://www.example.com]
webhooks:
  - path: /hooks/cms
    kind: strapi
    secretEnv: STRAPI_TOKEN
    urls: ["https://www.example.com/{model}/{slug}/"]
    related: ["https://www.example.com/", "https://www.example.com/category/{category}/"]
`

const strapiTestToken = "strapi-test-token-0001-long-enough"

// strapiPublish is a Strapi 5 entry.publish of article n, with slug, in
// the news category.
func strapiPublish(n int, slug string, at time.Time) []byte {
	ts := at.UTC().Format(time.RFC3339Nano)
	body := fmt.Sprintf(`{"event":"entry.publish","createdAt":%q,"model":"article","uid":"api::article.article","entry":{"id":%d,"documentId":"doc%04d","slug":%q,"locale":"en","updatedAt":%q,"publishedAt":%q,"category":{"id":3,"slug":"news"}}}`,
		ts, n, n, slug, ts, ts)
	return httpEvent("POST", "/hooks/cms", map[string]string{"Authorization": "Bearer " + strapiTestToken, "Content-Type": "application/json"}, []byte(body), false)
}

// strapiRig is a handler on a real redis-server, with the planner running.
func strapiRig(t *testing.T) (*Handler, *vodfake.Server) {
	t.Helper()
	srv := startFake(t, nil)
	st, err := store.OpenRedis(redistest.Start(t).URL(8))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	t.Setenv(vod.EnvAccessKeyID, testAK)
	t.Setenv(vod.EnvAccessKeySecret, testSecret)
	t.Setenv(vod.EnvSecurityToken, testToken)
	env := map[string]string{"STRAPI_TOKEN": strapiTestToken, vod.EnvAccessKeyID: testAK, vod.EnvAccessKeySecret: testSecret, vod.EnvSecurityToken: testToken}
	opts := fakeOptions(t, srv, env)
	opts.Store, opts.Now = st, func() time.Time { return hookNow }
	h, err := New(mustConfig(t, strapiConfig), opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := handle(h, context.Background(), timerEvent(hookNow)); err != nil {
		t.Fatal(err)
	}
	return h, srv
}

// A bulk publish of 230 articles in one category: Strapi sends one
// delivery each, within a second. Each article's page is refreshed once,
// at once; the home page and the category page are left to the planner,
// whose next run refreshes each once.
func TestStrapiBulkPublishRefreshesRelatedPagesOnce(t *testing.T) {
	h, srv := strapiRig(t)
	for n := range 230 {
		status, reply := invokeHTTP(t, h, strapiPublish(n, fmt.Sprintf("report-%03d", n), hookNow.Add(time.Duration(n)*3*time.Millisecond)))
		if status != 202 || reply.Status != "accepted" {
			t.Fatalf("publish %d: %d %+v", n, status, reply)
		}
	}
	if _, err := handle(h, context.Background(), timerEvent(hookNow.Add(time.Minute))); err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, r := range refreshes(srv) {
		for _, p := range r.Paths {
			count[p]++
		}
	}
	for n := range 230 {
		if u := fmt.Sprintf("https://www.example.com/article/report-%03d/", n); count[u] != 1 {
			t.Errorf("%s refreshed %d times, want once", u, count[u])
		}
	}
	for _, u := range []string{"https://www.example.com/", "https://www.example.com/category/news/"} {
		if count[u] < 1 || count[u] > 3 {
			t.Errorf("%s refreshed %d times, want once to a few", u, count[u])
		}
	}
}

// Strapi sends no previous slug: the URL last refreshed for an entry is
// remembered, and refreshed too when its slug changes.
func TestStrapiSlugChangeRefreshesTheOldURL(t *testing.T) {
	h, srv := strapiRig(t)
	if status, reply := invokeHTTP(t, h, strapiPublish(1, "launch", hookNow)); status != 202 || reply.Status != "accepted" {
		t.Fatalf("the first publish: %d %+v", status, reply)
	}
	before := len(refreshes(srv))
	status, reply := invokeHTTP(t, h, strapiPublish(1, "launch-day", hookNow.Add(time.Minute)))
	var got []string
	for _, r := range refreshes(srv)[before:] {
		got = append(got, r.Paths...)
	}
	joined := strings.Join(got, " ")
	if status != 202 || !strings.Contains(joined, "https://www.example.com/article/launch-day/") || !strings.Contains(joined, "https://www.example.com/article/launch/") {
		t.Errorf("after the slug change: %d %+v, VOD was sent %q; want the new URL and the old", status, reply, got)
	}
}
