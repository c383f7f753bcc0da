package refresh

import (
	"encoding/json"
	"net/url"
	"testing"

	"vodrefresh/handler/internal/testfix"
)

// escapeCase is one key and the path EscapePath must make of it; the cases
// are in testdata/escape-path.json.
type escapeCase struct {
	Name string `json:"name"`
	Key  string `json:"key"`
	Want string `json:"want"`
}

func TestEscapePath(t *testing.T) {
	var tests []escapeCase
	if err := json.Unmarshal(testfix.Read(t, "testdata", "escape-path.json"), &tests); err != nil {
		t.Fatal(err)
	}
	if len(tests) == 0 {
		t.Fatal("testdata/escape-path.json holds no cases")
	}
	for _, tt := range tests {
		t.Run(tt.Name, func(t *testing.T) {
			if got := EscapePath(tt.Key); got != tt.Want {
				t.Errorf("EscapePath(%q) = %q, want %q", tt.Key, got, tt.Want)
			}
		})
	}
}

// A browser, and Go's URL parser, must read back the original key.
func TestEscapePathRoundTrip(t *testing.T) {
	for _, key := range []string{"a b", "新年 特辑/第1集 #final?.mp4", "summer sale 50%+off (v2)~*.png", "x/%zz/", "semi;colon=eq"} {
		u, err := url.Parse("https://video.example.com/" + EscapePath(key))
		if err != nil {
			t.Fatalf("%q: %v", key, err)
		}
		if u.Path != "/"+key {
			t.Errorf("%q: parsed path %q", key, u.Path)
		}
		if u.RawQuery != "" || u.Fragment != "" {
			t.Errorf("%q: leaked into query %q or fragment %q", key, u.RawQuery, u.Fragment)
		}
	}
}
