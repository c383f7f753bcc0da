package refresh

import (
	"reflect"
	"strings"
	"testing"

	"vodrefresh/handler/change"
	"vodrefresh/handler/config"
	"vodrefresh/handler/internal/testfix"
)

// A template field with a '.' or '..' segment, or one that decodes to one,
// is refused for that template with a note: nothing is planned from it.
func TestDotSegmentFieldsAreRefused(t *testing.T) {
	pl := mustPlanner(t, string(testfix.Read(t, "testdata", "hostile.yaml")))
	strapi := routeAt(t, pl, "/hooks/strapi")
	hostile := []change.Fields{
		{Slug: "../..", Locale: "en"}, {Slug: "..", Locale: "en"}, {Slug: ".", Locale: "en"},
		{Slug: "a/../../b", Locale: "en"}, {Slug: "x", Locale: ".."},
		{Slug: "%2e%2e", Locale: "en"}, {Slug: "%2E%2e/%2e%2E", Locale: "en"}, {Slug: "..%2F..", Locale: "en"},
		{Slug: "%252e%252e", Locale: "en"}, {Slug: `..\..`, Locale: "en"}, {Slug: `.%5c..`, Locale: "en"},
	}
	for _, f := range hostile {
		rp := pl.PlanChange(strapi, change.Change{Items: []change.Fields{f}})
		if rp.Size() != 0 || len(rp.Outside) != 0 || !strings.Contains(rp.Note, "'.' or '..' segment") {
			t.Errorf("fields %+v: planned %q %q, outside %q, note %q; want nothing planned and a note", f, rp.Files, rp.Directories, rp.Outside, rp.Note)
		}
	}
	rp := pl.PlanChange(strapi, change.Change{Items: []change.Fields{{Slug: "../..", Locale: "en"}, {Slug: "a..b...", Locale: "en"}}})
	if want := []string{"https://www.example.com/en/article/a..b.../"}; !reflect.DeepEqual(rp.Directories, want) || !strings.Contains(rp.Note, `"../.."`) {
		t.Errorf("a hostile item beside a good one: planned %q, note %q; want %q and a note", rp.Directories, rp.Note, want)
	}
}

// URLs a CMS sends are compared with the allowlist, and with the root
// guard, after their dot segments are resolved as a browser resolves them.
func TestSentURLsAreNormalisedFirst(t *testing.T) {
	pl := mustPlanner(t, string(testfix.Read(t, "testdata", "hostile.yaml")))
	strapi := routeAt(t, pl, "/hooks/strapi")
	tests := []struct {
		url, objectType  string
		planned, outside string
	}{
		{"https://www.example.com/en/article/../../", config.TypeDirectory, "", "whole domain"},
		{"https://www.example.com/en/%2e%2e/%2E%2E/", config.TypeDirectory, "", "whole domain"},
		{"https://www.example.com/en/./article/x/", config.TypeDirectory, "https://www.example.com/en/article/x/", ""},
		{"https://www.example.com/a/%2e%2e/b.png", config.TypeFile, "https://www.example.com/b.png", ""},
		{"https://www.example.com/../../b.png", config.TypeFile, "https://www.example.com/b.png", ""},
	}
	for _, tt := range tests {
		rp := pl.PlanChange(strapi, change.Change{URLs: []string{tt.url}, ObjectType: tt.objectType})
		got := append(append([]string{}, rp.Files...), rp.Directories...)
		if tt.planned != "" && (len(got) != 1 || got[0] != tt.planned || len(rp.Outside) != 0) {
			t.Errorf("%s: planned %q, outside %q; want %q", tt.url, got, rp.Outside, tt.planned)
		}
		if tt.outside != "" && (len(got) != 0 || len(rp.Outside) != 1 || !strings.Contains(rp.Outside[0], tt.outside)) {
			t.Errorf("%s: planned %q, outside %q; want it refused (%s)", tt.url, got, rp.Outside, tt.outside)
		}
	}
}
