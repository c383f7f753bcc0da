package e2e

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/internal/fcemu"
	"vodrefresh/handler/internal/redistest"
	"vodrefresh/handler/internal/testfix"
	"vodrefresh/handler/internal/vodfake"
	"vodrefresh/handler/webhook/webhooktest"
)

// cmsConfig serves Ghost, with posts under /blog/ and pages and tags at
// their own places, and Strapi, with its category pages.
const cmsConfig = `
domains: [https://www.example.com, https://img.example.com]
webhooks:
  - path: /hooks/blog
    kind: ghost
    secretEnv: GHOST_SECRET
    urls: ["https://www.example.com/{slug}/"]
    models:
      post:
        urls: ["https://www.example.com/blog/{slug}/"]
        related: ["https://www.example.com/blog/"]
      tag:
        urls: ["https://www.example.com/tag/{slug}/"]
  - path: /hooks/cms
    kind: strapi
    secretEnv: STRAPI_TOKEN
    urls: ["https://www.example.com/{model}/{slug}/", "https://img.example.com{path}"]
    related: ["https://www.example.com/category/{category}/"]
`

// answer is an HTTP trigger answer, decoded.
type answer struct {
	StatusCode int    `json:"statusCode"`
	Body       string `json:"body"`
}

func decodeAnswer(t *testing.T, o fcemu.Outcome) answer {
	t.Helper()
	var a answer
	if o.Error != nil || json.Unmarshal(o.Response, &a) != nil {
		t.Fatalf("answer %s, error %+v", o.Response, o.Error)
	}
	return a
}

// The senders' events through the compiled binary, from fixtures of their
// own shapes: what each refreshes, or why it refreshes nothing.
func TestCMSEvents(t *testing.T) {
	r := newRigEnv(t, cmsConfig, nil, map[string]string{"GHOST_SECRET": ghostSecret, "STRAPI_TOKEN": strapiToken})
	now := time.Now()
	strapi := map[string]string{"Authorization": "Bearer " + strapiToken, "Content-Type": "application/json"}
	for _, tt := range []struct {
		name, path, fixture string
		status              string
		paths               []string
	}{
		{"Ghost: a tag renamed", "/hooks/blog", "ghost/tag-edited.json", "accepted", []string{"https://www.example.com/tag/field-notes/", "https://www.example.com/tag/news/"}},
		{"Ghost: a post deleted, its URL from the post template", "/hooks/blog", "ghost/deleted-5130.json", "accepted", []string{"https://www.example.com/blog/old-news/", "https://www.example.com/blog/"}},
		{"Strapi: a draft saved", "/hooks/cms", "strapi/draft-save.json", "ignored", nil},
		{"Strapi: a publish with its category", "/hooks/cms", "strapi/publish-category.json", "accepted", []string{"https://www.example.com/article/launch-day/", "https://www.example.com/category/news/"}},
		{"Strapi: entry.create of a live type", "/hooks/cms", "strapi/create-live.json", "accepted", []string{"https://www.example.com/page/faq/"}},
		{"Strapi: a media upload", "/hooks/cms", "strapi/media-create.json", "ignored", nil},
		{"Strapi: a media replacement, no related page", "/hooks/cms", "strapi/media-update.json", "accepted", []string{"https://img.example.com/uploads/launch_poster_5f1c2a.jpg",
			"https://img.example.com/uploads/small_launch_poster_5f1c2a.jpg", "https://img.example.com/uploads/thumbnail_launch_poster_5f1c2a.jpg"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			body := testfix.Read(t, "..", "webhook", "testdata", tt.fixture)
			headers := strapi
			if strings.HasPrefix(tt.fixture, "ghost/") {
				headers = map[string]string{"X-Ghost-Signature": webhooktest.SignGhost(ghostSecret, body, now), "Content-Type": "application/json"}
			}
			before := len(r.refreshes())
			a := decodeAnswer(t, r.invoke(t, senderEvent(tt.path, headers, body), fcemu.Invocation{}))
			var got []string
			for _, q := range r.refreshes()[before:] {
				got = append(got, q.Paths...)
			}
			if a.StatusCode != 202 || !strings.Contains(a.Body, `"status":"`+tt.status+`"`) || !slices.Equal(got, tt.paths) {
				t.Errorf("answered %d %s; VOD was sent %q\nwant 202 %s, %q", a.StatusCode, a.Body, got, tt.status, tt.paths)
			}
		})
	}
}

// Ghost sends one deletion twice, as post.unpublished and post.deleted,
// with one body, each signed with its own timestamp. Delivered to two
// fresh processes sharing a redis-server, it makes one refresh call.
func TestGhostDeletePairRefreshesOnce(t *testing.T) {
	redis := redistest.Start(t)
	vod, err := vodfake.Start(vodfake.Options{Credentials: map[string]string{stsKey: stsSecret, envKey: envSecret}, Lifetime: 2 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(vod.Close)
	env := map[string]string{"GHOST_SECRET": ghostSecret, "STRAPI_TOKEN": strapiToken, "REFRESH_STORE_URL": redis.URL(7)}
	body := testfix.Read(t, "..", "webhook", "testdata", "ghost/deleted-5130.json")
	now := time.Now()
	for i, event := range []string{"post.unpublished", "post.deleted"} {
		r := newProcess(t, vod, cmsConfig, env)
		headers := map[string]string{"X-Ghost-Signature": webhooktest.SignGhost(ghostSecret, body, now.Add(time.Duration(i)*time.Second)), "Content-Type": "application/json"}
		a := decodeAnswer(t, r.invoke(t, senderEvent("/hooks/blog", headers, body), fcemu.Invocation{}))
		want := map[int]string{0: `"status":"accepted"`, 1: `"status":"duplicate"`}[i]
		if a.StatusCode != 202 || !strings.Contains(a.Body, want) {
			t.Errorf("%s: answered %d %s, want 202 with %s", event, a.StatusCode, a.Body, want)
		}
		r.proc.stop()
	}
	if n := vod.Calls("RefreshVodObjectCaches"); n != 1 {
		t.Errorf("%d refresh calls for one deletion, want 1", n)
	}
}
