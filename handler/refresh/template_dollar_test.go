package refresh

import (
	"strings"
	"testing"
)

// A template written in s.yaml's style, ${key}, or with any '$', is
// refused at start-up: the configuration expands no variable, and it
// would plan and spend quota on a URL that serves nothing.
func TestTemplateRefusesDollar(t *testing.T) {
	for _, tt := range []struct{ tmpl, want string }{
		{"https://vod.example.com/${key}", "not ${key}"},
		{"https://vod.example.com/a$b/{key}", "has a '$'"},
		{"https://vod.example.com/{key", "unclosed '{'"},
	} {
		if _, err := ParseTemplate(tt.tmpl, "key"); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want an error saying %q", tt.tmpl, err, tt.want)
		}
	}
}
