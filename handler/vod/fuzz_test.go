package vod

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzRedact: a token of the STS alphabet, encoded up to three times and
// put anywhere in a message, never survives Clean.
func FuzzRedact(f *testing.F) {
	f.Add(token, uint8(2), "server string to sign is:POST&%2F&SecurityToken%3D", "%26Version%3D1")
	f.Add("abcd+efgh/ijkl==", uint8(1), "", "")
	f.Add("AAAAAAAA", uint8(3), "AAAA", "AAAA")
	f.Fuzz(func(t *testing.T, tok string, depth uint8, prefix, suffix string) {
		if len(tok) < 8 || strings.Trim(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") != "" {
			return
		}
		spelled := tok
		for range depth % (encodeDepth + 1) {
			spelled = url.QueryEscape(spelled)
		}
		if got := NewRedactor(tok).Clean(prefix + spelled + suffix); strings.Contains(got, spelled) {
			t.Fatalf("%q survives in %q", spelled, got)
		}
	})
}
