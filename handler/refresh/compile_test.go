package refresh

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vodrefresh/handler/config"
)

// Templates are checked when the configuration is compiled: each problem
// names the field.
func TestCompileErrors(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"template-off-allowlist.yaml", []string{"oss[0].urls[0]", "not on an allowlisted domain"}},
		{"template-unknown-placeholder.yaml", []string{"oss[0].urls[0]", "unknown placeholder {slug}"}},
		{"template-host-placeholder.yaml", []string{"oss[0].urls[0]", "scheme and host must be written out"}},
		{"template-query.yaml", []string{"oss[0].urls[0]", "no query"}},
		{"directory-template-suffix.yaml", []string{"oss[0].urls[0]", "must end with {key}"}},
		{"webhook-generic-template.yaml", []string{"webhooks[0].urls[0]", "a generic payload never sends {slug}"}},
		{"webhook-locale-never-sent.yaml", []string{"webhooks[0].urls[0]", "a ghost payload never sends {locale}", "defaults"}},
		{"webhook-static-url.yaml", []string{"webhooks[0].urls[1]", "no placeholder", "related"}},
		{"webhook-two-terms.yaml", []string{"webhooks[0].related[0]", "more than one of {tag}, {category} and {author}"}},
		{"webhook-tag-never-sent.yaml", []string{"webhooks[0].related[0]", "a contentful payload never sends {tag}"}},
		{"webhook-path-after-host.yaml", []string{"webhooks[0].urls[1]", "scheme and host must be written out"}},
		{"webhook-no-urls.yaml", []string{"webhooks[0].urls", "a strapi route needs URL templates"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", "config", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := config.Parse(b)
			if err != nil {
				t.Fatalf("the fields are valid, but: %v", err)
			}
			_, err = Compile(cfg)
			var ce *config.Error
			if !errors.As(err, &ce) {
				t.Fatalf("error %v, want a *config.Error", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestCompileGood(t *testing.T) {
	for _, name := range []string{"../../events/refresh.yaml", "../../events/webhooks.yaml", "testdata/config/good.json"} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		pl := mustPlanner(t, string(b))
		if len(pl.rules) != len(pl.Config().OSS) || len(pl.routes) != len(pl.Config().Webhooks) {
			t.Errorf("%s: %d rules of %d, %d routes of %d", name, len(pl.rules), len(pl.Config().OSS), len(pl.routes), len(pl.Config().Webhooks))
		}
	}
}
