package testfix

import (
	"net/url"
	"strings"
)

// LeakWindow is the length of the pieces of a secret that Leak looks for.
const LeakWindow = 20

// Leak returns the first piece of LeakWindow characters of a secret (of
// each as it is and percent-encoded once or twice, in the query and the
// path forms) that s holds, or "" when it holds none. A secret shorter
// than LeakWindow is looked for whole.
func Leak(s string, secrets ...string) string {
	for _, sec := range secrets {
		if sec == "" {
			continue
		}
		forms := []string{sec}
		for _, f := range []func(string) string{url.QueryEscape, url.PathEscape} {
			forms = append(forms, f(sec), f(f(sec)))
		}
		for _, f := range forms {
			n := min(LeakWindow, len(f))
			for i := 0; i+n <= len(f); i++ {
				if strings.Contains(s, f[i:i+n]) {
					return f[i : i+n]
				}
			}
		}
	}
	return ""
}
