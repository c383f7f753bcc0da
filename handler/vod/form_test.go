package vod

import (
	"regexp"
	"strings"
	"testing"
)

// Each form accepts exactly what its rule, written as a regular
// expression, accepts.
func TestFormsFollowTheirRules(t *testing.T) {
	samples := []string{"", "0", "7", "123", "0123456789", strings.Repeat("9", 20), strings.Repeat("9", 21),
		"abc", "ABC", "a-b", "a_b", "a.b", "a b", "-", "a--b", "a-", "-a", strings.Repeat("x", 32), strings.Repeat("x", 33),
		strings.Repeat("x", 64), strings.Repeat("x", 65), "D61E4801-EAFF-4A63-9A1B-FBF6CE1CFD1C", "D61E4801-EAFF-4A63-****-FBF6",
		"100%", "99.5%", "99.55%", "99.555%", "1000%", "%", ".5%", "5.%", "2026-01-02T03:04:05Z", "2026-01-02 03:04:05+08:00",
		"x2026", "2" + strings.Repeat("0", 39), "2" + strings.Repeat("0", 40), "InvalidDomain.NotFound", "a=b", "é", "1\n"}
	for _, tt := range []struct {
		name string
		form form
		rule string
	}{
		{"requestIDForm", requestIDForm, `^[0-9A-Fa-f]+(?:-[0-9A-Fa-f]+)*$`},
		{"taskIDForm", taskIDForm, `^[0-9]{1,20}$`},
		{"idForm", idForm, `^[A-Za-z0-9_-]{1,64}$`},
		{"codeForm", codeForm, `^[A-Za-z0-9._-]{1,64}$`},
		{"wordForm", wordForm, `^[A-Za-z]{1,32}$`},
		{"processForm", processForm, `^[0-9]{1,3}(?:\.[0-9]{1,2})?%$`},
		{"timeForm", timeForm, `^[0-9][0-9TZ:.+ -]{0,39}$`},
		{"quotaForm", quotaForm, `^[0-9]+$`},
	} {
		rule := regexp.MustCompile(tt.rule)
		for _, s := range samples {
			if got, want := tt.form.MatchString(s), rule.MatchString(s); got != want {
				t.Errorf("%s(%q) = %v, want %v (%s)", tt.name, s, got, want, tt.rule)
			}
		}
	}
}
