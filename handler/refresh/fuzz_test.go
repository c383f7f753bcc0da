package refresh

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"vodrefresh/handler/change"
	"vodrefresh/handler/config"
	"vodrefresh/handler/event"
	"vodrefresh/handler/internal/testfix"
)

// Every path planned from any event is an absolute URL on an allowlisted
// domain, parses, and carries no white space, query or fragment of a key.
func FuzzPlanOSS(f *testing.F) {
	files, _ := filepath.Glob("../event/testdata/*.json")
	more, _ := filepath.Glob("../../events/*.json")
	for _, name := range append(files, more...) {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"events":[{"eventName":"ObjectCreated:PutObject","oss":{"bucket":{"name":"media-bucket"},"object":{"key":"images/a b#?%.png"}}}]}`))
	pl := mustPlanner(f, planConfig)
	f.Fuzz(func(t *testing.T, payload []byte) {
		ev, err := event.Detect(payload, event.Options{})
		if err != nil {
			return
		}
		if ev.Shape == "" {
			t.Fatalf("no shape for %d records", len(ev.Records))
		}
		plan := pl.PlanOSS(ev.Records, nil)
		for _, p := range append(append([]string{}, plan.Files...), plan.Directories...) {
			if err := pl.Allowlist().Check(p); err != nil {
				t.Fatalf("planned %q: %v", p, err)
			}
			u, err := url.Parse(p)
			if err != nil || u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(p, " \t\r\n") {
				t.Fatalf("planned %q: not a clean URL (%v)", p, err)
			}
		}
		for _, d := range plan.Directories {
			if !strings.HasSuffix(d, "/") || (IsRoot(d) && !pl.Config().AllowRootDirectory) {
				t.Fatalf("planned directory %q", d)
			}
		}
	})
}

// Any key encodes to a path that reads back as the key, using only pchar
// bytes and '/'.
func FuzzEscapePath(f *testing.F) {
	for _, k := range []string{"a b", "新年/第1集 #?.mp4", "50%+(x)~*", "a/../b", "\x00\xff"} {
		f.Add(k)
	}
	f.Fuzz(func(t *testing.T, key string) {
		esc := EscapePath(key)
		for i := 0; i < len(esc); i++ {
			if c := esc[i]; c != '%' && !isPathByte(c) {
				t.Fatalf("EscapePath(%q) = %q keeps byte %q", key, esc, c)
			}
		}
		u, err := url.Parse("https://h.example.com/" + esc)
		if err != nil {
			t.Fatalf("EscapePath(%q) = %q does not parse: %v", key, esc, err)
		}
		if u.Path != "/"+key || u.RawQuery != "" || u.Fragment != "" {
			t.Fatalf("EscapePath(%q) = %q reads back as path %q", key, esc, u.Path)
		}
		if utf8.ValidString(key) {
			if dec, err := event.DecodeKey(esc); err != nil || dec != key {
				t.Fatalf("DecodeKey(EscapePath(%q)) = %q, %v", key, dec, err)
			}
		}
	})
}

// Any accepted configuration has every template, urls and related, on its
// allowlist.
func FuzzCompile(f *testing.F) {
	files, _ := filepath.Glob("testdata/config/*")
	more, _ := filepath.Glob("../config/testdata/config/*")
	for _, name := range append(append(files, more...), "../../events/refresh.yaml", "../../events/webhooks.yaml") {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		cfg, err := config.Parse(doc)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an empty error")
			}
			return
		}
		pl, err := Compile(cfg)
		if err != nil {
			return
		}
		var all []*Template
		for _, r := range pl.rules {
			all = append(all, r.templates...)
		}
		for _, r := range pl.routes {
			all = append(append(all, r.templates...), r.related...)
		}
		for _, tpl := range all {
			sample, _ := tpl.Expand(func(name string) (string, bool) {
				if name == "path" {
					return "/x", true // a {path} value starts with '/'
				}
				return "x", true
			})
			if err := pl.Allowlist().Check(sample); err != nil {
				t.Fatalf("accepted template %q: %v", tpl, err)
			}
		}
	})
}

// Whatever a CMS puts in template fields or sends as URLs, every planned
// path is on the allowlist, has no '.' or '..' segment at any decoding
// depth, and no planned directory is a domain root.
func FuzzPlanChange(f *testing.F) {
	f.Add("../..", "en", "", "https://www.example.com/en/article/../../", true)
	f.Add("%2e%2e", "..", "/a/../b", "https://www.example.com/%2e%2E/", false)
	f.Add(`..\..`, "en", "/x", "https://www.example.com/a/./b/%252e%252e/", true)
	pl := mustPlanner(f, string(testfix.Read(f, "testdata", "hostile.yaml")))
	strapi := routeAt(f, pl, "/hooks/strapi")
	f.Fuzz(func(t *testing.T, slug, locale, path, sent string, dir bool) {
		ch := change.Change{Items: []change.Fields{{Slug: slug, Locale: locale, Path: path}}, URLs: []string{sent}}
		if dir {
			ch.ObjectType = config.TypeDirectory
		}
		rp := pl.PlanChange(strapi, ch)
		for _, p := range append(append([]string{}, rp.Files...), rp.Directories...) {
			if err := pl.Allowlist().Check(p); err != nil {
				t.Fatalf("planned %q: %v", p, err)
			}
			if dotSegment(urlPathOf(p)) {
				t.Fatalf("planned %q, which has a dot segment", p)
			}
		}
		for _, d := range rp.Directories {
			if IsRoot(d) {
				t.Fatalf("planned the root %q", d)
			}
		}
	})
}

// A normalised URL path starts with '/' and has no literal '.' or '..'
// segment left.
func FuzzRemoveDotSegments(f *testing.F) {
	for _, p := range []string{"/a/./b/../c", "/../..", "/a/..", "/.", "/a//b/../", "/%2e%2e/x"} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p string) {
		if !strings.HasPrefix(p, "/") {
			return
		}
		got := removeDotSegments(p)
		if !strings.HasPrefix(got, "/") {
			t.Fatalf("removeDotSegments(%q) = %q", p, got)
		}
		for _, seg := range strings.Split(got, "/") {
			if seg == "." || seg == ".." {
				t.Fatalf("removeDotSegments(%q) = %q keeps a dot segment", p, got)
			}
		}
	})
}
