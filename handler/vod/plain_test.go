package vod

import (
	"encoding/json"
	"testing"
)

// A field of an answer reads a JSON string or number as written; any
// other value reads as a text that no form accepts.
func TestTextReadsStringsAndNumbers(t *testing.T) {
	for _, tt := range []struct {
		json string
		want text
	}{
		{`{"UrlRemain":"1995"}`, "1995"},
		{`{"UrlRemain":1995}`, "1995"},
		{`{"urlremain":"7"}`, "7"}, // any case, as the SDK's decoder reads it
		{`{"UrlRemain":null}`, ""},
		{`{}`, ""},
		{`{"UrlRemain":{"a":1}}`, notText},
		{`{"UrlRemain":[1]}`, notText},
		{`{"UrlRemain":true}`, notText},
		{`{"UrlRemain":"a\u0000b"}`, "a\x00b"},
	} {
		var v struct{ UrlRemain text }
		if err := json.Unmarshal([]byte(tt.json), &v); err != nil || v.UrlRemain != tt.want {
			t.Errorf("%s: %q, %v; want %q", tt.json, v.UrlRemain, err, tt.want)
		}
		if tt.want == notText && quotaForm.MatchString(string(v.UrlRemain)) {
			t.Errorf("%s: a quota figure's form accepts it", tt.json)
		}
	}
}
