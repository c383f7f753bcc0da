package refresh

import (
	"reflect"
	"strings"
	"testing"

	"vodrefresh/handler/change"
	"vodrefresh/handler/config"
	"vodrefresh/handler/internal/testfix"
)

// routeCase is a change on a route of testdata/routes.yaml and what must be
// planned of it.
type routeCase struct {
	name    string
	route   string
	change  change.Change
	files   []string
	outside int
	note    string   // RoutePlan.Note
	notes   []string // RoutePlan.Notes
}

var routeCases = []routeCase{
	{name: "a URL, and the related pages with every tag and author", route: "/blog",
		change: change.Change{URLs: []string{"https://www.example.com/blog/hello/"},
			Related: []change.Fields{{Slug: "hello", Tag: "news"}, {Slug: "hello", Tag: "go 1.26"}, {Slug: "hello", Author: "jane"}}},
		files: []string{"https://www.example.com/blog/hello/", "https://www.example.com/", "https://www.example.com/rss/",
			"https://www.example.com/tag/news/", "https://www.example.com/tag/go%201.26/", "https://www.example.com/author/jane/"}},
	{name: "related templates the payload cannot fill are noted", route: "/blog",
		change: change.Change{URLs: []string{"https://www.example.com/blog/hello/"}, Related: []change.Fields{{Slug: "hello"}}},
		files:  []string{"https://www.example.com/blog/hello/", "https://www.example.com/", "https://www.example.com/rss/"},
		notes: []string{`related[2] "https://www.example.com/tag/{tag}/" not filled: the payload has no {tag}`,
			`related[3] "https://www.example.com/author/{author}/" not filled: the payload has no {author}`}},
	{name: "an ignored event refreshes no related page", route: "/blog",
		change: change.Change{Ignored: "a draft"}, note: "the payload names nothing to refresh"},
	{name: "the route's template wins over the fallback", route: "/blog",
		change: change.Change{Items: []change.Fields{{Slug: "gone", Fallback: "https://www.example.com/gone/"}}},
		files:  []string{"https://www.example.com/blog/gone/", "https://www.example.com/", "https://www.example.com/rss/"},
		notes:  []string{`related[2] "https://www.example.com/tag/{tag}/" not filled: the payload has no {tag}`, `related[3] "https://www.example.com/author/{author}/" not filled: the payload has no {author}`}},
	{name: "no template: the fallback", route: "/wp",
		change: change.Change{Items: []change.Fields{{Slug: "hello-world", Fallback: "https://www.example.com/2026/11/hello-world/"}}},
		files:  []string{"https://www.example.com/2026/11/hello-world/"}},
	{name: "no template and no fallback", route: "/wp", change: change.Change{Items: []change.Fields{{Slug: "x"}}},
		note: "the payload carries no URL and the route has no URL templates"},
	{name: "a template whose field the payload lacks is noted", route: "/strapi",
		change: change.Change{Items: []change.Fields{{Slug: "launch", Model: "article"}}},
		note:   "no URL template could be filled from the payload (it has {slug}, {model})",
		notes: []string{`urls[0] "https://www.example.com/{locale}/{model}/{slug}/" not filled: the payload has no {locale}`,
			`urls[1] "https://img.example.com{path}" not filled: the payload has no {path}`}},
	{name: "or falls back to the route's default", route: "/strapi-en",
		change: change.Change{Items: []change.Fields{{Slug: "launch", Model: "article"}}},
		files:  []string{"https://www.example.com/en/article/launch/"}},
	{name: "{path} right after the host", route: "/strapi",
		change: change.Change{Items: []change.Fields{{Model: "media", Path: "/uploads/a b.png"}}},
		files:  []string{"https://img.example.com/uploads/a%20b.png"},
		notes:  []string{`urls[0] "https://www.example.com/{locale}/{model}/{slug}/" not filled: the payload has no {locale}, {slug}`}},
	{name: "an asset on an allowlisted domain is refreshed", route: "/strapi",
		change: change.Change{Assets: []string{"https://img.example.com/uploads/a.png"}},
		files:  []string{"https://img.example.com/uploads/a.png"}},
	{name: "an asset elsewhere is noted, not refused", route: "/strapi",
		change: change.Change{Assets: []string{"https://images.ctfassets.net/s/a/b/photo.jpg"}},
		note:   "its files are not on an allowlisted domain: nothing of ours to refresh",
		notes:  []string{`asset "https://images.ctfassets.net/s/a/b/photo.jpg" is not on an allowlisted domain: the CMS serves it, not ours to refresh (a {path} template maps it onto a domain of ours)`}},
	{name: "a URL elsewhere is refused", route: "/wp", change: change.Change{URLs: []string{"https://evil.example.net/x/"}}, outside: 1},
}

func TestPlanChange(t *testing.T) {
	pl := mustPlanner(t, string(testfix.Read(t, "testdata", "routes.yaml")))
	for _, tt := range routeCases {
		t.Run(tt.name, func(t *testing.T) {
			rp := pl.PlanChange(routeAt(t, pl, tt.route), tt.change)
			if !reflect.DeepEqual(rp.Files, tt.files) || len(rp.Directories) != 0 {
				t.Errorf("files %q, dirs %q\nwant %q", rp.Files, rp.Directories, tt.files)
			}
			if len(rp.Outside) != tt.outside || rp.Note != tt.note || !reflect.DeepEqual(rp.Notes, tt.notes) {
				t.Errorf("outside %q, note %q, notes %q\nwant %d outside, note %q, notes %q", rp.Outside, rp.Note, rp.Notes, tt.outside, tt.note, tt.notes)
			}
		})
	}
}

// routeAt returns the route of the planner's configuration at path.
func routeAt(tb testing.TB, pl *Planner, path string) *config.WebhookRoute {
	tb.Helper()
	for i := range pl.Config().Webhooks {
		if w := &pl.Config().Webhooks[i]; w.Path == path {
			return w
		}
	}
	tb.Fatalf("no route at %s", path)
	return nil
}

// A route that is not of the planner's configuration plans nothing, even
// one at the same path.
func TestPlanChangeOtherRoute(t *testing.T) {
	pl := mustPlanner(t, string(testfix.Read(t, "testdata", "routes.yaml")))
	other := *routeAt(t, pl, "/wp")
	rp := pl.PlanChange(&other, change.Change{URLs: []string{"https://www.example.com/x/"}})
	if rp.Size() != 0 || rp.Note == "" {
		t.Errorf("planned %q, note %q", rp.Files, rp.Note)
	}
}

// routePathCase is a change on a route of testdata/route-paths.yaml, made
// of URLs (as objectType) or of items with the given slugs, and what must
// be planned of it. The cases are in testdata/route-paths.json.
type routePathCase struct {
	Name, Route, ObjectType string
	URLs, Slugs             []string
	Files, Dirs             []string
	Outside                 int
	Reason                  string // of each refusal, by substring
}

// A directory that reads as the domain root is refused, however its path
// is written; planned URLs have lower-case schemes and hosts.
func TestPlanChangePaths(t *testing.T) {
	pl := mustPlanner(t, string(testfix.Read(t, "testdata", "route-paths.yaml")))
	for _, tt := range readCases[routePathCase](t, "route-paths.json") {
		t.Run(tt.Name, func(t *testing.T) {
			ch := change.Change{URLs: tt.URLs, ObjectType: tt.ObjectType, Ignored: "not a related-page test"}
			if tt.Route == "/shouty" {
				ch.Ignored = ""
			}
			for _, s := range tt.Slugs {
				ch.Items = append(ch.Items, change.Fields{Slug: s})
			}
			rp := pl.PlanChange(routeAt(t, pl, tt.Route), ch)
			if !reflect.DeepEqual(rp.Files, tt.Files) || !reflect.DeepEqual(rp.Directories, tt.Dirs) || len(rp.Outside) != tt.Outside {
				t.Errorf("files %q dirs %q outside %q\nwant files %q dirs %q, %d outside", rp.Files, rp.Directories, rp.Outside, tt.Files, tt.Dirs, tt.Outside)
			}
			for _, o := range rp.Outside {
				if !strings.Contains(o, tt.Reason) {
					t.Errorf("outside %q, want %q", o, tt.Reason)
				}
			}
		})
	}
}
