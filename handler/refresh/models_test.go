package refresh

import (
	"reflect"
	"testing"

	"vodrefresh/handler/change"
	"vodrefresh/handler/internal/testfix"
)

// One route plans each kind of content through its own templates: a
// Ghost post under /blog/ with the lists of posts, a page at the root with
// the route's own related pages, a tag's page; and a Strapi upload with
// no related page unless the route says so. Content and Related say which
// paths are which; Previous URLs are refreshed and are neither.
func TestPlanChangeByModel(t *testing.T) {
	pl := mustPlanner(t, string(testfix.Read(t, "testdata", "route-models.yaml")))
	for _, tt := range []struct {
		name, route      string
		ch               change.Change
		content, related []string
		files            []string
	}{
		{"a post", "/blog", change.Change{Items: []change.Fields{{Slug: "launch", Model: "post"}}, Related: []change.Fields{{Slug: "launch", Model: "post", Tag: "news"}}},
			[]string{"https://www.example.com/blog/launch/"}, []string{"https://www.example.com/blog/", "https://www.example.com/sitemap.xml", "https://www.example.com/blog/tag/news/"}, nil},
		{"a page", "/blog", change.Change{Items: []change.Fields{{Slug: "about", Model: "page"}}, Related: []change.Fields{{Slug: "about", Model: "page"}}},
			[]string{"https://www.example.com/about/"}, []string{"https://www.example.com/sitemap.xml"}, nil},
		{"a tag deleted", "/blog", change.Change{Items: []change.Fields{{Slug: "news", Model: "tag"}}},
			[]string{"https://www.example.com/blog/tag/news/"}, []string{}, nil},
		{"a Strapi entry with its category, and its old URL", "/cms", change.Change{Items: []change.Fields{{Slug: "launch-day", Model: "article"}},
			Related: []change.Fields{{Slug: "launch-day", Model: "article"}, {Slug: "launch-day", Model: "article", Category: "news"}}, Previous: []string{"https://www.example.com/article/launch/"}},
			[]string{"https://www.example.com/article/launch-day/"}, []string{"https://www.example.com/", "https://www.example.com/category/news/"},
			[]string{"https://www.example.com/article/launch-day/", "https://www.example.com/article/launch/", "https://www.example.com/", "https://www.example.com/category/news/"}},
		{"a Strapi upload", "/cms", change.Change{Items: []change.Fields{{Model: "media", Path: "/uploads/a.png"}}, Upload: true},
			[]string{"https://img.example.com/uploads/a.png"}, nil, nil},
		{"a Strapi upload on a route that refreshes related pages for it", "/cms-media", change.Change{Items: []change.Fields{{Model: "media", Path: "/uploads/a.png"}}, Upload: true},
			[]string{"https://img.example.com/uploads/a.png"}, []string{"https://www.example.com/"}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rp := pl.PlanChange(routeAt(t, pl, tt.route), tt.ch)
			if !reflect.DeepEqual(rp.Content, tt.content) || len(rp.Related) != len(tt.related) || (len(tt.related) > 0 && !reflect.DeepEqual(rp.Related, tt.related)) {
				t.Errorf("content %q, related %q\nwant %q, %q (notes %q)", rp.Content, rp.Related, tt.content, tt.related, rp.Notes)
			}
			if tt.files != nil && !reflect.DeepEqual(rp.Files, tt.files) {
				t.Errorf("files %q, want %q", rp.Files, tt.files)
			}
		})
	}
}
