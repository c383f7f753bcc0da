package function

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/internal/testfix"
	"vodrefresh/handler/webhook"
	"vodrefresh/handler/webhook/webhooktest"
)

// cmsEnv holds the secrets of testdata/cms.yaml.
var cmsEnv = map[string]string{
	"GHOST_SECRET": "ghost secret with spaces", "WP_TOKEN": "wp-token-0001", "WP_SECRET": "wp-secret-0001",
	"STRAPI_TOKEN": "strapi-token-0001", "CF_SECRET": "contentful-secret-0001", "SANITY_SECRET": "sanity secret 0001",
}

var cmsNow = time.Date(2026, 11, 20, 8, 15, 30, 0, time.UTC)

// cmsCase is a fixture from webhook/testdata sent to a route of
// testdata/cms.yaml as its sender sends it, and what must reach VOD.
type cmsCase struct {
	route, fixture string
	sign           func(route string, body []byte) map[string]string // the headers the sender adds
	status         int
	reply          string   // "accepted" or "ignored"
	paths          []string // what VOD receives, in order
	note           string   // substring of the reply's note, when set
	skipped        []string // substrings of the reply's skipped, in order
}

func ghostSigned(_ string, body []byte) map[string]string {
	return map[string]string{"Content-Type": "application/json", "X-Ghost-Signature": webhooktest.SignGhost(cmsEnv["GHOST_SECRET"], body, cmsNow)}
}

func wpBearer(string, []byte) map[string]string {
	return map[string]string{"Content-Type": "application/json", "Authorization": "Bearer " + cmsEnv["WP_TOKEN"]}
}

func wpSigned(_ string, body []byte) map[string]string {
	return map[string]string{"Content-Type": "application/json", "X-WP-Webhook-Signature": webhooktest.SignWordPress(cmsEnv["WP_SECRET"], body)}
}

// contentfulSigned signs as Contentful does a webhook whose URL is route, a
// path and maybe a query, for the topic.
func contentfulSigned(topic string) func(string, []byte) map[string]string {
	return func(route string, body []byte) map[string]string {
		path, query, _ := strings.Cut(route, "?")
		r := &webhook.Request{Method: "POST", Path: path, RawQuery: query, Header: http.Header{}, Body: body}
		h := map[string]string{"Content-Type": "application/vnd.contentful.management.v1+json", "X-Contentful-Topic": topic}
		r.Header.Set("X-Contentful-Topic", topic)
		for k, v := range webhooktest.SignContentful(cmsEnv["CF_SECRET"], r, cmsNow) {
			h[k] = v
		}
		return h
	}
}

func strapiBearer(string, []byte) map[string]string {
	return map[string]string{"Content-Type": "application/json", "Authorization": "Bearer " + cmsEnv["STRAPI_TOKEN"]}
}

func sanitySigned(_ string, body []byte) map[string]string {
	return map[string]string{"Content-Type": "application/json", "sanity-operation": "create",
		"sanity-webhook-signature": webhooktest.SignSanity(cmsEnv["SANITY_SECRET"], body, cmsNow)}
}

var cmsCases = []cmsCase{
	// Ghost: an unpublished post's live URL, never its /p/<uuid>/ preview.
	{route: "/hooks/ghost", fixture: "ghost/unpublished.json", sign: ghostSigned, status: 202, reply: "accepted",
		paths: []string{"https://www.example.com/welcome/", "https://www.example.com/", "https://www.example.com/tag/news/", "https://www.example.com/author/joe-bloggs/"}},
	{route: "/hooks/ghost-blog", fixture: "ghost/unpublished.json", sign: ghostSigned, status: 202, reply: "accepted",
		paths: []string{"https://www.example.com/blog/welcome/"}},
	{route: "/hooks/ghost", fixture: "ghost/page-unpublished.json", sign: ghostSigned, status: 202, reply: "accepted",
		paths:   []string{"https://www.example.com/site/about-us/", "https://www.example.com/", "https://www.example.com/author/joe-bloggs/"},
		skipped: []string{`related[1] "https://www.example.com/tag/{tag}/" not filled: the payload has no {tag}`}},
	{route: "/hooks/ghost", fixture: "ghost/published-tags.json", sign: ghostSigned, status: 202, reply: "accepted",
		paths: []string{"https://www.example.com/welcome/", "https://www.example.com/", "https://www.example.com/tag/go-1-26/",
			"https://www.example.com/tag/news/", "https://www.example.com/author/joe-bloggs/"}},
	{route: "/hooks/ghost", fixture: "ghost/draft-edited.json", sign: ghostSigned, status: 202, reply: "ignored", note: "nothing live changed"},
	// WordPress, as installed: a Bearer token.
	{route: "/hooks/wp", fixture: "wordpress/trash.json", sign: wpBearer, status: 202, reply: "accepted",
		paths:   []string{"https://www.example.com/2026/11/hello-world/", "https://www.example.com/feed/"},
		skipped: []string{"related[1]", "related[2]"}},
	{route: "/hooks/wp", fixture: "wordpress/update.json", sign: wpBearer, status: 202, reply: "accepted",
		paths: []string{"https://www.example.com/2026/11/spring-sale/", "https://www.example.com/2026/11/spring-sale-2026/", "https://www.example.com/feed/",
			"https://www.example.com/tag/sale/", "https://www.example.com/tag/spring/", "https://www.example.com/category/deals/"}},
	{route: "/hooks/wp", fixture: "wordpress/draft.json", sign: wpBearer, status: 202, reply: "accepted",
		paths: []string{"https://www.example.com/feed/", "https://www.example.com/tag/sale/", "https://www.example.com/tag/spring/", "https://www.example.com/category/deals/"},
		note:  "no URL templates"},
	{route: "/hooks/wp", fixture: "wordpress/update.json", sign: wpSigned, status: 401},
	// WordPress with the secret set through the plugin's filter, and a
	// permalink template.
	{route: "/hooks/wp-signed", fixture: "wordpress/draft.json", sign: wpSigned, status: 202, reply: "accepted",
		paths: []string{"https://www.example.com/spring-sale/"}},
	{route: "/hooks/wp-signed", fixture: "wordpress/trash.json", sign: wpSigned, status: 202, reply: "accepted",
		paths: []string{"https://www.example.com/hello-world/"}},
	{route: "/hooks/wp-signed", fixture: "wordpress/draft-new.json", sign: wpSigned, status: 202, reply: "ignored", note: "was not published"},
	{route: "/hooks/wp-signed", fixture: "wordpress/trash.json", sign: wpBearer, status: 401},
	// Contentful: a webhook URL with a query, and assets on its own CDN.
	{route: "/hooks/contentful?env=master", fixture: "contentful/publish.json", sign: contentfulSigned("ContentManagement.Entry.publish"), status: 202, reply: "accepted",
		paths: []string{"https://www.example.com/article/hallo/", "https://www.example.com/article/hello/"}},
	{route: "/hooks/contentful?env=master&space=yadj1kx9rmg0", fixture: "contentful/publish.json", sign: contentfulSigned("ContentManagement.Entry.publish"), status: 202, reply: "accepted",
		paths: []string{"https://www.example.com/article/hallo/", "https://www.example.com/article/hello/"}},
	{route: "/hooks/contentful?env=master", fixture: "contentful/asset-publish.json", sign: contentfulSigned("ContentManagement.Asset.publish"), status: 202, reply: "ignored",
		note:    "not on an allowlisted domain",
		skipped: []string{`asset "https://images.ctfassets.net/yadj1kx9rmg0/`, `urls[0] "https://www.example.com/{model}/{slug}/" not filled: the payload has no {slug}`}},
	{route: "/hooks/contentful-assets", fixture: "contentful/asset-publish.json", sign: contentfulSigned("ContentManagement.Asset.publish"), status: 202, reply: "accepted",
		paths:   []string{"https://img.example.com/cf/yadj1kx9rmg0/3wtvPBbBjiMKqKKga8I2Cu/5a2f3e9c8d7b6a5f4e3d2c1b0a9f8e7d/spring-banner.jpg"},
		skipped: []string{"asset", "urls[0]"}},
	// Strapi: uploads replaced or deleted, and entries without i18n.
	// A new upload's name carries a random hash: nothing can have cached it.
	{route: "/hooks/strapi", fixture: "strapi/media-create.json", sign: strapiBearer, status: 202, reply: "ignored",
		note: "a new upload"},
	{route: "/hooks/strapi", fixture: "strapi/media-update.json", sign: strapiBearer, status: 202, reply: "accepted",
		paths: []string{"https://img.example.com/uploads/launch_poster_5f1c2a.jpg", "https://img.example.com/uploads/small_launch_poster_5f1c2a.jpg",
			"https://img.example.com/uploads/thumbnail_launch_poster_5f1c2a.jpg"},
		skipped: []string{"urls[0]"}},
	{route: "/hooks/strapi", fixture: "strapi/media-delete.json", sign: strapiBearer, status: 202, reply: "accepted",
		paths:   []string{"https://img.example.com/uploads/old_logo_77aa01.svg"},
		skipped: []string{`asset "https://media-bucket.oss-cn-shanghai.aliyuncs.com/uploads/old_logo_77aa01.svg" is not on an allowlisted domain`, "urls[0]"}},
	{route: "/hooks/strapi", fixture: "strapi/no-locale.json", sign: strapiBearer, status: 202, reply: "ignored",
		note:    "no URL template could be filled",
		skipped: []string{"the payload has no {locale}", "the payload has no {path}"}},
	{route: "/hooks/strapi-en", fixture: "strapi/no-locale.json", sign: strapiBearer, status: 202, reply: "accepted",
		paths: []string{"https://www.example.com/en/page/about/"}},
	// Sanity: the pages around a document, from what the projection sends.
	{route: "/hooks/sanity", fixture: "sanity/tagged.json", sign: sanitySigned, status: 202, reply: "accepted",
		paths: []string{"https://www.example.com/posts/new-post/", "https://www.example.com/tags/go/", "https://www.example.com/tags/release%20notes/",
			"https://www.example.com/categories/engineering/", "https://www.example.com/authors/jane-doe/"}},
}

// Each sender's payloads, signed as it signs them, refresh the live pages
// and the pages around them, and nothing else.
func TestCMSPayloads(t *testing.T) {
	cfgDoc := string(testfix.Read(t, "testdata", "cms.yaml"))
	for _, tt := range cmsCases {
		t.Run(tt.route+" "+tt.fixture, func(t *testing.T) {
			h, srv := samplesHandler(t, cfgDoc, cmsEnv)
			h.opts.Now = func() time.Time { return cmsNow.Add(time.Second) }
			body := testfix.Read(t, "..", "webhook", "testdata", tt.fixture)
			path, query := splitQuery(tt.route)
			status, reply := invokeHTTP(t, h, httpEventQuery("POST", path, query, tt.sign(tt.route, body), body, false))
			var got []string
			for _, r := range refreshes(srv) {
				got = append(got, r.Paths...)
			}
			if status != tt.status || (reply.Status != tt.reply && tt.reply != "") || !slices.Equal(got, tt.paths) {
				t.Fatalf("%d %s, VOD received %q\nwant %d %s, %q\nreply %+v", status, reply.Status, got, tt.status, tt.reply, tt.paths, reply)
			}
			if !strings.Contains(reply.Note, tt.note) || len(reply.Skipped) != len(tt.skipped) {
				t.Errorf("note %q, skipped %q; want %q, %q", reply.Note, reply.Skipped, tt.note, tt.skipped)
			}
			for i, w := range tt.skipped {
				if i < len(reply.Skipped) && !strings.Contains(reply.Skipped[i], w) {
					t.Errorf("skipped[%d] %q does not mention %q", i, reply.Skipped[i], w)
				}
			}
		})
	}
}
