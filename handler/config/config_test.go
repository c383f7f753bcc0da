package config

import (
	"os"
	"path/filepath"
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
