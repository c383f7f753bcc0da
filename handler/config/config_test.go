package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"vodrefresh/handler/internal/testfix"
)

func TestParseConfigGood(t *testing.T) {
	for _, name := range []string{"../../events/refresh.yaml", "testdata/config/good.json"} {
		t.Run(name, func(t *testing.T) {
			cfg, err := Parse(testfix.Read(t, name))
			if err != nil {
				t.Fatal(err)
			}
			if len(cfg.OSS) == 0 || cfg.FileBatch() != 1000 || cfg.DirectoryBatch() != 100 {
				t.Errorf("%d rules, batches %d/%d", len(cfg.OSS), cfg.FileBatch(), cfg.DirectoryBatch())
			}
		})
	}
}

func TestParseConfigErrors(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"no-domains.yaml", []string{"domains: is required"}},
		{"bad-domain.yaml", []string{"domains[0]", "video.example.com", "scheme"}},
		{"domain-with-path.yaml", []string{"domains[0]", "nothing after the host"}},
		{"bad-bucket.yaml", []string{"oss[0].bucket", "Media_Bucket", "not an OSS bucket name"}},
		{"no-urls.yaml", []string{"oss[0].urls: is required"}},
		{"bad-object-type.yaml", []string{"oss[0].objectType", "File, Directory", "Regex"}},
		{"bad-key-encoding.yaml", []string{"keyEncoding", "raw, url", "base64"}},
		{"batch-too-big.yaml", []string{"batch.files", "at most 1000"}},
		{"unknown-field.yaml", []string{"oss[0].prefx: unknown field; did you mean prefix? (line 4)"}},
		{"not-yaml.yaml", []string{"not valid YAML or JSON"}},
		{"empty.yaml", []string{"empty"}},
		{"bad-defaults.yaml", []string{"webhooks[0].defaults[lang]", "must be one of slug, id, model, locale, tag, category, author", "webhooks[0].defaults[locale]: is required"}},
		{"bad-secret-env-previous.yaml", []string{"webhooks[0].secretEnvPrevious", "not an environment variable name"}},
		// Sibling fields are named as the document spells them.
		{"no-rules.yaml", []string{"oss: is required when webhooks is not set", "webhooks: is required when oss is not set"}},
		{"secret-env-missing.yaml", []string{"webhooks[0].secretEnv: is required unless auth is none"}},
		// A template unquoted in a [ ] list: the YAML error says how to fix it.
		{"unquoted-template.yaml", []string{"not valid YAML or JSON", `line 4: https://vod.mysite.test/{key} is in a [ ] list unquoted`, `quote the template ("https://vod.mysite.test/{key}")`}},
		// An OSS template with no {key} refreshes one fixed URL for every object.
		{"directory-without-key.yaml", []string{`oss[0].urls[0]: "https://vod.mysite.com/hls/" has no {key}`}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			cfg, err := Parse(testfix.Read(t, "testdata", "config", tt.file))
			if err == nil {
				t.Fatalf("accepted: %+v", cfg)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestLoadConfigSources(t *testing.T) {
	good := string(testfix.Read(t, "testdata", "config", "good.json"))
	file := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(file, []byte(good), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		env  map[string]string
		want string // error substring; "" for success
	}{
		{"file", map[string]string{EnvConfigFile: file}, ""},
		{"inline", map[string]string{EnvConfig: good}, ""},
		{"both", map[string]string{EnvConfigFile: file, EnvConfig: good}, "not both"},
		{"neither", map[string]string{}, "neither"},
		{"missing file", map[string]string{EnvConfigFile: file + ".missing"}, "no such file"},
		{"bad inline", map[string]string{EnvConfig: "domains: []"}, "in REFRESH_CONFIG"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(func(k string) string { return tt.env[k] })
			switch {
			case tt.want == "" && err != nil:
				t.Fatal(err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("error %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

// Every problem of a configuration is reported in one pass: those of the
// fields' values (domains, buckets) do not hide those that no struct tag
// can see (paths used twice, templates with no {key}); and the decoded
// configuration comes back beside the error, for refresh to check its
// templates too.
func TestParseReportsEveryProblem(t *testing.T) {
	cfg, err := Parse(testfix.Read(t, "testdata", "config", "many-problems.yaml"))
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("error %v, want an *Error", err)
	}
	want := []string{
		`domains[0]: "https://vod.mysite.com/videos" is not a CDN base of the form https://host[:port]: must be scheme://host[:port] with nothing after the host`,
		`oss[0].bucket: "Media_Bucket" is not an OSS bucket name (3-63 lower-case letters, digits and hyphens)`,
		`webhooks[1].path: "/hooks/blog" is used by another route`,
		`oss[0].urls[0]: "https://vod.mysite.com/index.m3u8" has no {key}: it would refresh that one URL for every object the rule covers`,
	}
	if !reflect.DeepEqual(ce.Problems, want) {
		t.Errorf("problems\n%q\nwant\n%q", ce.Problems, want)
	}
	if cfg == nil || len(cfg.OSS) != 1 || len(cfg.Webhooks) != 2 {
		t.Errorf("the decoded configuration is not returned beside the error: %+v", cfg)
	}
	if cfg, err := Parse([]byte("domains: [")); cfg != nil || err == nil {
		t.Errorf("a document that does not decode: %+v, %v", cfg, err)
	}
}

// Each Go field name that a validator tag may name has one name in the
// document.
func TestDocNames(t *testing.T) {
	for goName, want := range map[string]string{"OSS": "oss", "Webhooks": "webhooks", "Auth": "auth", "SecretEnv": "secretEnv", "MaxURLShare": "maxUrlShare", "Unknown": "Unknown"} {
		if got := docName(goName); got != want {
			t.Errorf("docName(%q) = %q, want %q", goName, got, want)
		}
	}
}

// The YAML hint names a template unquoted in a [ ] list, and nothing else.
func TestUnquotedBraceInFlow(t *testing.T) {
	for _, tt := range []struct {
		line, want string
	}{
		{"    urls: [https://cdn.mysite.com/{key}]", "https://cdn.mysite.com/{key}"},
		{`    urls: ["https://a.mysite.com/x", https://cdn.mysite.com/{key}]`, "https://cdn.mysite.com/{key}"},
		{`    urls: ["https://cdn.mysite.com/{key}"]`, ""},
		{`    urls: ['https://cdn.mysite.com/{key}']`, ""},
		{"    defaults: {locale: en}", ""},
		{"    list: [{a: b}]", ""},
		{"      - https://cdn.mysite.com/{key}", ""},
		{"    urls: [https://cdn.mysite.com/x] # {key}", ""},
	} {
		got, _ := unquotedBraceInFlow(tt.line)
		if got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.line, got, tt.want)
		}
	}
}
