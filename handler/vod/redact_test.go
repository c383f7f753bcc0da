package vod

import (
	"net/url"
	"strings"
	"testing"
)

// token has '+', '/' and '=' in it, as real STS tokens do.
const token = "CAIS+Zq8mWvT3xYpL2/Nh4RbKc7dEfG9=Hj5sUuAaBbCcDdEe1234/QwErTyUiOp=="

// stringToSign is the service's string to sign for a request that carries
// tok: the form-encoded query, percent-encoded once more.
func stringToSign(tok string) string {
	q := url.Values{"AccessKeyId": {"LTAIkey"}, "Action": {"DescribeVodRefreshQuota"}, "SecurityToken": {tok}, "Version": {"2017-03-21"}}
	return "POST&%2F&" + url.QueryEscape(strings.ReplaceAll(q.Encode(), "+", "%20"))
}

// Every spelling of the token is redacted, whether the redactor knows the
// token (known) or only recognises the parameter that carries it.
func TestRedactEveryDepth(t *testing.T) {
	tests := []struct {
		name, text string
	}{
		{"raw", "token " + token + " here"},
		{"query-encoded", "SecurityToken=" + url.QueryEscape(token) + "&x=1"},
		{"path-encoded", "/t/" + url.PathEscape(token) + "/"},
		{"encoded twice", "ts=" + url.QueryEscape(url.QueryEscape(token))},
		{"encoded three times", "ts=" + url.QueryEscape(url.QueryEscape(url.QueryEscape(token)))},
		{"string to sign", "server string to sign is:" + stringToSign(token)},
		{"string to sign, quoted in a URL", "u=" + url.QueryEscape(stringToSign(token))},
	}
	for _, known := range []bool{true, false} {
		r := NewRedactor()
		if known {
			r = NewRedactor(token)
		}
		for _, tt := range tests {
			if !known && !strings.Contains(tt.name, "string to sign") {
				continue // without the token, only the parameter names it
			}
			got := r.Clean(tt.text)
			for _, piece := range []string{"Zq8mWvT3xYpL2", "Nh4RbKc7dEfG9", "Hj5sUuAaBbCcDdEe1234", "QwErTyUiOp"} {
				if strings.Contains(got, piece) {
					t.Errorf("known=%v, %s: %q survives in %q", known, tt.name, piece, got)
				}
			}
		}
	}
}

// The parameter after the token survives: redaction stops at the
// separator, at whatever depth it is encoded.
func TestRedactStopsAtTheSeparator(t *testing.T) {
	got := NewRedactor().Clean("server string to sign is:" + stringToSign(token))
	if !strings.Contains(got, "%26Version%3D2017-03-21") || !strings.Contains(got, "AccessKeyId%3DLTAIkey") {
		t.Errorf("redaction took more than the token: %q", got)
	}
}
