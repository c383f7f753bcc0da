package webhook

import (
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"vodrefresh/handler/internal/testfix"
)

// hdr makes a header of name, value pairs.
func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}

// cfPublish is the header of a Contentful entry's publication.
var cfPublish = hdr("X-Contentful-Topic", "ContentManagement.Entry.publish")

// listed is the subject, then the subject listed under each term: a tag,
// category or author, written out in the test as only that field.
func listed(subject Fields, terms ...Fields) []Fields {
	out := []Fields{subject}
	for _, t := range terms {
		f := subject
		f.Tag, f.Category, f.Author = t.Tag, t.Category, t.Author
		out = append(out, f)
	}
	return out
}

// parserCase is a body in testdata, a parser, and the change it must make
// of the body, or the problems it must reject the body with.
type parserCase struct {
	file  string
	parse func(b []byte) (Change, error)
	want  Change
	bad   []string // substrings of BadPayload problems, when the body is rejected
}

var parserCases = []parserCase{
	{"ghost/published.json", ParseGhost, Change{Event: "post.published", URLs: []string{"https://www.example.com/blog/hello/"},
		Related: []Fields{{Slug: "hello", ID: "6748a1f0c2b3d40001a1b2c3", Model: "post", Path: "/blog/hello/"}}, Revision: "2026-11-20T08:15:29.000Z"}, nil},
	{"ghost/slug-changed.json", ParseGhost, Change{Event: "post.slug-changed", URLs: []string{"https://www.example.com/blog/new-name/", "https://www.example.com/blog/old-name/"},
		Related: []Fields{{Slug: "new-name", ID: "p1", Model: "post", Path: "/blog/new-name/"}}}, nil},
	{"ghost/deleted.json", ParseGhost, Change{Event: "post.deleted", Items: []Fields{{Slug: "gone", ID: "p2", Model: "post"}},
		Related: []Fields{{Slug: "gone", ID: "p2", Model: "post"}}}, nil},
	// Ghost 5.130 sends no previous.url on delete, and points a deleted
	// post's tags and authors at <site>/404/: the site URL gives the
	// post's URL as Ghost's default routes serve it, when no template does.
	{"ghost/deleted-5130.json", ParseGhost, Change{Event: "post.deleted",
		Items:    []Fields{{Slug: "old-news", ID: "6748a1f0c2b3d40001a1b2f1", Model: "post", Fallback: "https://www.example.com/old-news/"}},
		Related:  listed(Fields{Slug: "old-news", ID: "6748a1f0c2b3d40001a1b2f1", Model: "post"}, Fields{Tag: "news"}, Fields{Author: "joe-bloggs"}),
		Revision: "2026-11-20T08:15:29.000Z"}, nil},
	{"ghost/deleted-no-slug.json", ParseGhost, Change{Event: "page.deleted", Ignored: "deleted page without previous.slug: no URL to rebuild"}, nil},
	{"ghost/deleted-draft.json", ParseGhost, Change{Event: "post.deleted", Ignored: "the deleted post was draft, never live: nothing to refresh"}, nil},
	{"ghost/page.json", ParseGhost, Change{Event: "page.published", URLs: []string{"https://www.example.com/about/"},
		Related: []Fields{{Slug: "about", ID: "pg1", Model: "page", Path: "/about/"}}}, nil},
	{"ghost/unpublished.json", ParseGhost, Change{Event: "post.unpublished",
		Items:   []Fields{{Slug: "welcome", ID: "6748a1f0c2b3d40001a1b2c3", Model: "post", Fallback: "https://www.example.com/welcome/"}},
		Related: listed(Fields{Slug: "welcome", ID: "6748a1f0c2b3d40001a1b2c3", Model: "post"}, Fields{Tag: "news"}, Fields{Author: "joe-bloggs"}), Revision: "2026-11-20T08:15:29.000Z"}, nil},
	{"ghost/page-unpublished.json", ParseGhost, Change{Event: "page.unpublished",
		Items:   []Fields{{Slug: "about-us", ID: "6748a1f0c2b3d40001a1b2e0", Model: "page", Fallback: "https://www.example.com/site/about-us/"}},
		Related: listed(Fields{Slug: "about-us", ID: "6748a1f0c2b3d40001a1b2e0", Model: "page"}, Fields{Author: "joe-bloggs"}), Revision: "2026-11-20T08:15:29.000Z"}, nil},
	{"ghost/draft-edited.json", ParseGhost, Change{Event: "post.draft", Ignored: "the post is draft and was not published before: nothing live changed"}, nil},
	{"ghost/published-tags.json", ParseGhost, Change{Event: "post.published", URLs: []string{"https://www.example.com/welcome/"},
		Related: listed(Fields{Slug: "welcome", ID: "6748a1f0c2b3d40001a1b2c3", Model: "post", Path: "/welcome/"},
			Fields{Tag: "go-1-26"}, Fields{Tag: "news"}, Fields{Author: "joe-bloggs"}), Revision: "2026-11-20T08:15:29.000Z"}, nil},
	// Ghost 5.x sends {} for site.changed, with every change, and a tag
	// under tag.current/previous (only the changed keys) for tag.edited
	// (ghost/core/core/server/services/webhooks/payload.js and
	// serialize.js): deliberate 2xx answers, not malformed bodies.
	{"ghost/site-changed.json", ParseGhost, Change{Event: "site.changed", Ignored: "Ghost's site.changed names nothing: the post or page event sent with it says what changed"}, nil},
	{"ghost/tag-edited.json", ParseGhost, Change{Event: "tag.edited", URLs: []string{"https://www.example.com/tag/field-notes/", "https://www.example.com/tag/news/"},
		Revision: "2026-11-24T03:00:00.000Z"}, nil},
	{"wordpress/update.json", ParseWordPress, Change{Event: "post.slug-changed", URLs: []string{"https://www.example.com/2026/11/spring-sale/"},
		Items: []Fields{{Slug: "spring-sale-2026", ID: "42", Model: "post", Fallback: "https://www.example.com/2026/11/spring-sale-2026/"}},
		Related: listed(Fields{Slug: "spring-sale", ID: "42", Model: "post", Path: "/2026/11/spring-sale/"},
			Fields{Tag: "sale"}, Fields{Tag: "spring"}, Fields{Category: "deals"})}, nil},
	{"wordpress/same-permalink.json", ParseWordPress, Change{Event: "post.publish", URLs: []string{"https://www.example.com/a/"},
		Related: []Fields{{Slug: "a", ID: "43", Model: "post", Path: "/a/"}, {Slug: "a", ID: "43", Model: "post", Path: "/a/", Category: "uncategorized"}}}, nil},
	{"wordpress/trash.json", ParseWordPress, Change{Event: "post.trash",
		Items:   []Fields{{Slug: "hello-world", ID: "44", Model: "post", Fallback: "https://www.example.com/2026/11/hello-world/"}},
		Related: []Fields{{Slug: "hello-world", ID: "44", Model: "post"}}}, nil},
	{"wordpress/trash-bare.json", ParseWordPress, Change{Event: "post.trash",
		Items:   []Fields{{Slug: "old-post", ID: "46", Model: "post", Fallback: "https://www.example.com/old-post/"}},
		Related: []Fields{{Slug: "old-post", ID: "46", Model: "post"}}}, nil},
	{"wordpress/draft.json", ParseWordPress, Change{Event: "post.draft",
		Items:   []Fields{{Slug: "spring-sale", ID: "42", Model: "post"}},
		Related: listed(Fields{Slug: "spring-sale", ID: "42", Model: "post"}, Fields{Tag: "sale"}, Fields{Tag: "spring"}, Fields{Category: "deals"})}, nil},
	{"wordpress/draft-new.json", ParseWordPress, Change{Event: "post.draft", Ignored: "the post is draft and was not published before: nothing live changed"}, nil},
	{"wordpress/bad-permalink.json", ParseWordPress, Change{}, []string{"post_permalink", "/relative/path/"}},
	{"strapi/publish.json", func(b []byte) (Change, error) { return ParseStrapi(b, hdr()) }, Change{Event: "entry.publish", Items: []Fields{{Slug: "launch-day", ID: "7", Model: "article", Locale: "en"}},
		Related: []Fields{{Slug: "launch-day", ID: "7", Model: "article", Locale: "en"}}, Document: "article:x1y2:en"}, nil},
	// Strapi 5's entry.publish deep-populates the entry (getDeepPopulate):
	// the category's slug fills {category}.
	{"strapi/publish-category.json", func(b []byte) (Change, error) { return ParseStrapi(b, hdr()) }, Change{Event: "entry.publish",
		Items:    []Fields{{Slug: "launch-day", ID: "7", Model: "article", Locale: "en"}},
		Related:  listed(Fields{Slug: "launch-day", ID: "7", Model: "article", Locale: "en"}, Fields{Tag: "launch"}, Fields{Category: "news"}, Fields{Author: "jane"}),
		Revision: `2026-11-24T03:00:00.000Z "2026-11-24T03:00:00.000Z"`, Document: "article:x1y2:en"}, nil},
	// The admin's Publish saves the draft first: an entry.update with
	// publishedAt null, which changes nothing live.
	{"strapi/draft-save.json", func(b []byte) (Change, error) { return ParseStrapi(b, hdr()) }, Change{Event: "entry.update", Ignored: "a draft (publishedAt is null): nothing live changed"}, nil},
	{"strapi/create.json", func(b []byte) (Change, error) { return ParseStrapi(b, hdr()) }, Change{Event: "entry.create", Ignored: "a draft (publishedAt is null): nothing live changed"}, nil},
	// A type without draft and publish is live once created.
	{"strapi/create-live.json", func(b []byte) (Change, error) { return ParseStrapi(b, hdr()) }, Change{Event: "entry.create", Items: []Fields{{Slug: "faq", ID: "21", Model: "page", Locale: "en"}},
		Related:  []Fields{{Slug: "faq", ID: "21", Model: "page", Locale: "en"}},
		Revision: `2026-11-24T03:00:00.000Z "2026-11-24T03:00:00.000Z"`, Document: "page:f9a8s7d6:en"}, nil},
	{"strapi/media-create.json", func(b []byte) (Change, error) { return ParseStrapi(b, hdr()) }, Change{Event: "media.create",
		Ignored: "a new upload: its name carries a random hash, so nothing can have cached it"}, nil},
	{"strapi/media-update.json", func(b []byte) (Change, error) { return ParseStrapi(b, hdr()) }, Change{Event: "media.update",
		Assets: []string{"https://img.example.com/uploads/launch_poster_5f1c2a.jpg", "https://img.example.com/uploads/small_launch_poster_5f1c2a.jpg",
			"https://img.example.com/uploads/thumbnail_launch_poster_5f1c2a.jpg"},
		Items: []Fields{{Model: "media", Path: "/uploads/launch_poster_5f1c2a.jpg"}, {Model: "media", Path: "/uploads/small_launch_poster_5f1c2a.jpg"},
			{Model: "media", Path: "/uploads/thumbnail_launch_poster_5f1c2a.jpg"}}, Upload: true}, nil},
	{"strapi/media-delete.json", func(b []byte) (Change, error) { return ParseStrapi(b, hdr("X-Strapi-Event", "media.delete")) }, Change{Event: "media.delete",
		Assets: []string{"https://media-bucket.oss-cn-shanghai.aliyuncs.com/uploads/old_logo_77aa01.svg"},
		Items:  []Fields{{Model: "media", Path: "/uploads/old_logo_77aa01.svg"}}, Upload: true}, nil},
	{"strapi/no-locale.json", func(b []byte) (Change, error) { return ParseStrapi(b, hdr()) }, Change{Event: "entry.update",
		Items: []Fields{{Slug: "about", ID: "11", Model: "page"}}, Related: []Fields{{Slug: "about", ID: "11", Model: "page"}},
		Revision: `2026-11-20T08:15:29.000Z "2026-11-20T08:15:29.000Z"`, Document: "page:p4g3x2:"}, nil},
	{"strapi/no-model.json", func(b []byte) (Change, error) { return ParseStrapi(b, hdr()) }, Change{}, []string{"model: is required"}},
	{"contentful/publish.json", func(b []byte) (Change, error) { return ParseContentful(b, cfPublish, trusted) }, Change{Event: "ContentManagement.Entry.publish", Items: []Fields{
		{Slug: "hallo", ID: "5KsDBWseXY6QegucYAoacS", Model: "article", Locale: "de-DE"},
		{Slug: "hello", ID: "5KsDBWseXY6QegucYAoacS", Model: "article", Locale: "en-US"},
	}}, nil},
	{"contentful/delete.json", func(b []byte) (Change, error) {
		return ParseContentful(b, hdr("X-Contentful-Topic", "ContentManagement.Entry.delete"), trusted)
	}, Change{Event: "ContentManagement.Entry.delete", Items: []Fields{{ID: "5KsDBWseXY6QegucYAoacS", Model: "article"}}}, nil},
	{"contentful/publish.json", func(b []byte) (Change, error) {
		return ParseContentful(b, hdr("X-Contentful-Topic", "ContentManagement.Entry.auto_save"), trusted)
	}, Change{Event: "ContentManagement.Entry.auto_save", Ignored: "contentful topic ContentManagement.Entry.auto_save needs no refresh"}, nil},
	{"contentful/asset.json", func(b []byte) (Change, error) {
		return ParseContentful(b, hdr("X-Contentful-Topic", "ContentManagement.Asset.unpublish"), trusted)
	}, Change{Event: "ContentManagement.Asset.unpublish", Assets: []string{"https://images.ctfassets.net/space/a1/abc/photo.jpg"},
		Items: []Fields{{Model: "asset", Locale: "en-US", Path: "/space/a1/abc/photo.jpg"}}}, nil},
	{"contentful/asset-publish.json", func(b []byte) (Change, error) {
		return ParseContentful(b, hdr("X-Contentful-Topic", "ContentManagement.Asset.publish"), trusted)
	}, Change{Event: "ContentManagement.Asset.publish",
		Assets: []string{"https://images.ctfassets.net/yadj1kx9rmg0/3wtvPBbBjiMKqKKga8I2Cu/5a2f3e9c8d7b6a5f4e3d2c1b0a9f8e7d/spring-banner.jpg"},
		Items:  []Fields{{Model: "asset", Locale: "en-US", Path: "/yadj1kx9rmg0/3wtvPBbBjiMKqKKga8I2Cu/5a2f3e9c8d7b6a5f4e3d2c1b0a9f8e7d/spring-banner.jpg"}}}, nil},
	{"contentful/publish.json", func(b []byte) (Change, error) { return ParseContentful(b, hdr(), trusted) }, Change{}, []string{"X-Contentful-Topic"}},
	{"sanity/update.json", func(b []byte) (Change, error) { return ParseSanity(b, hdr("sanity-operation", "update"), trusted) }, Change{Event: "sanity.update", Items: []Fields{
		{Slug: "new-post", ID: "post-123", Model: "post", Locale: "en"},
		{Slug: "old-post", ID: "post-123", Model: "post", Locale: "en"},
	}, Related: []Fields{{Slug: "new-post", ID: "post-123", Model: "post", Locale: "en"}}}, nil},
	{"sanity/url.json", func(b []byte) (Change, error) { return ParseSanity(b, hdr(), trusted) }, Change{Event: "sanity", URLs: []string{"https://www.example.com/pages/one/"},
		Items: []Fields{{ID: "page-1", Model: "page", Path: "/pages/one/"}}, Related: []Fields{{ID: "page-1", Model: "page", Path: "/pages/one/"}}}, nil},
	{"sanity/tagged.json", func(b []byte) (Change, error) { return ParseSanity(b, hdr("sanity-operation", "create"), trusted) }, Change{Event: "sanity.create",
		Items: []Fields{{Slug: "new-post", ID: "post-123", Model: "post"}},
		Related: listed(Fields{Slug: "new-post", ID: "post-123", Model: "post"},
			Fields{Tag: "go"}, Fields{Tag: "release notes"}, Fields{Category: "engineering"}, Fields{Author: "jane-doe"})}, nil},
	{"sanity/empty.json", func(b []byte) (Change, error) { return ParseSanity(b, hdr(), trusted) }, Change{Event: "sanity", Ignored: "the projection sent no slug, oldSlug, url or _id"}, nil},
	{"generic/files.json", func(b []byte) (Change, error) { return ParseGeneric(b, 10) }, Change{Event: "refresh", URLs: []string{"https://img.example.com/a.png", "https://img.example.com/b%20c.png"}, ObjectType: "File"}, nil},
	{"generic/dirs.json", func(b []byte) (Change, error) { return ParseGeneric(b, 10) }, Change{Event: "refresh", URLs: []string{"https://img.example.com/banners/"}, ObjectType: "Directory"}, nil},
	{"generic/invalid.json", func(b []byte) (Change, error) { return ParseGeneric(b, 10) }, Change{}, []string{`paths[1]: "ftp://img.example.com/b.png" is not an absolute http(s) URL`, `paths[2]: "not a url"`, `objectType: must be File or Directory`}},
	{"generic/files.json", func(b []byte) (Change, error) { return ParseGeneric(b, 1) }, Change{}, []string{"at most 1 paths"}},
	{"generic/dir-without-slash.json", func(b []byte) (Change, error) { return ParseGeneric(b, 10) }, Change{}, []string{`paths[0]: a directory must end with "/"`}},
	{"generic/unknown-field.json", func(b []byte) (Change, error) { return ParseGeneric(b, 10) }, Change{}, []string{"purge"}},
	{"generic/empty.json", func(b []byte) (Change, error) { return ParseGeneric(b, 10) }, Change{}, []string{"paths: needs at least one path"}},
}

func TestParsers(t *testing.T) {
	for _, tt := range parserCases {
		t.Run(tt.file, func(t *testing.T) { checkParser(t, tt) })
	}
}

// checkParser parses tt's body and checks the change, or the problems.
func checkParser(t *testing.T, tt parserCase) {
	got, err := tt.parse(testfix.Read(t, "testdata", tt.file))
	if tt.bad != nil {
		var bp *BadPayload
		if !errors.As(err, &bp) {
			t.Fatalf("got %+v, %v; want a BadPayload", got, err)
		}
		all := strings.Join(bp.Problems, "\n")
		for _, w := range tt.bad {
			if !strings.Contains(all, w) {
				t.Errorf("problems %q do not mention %q", bp.Problems, w)
			}
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, tt.want) {
		t.Errorf("got  %+v\nwant %+v", got, tt.want)
	}
}

// Garbage never panics, and is a BadPayload.
func TestParsersOnGarbage(t *testing.T) {
	parsers := map[string]func([]byte) (Change, error){
		"generic":   func(b []byte) (Change, error) { return ParseGeneric(b, 10) },
		"ghost":     ParseGhost,
		"wordpress": ParseWordPress,
		"strapi":    func(b []byte) (Change, error) { return ParseStrapi(b, http.Header{"X-Strapi-Event": {"entry.update"}}) },
		"contentful": func(b []byte) (Change, error) {
			return ParseContentful(b, http.Header{"X-Contentful-Topic": {"ContentManagement.Entry.publish"}}, trusted)
		},
		"sanity": func(b []byte) (Change, error) { return ParseSanity(b, http.Header{}, trusted) },
	}
	for name, parse := range parsers {
		for _, body := range []string{"", "null", "[]", "{", `"x"`, `{"post":1,"paths":2,"sys":3,"entry":4,"slug":5}`, strings.Repeat("[", 10000)} {
			ch, err := parse([]byte(body))
			var bp *BadPayload
			if err == nil && ch.Ignored == "" && len(ch.URLs)+len(ch.Items) > 0 {
				t.Errorf("%s accepted %q: %+v", name, clip(body), ch)
			}
			if err != nil && !errors.As(err, &bp) {
				t.Errorf("%s on %q: %v is not a BadPayload", name, clip(body), err)
			}
		}
	}
}

// trusted is the proof of a scheme that authenticates every header (a
// bearer token): parsers read the event headers as sent.
var trusted = Proof{whole: true}
