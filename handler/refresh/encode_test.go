package refresh

import (
	"net/url"
	"testing"
)

func TestEscapePath(t *testing.T) {
	tests := []struct {
		name, key, want string
	}{
		{"plain", "videos/2026/launch.mp4", "videos/2026/launch.mp4"},
		{"space", "a b.mp4", "a%20b.mp4"},
		{"hash and question mark", "clip#1?.mp4", "clip%231%3F.mp4"},
		{"percent", "50%.png", "50%25.png"},
		{"already escaped stays literal", "a%20b", "a%2520b"},
		{"chinese", "新年/特辑.mp4", "%E6%96%B0%E5%B9%B4/%E7%89%B9%E8%BE%91.mp4"},
		{"latin accent", "café.jpg", "caf%C3%A9.jpg"},
		{"sub-delims stay", "a!$&'()*+,;=:@b", "a!$&'()*+,;=:@b"},
		{"unreserved stay", "A-z_0.9~", "A-z_0.9~"},
		{"folder key", "images/folder/", "images/folder/"},
		{"gen-delims and others", "\"<>[]^`{|}\\", "%22%3C%3E%5B%5D%5E%60%7B%7C%7D%5C"},
		{"control bytes", "a\tb\x7f", "a%09b%7F"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := EscapePath(tt.key); got != tt.want {
				t.Errorf("EscapePath(%q) = %q, want %q", tt.key, got, tt.want)
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
