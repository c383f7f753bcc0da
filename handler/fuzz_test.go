package handler

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// Every path planned from any event is an absolute URL on an allowlisted
// domain, parses, and carries no white space, query or fragment of a key.
func FuzzParseOSSEvent(f *testing.F) {
	files, _ := filepath.Glob("testdata/events/*.json")
	more, _ := filepath.Glob("../events/*.json")
	for _, name := range append(files, more...) {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"events":[{"eventName":"ObjectCreated:PutObject","oss":{"bucket":{"name":"media-bucket"},"object":{"key":"images/a b#?%.png"}}}]}`))
	cfg := mustConfig(f, planConfig)
	f.Fuzz(func(t *testing.T, payload []byte) {
		shape, records, err := ParseOSSEvent(payload)
		if err != nil {
			return
		}
		if shape == "" {
			t.Fatalf("no shape for %d records", len(records))
		}
		plan, err := cfg.PlanOSS(records)
		if err != nil {
			return
		}
		for _, p := range append(append([]string{}, plan.Files...), plan.Directories...) {
			if err := cfg.allow.Check(p); err != nil {
				t.Fatalf("planned %q: %v", p, err)
			}
			u, err := url.Parse(p)
			if err != nil || u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(p, " \t\r\n") {
				t.Fatalf("planned %q: not a clean URL (%v)", p, err)
			}
		}
		for _, d := range plan.Directories {
			if !strings.HasSuffix(d, "/") || (IsRoot(d) && !cfg.AllowRootDirectory) {
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
			if dec, err := DecodeKey(esc); err != nil || dec != key {
				t.Fatalf("DecodeKey(EscapePath(%q)) = %q, %v", key, dec, err)
			}
		}
	})
}

// Any accepted configuration has every template on its allowlist.
func FuzzParseConfig(f *testing.F) {
	files, _ := filepath.Glob("testdata/config/*")
	for _, name := range append(files, "../events/refresh.yaml", "../events/webhooks.yaml") {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		cfg, err := ParseConfig(doc)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an empty error")
			}
			return
		}
		for _, r := range cfg.rules {
			for _, tpl := range r.templates {
				if err := checkTemplate(tpl, cfg.allow); err != nil {
					t.Fatalf("accepted template %q: %v", tpl, err)
				}
			}
		}
		for _, r := range cfg.routes {
			for _, tpl := range r.templates {
				if err := checkTemplate(tpl, cfg.allow); err != nil {
					t.Fatalf("accepted template %q: %v", tpl, err)
				}
			}
		}
	})
}

// Any HTTP trigger event decodes without panicking; a body is never larger
// than the cap; header names are canonical.
func FuzzHTTPTriggerEvent(f *testing.F) {
	files, _ := filepath.Glob("../events/http-*.json")
	for _, name := range append(files, "testdata/events/http-template.json") {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		ev, err := decodeHTTPEvent(payload)
		if err != nil {
			return
		}
		const max = 512
		r, err := ev.request(max)
		if err == nil && len(r.Body) > max {
			t.Fatalf("a %d-byte body passed a %d-byte cap", len(r.Body), max)
		}
		if r != nil {
			for k := range r.Header {
				if k != http.CanonicalHeaderKey(k) {
					t.Fatalf("header %q is not canonical", k)
				}
			}
		}
	})
}
