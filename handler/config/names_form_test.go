package config

import (
	"regexp"
	"strings"
	"testing"
)

// The bucket and variable name checks accept exactly what their rules,
// written as regular expressions, accept.
func TestNameFormsFollowTheirRules(t *testing.T) {
	samples := []string{"", "a", "ab", "abc", "a-b", "-ab", "ab-", "media-bucket", "Media", "a_b", "_a", "A1", "1A", "a b", "é",
		strings.Repeat("a", 63), strings.Repeat("a", 64), "a" + strings.Repeat("-", 61) + "a", "BLOG_WEBHOOK_SECRET"}
	bucket := regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$`)
	env := regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	for _, s := range samples {
		if got, want := isBucketName(s), bucket.MatchString(s); got != want {
			t.Errorf("isBucketName(%q) = %v, want %v", s, got, want)
		}
		if got, want := isEnvName(s), env.MatchString(s); got != want {
			t.Errorf("isEnvName(%q) = %v, want %v", s, got, want)
		}
	}
}
