package refresh

import "testing"

func TestNormalizeURL(t *testing.T) {
	tests := map[string]string{
		"https://www.example.com/blog/hello/":           "https://www.example.com/blog/hello/",
		"https://img.example.com/banners/spring%20sale": "https://img.example.com/banners/spring%20sale",
		"https://img.example.com/banners/spring sale":   "https://img.example.com/banners/spring%20sale",
		"https://www.example.com/über/":                 "https://www.example.com/%C3%BCber/",
		"https://www.example.com/%C3%BCber/":            "https://www.example.com/%C3%BCber/",
		"https://www.example.com/a+b(1)~*":              "https://www.example.com/a+b(1)~*",
		"https://www.example.com/?p=123":                "https://www.example.com/?p=123",
		"https://www.example.com/a%2Fb":                 "https://www.example.com/a%2Fb",
		"https://www.example.com/50%25":                 "https://www.example.com/50%25",
		"https://WWW.example.com/x":                     "https://www.example.com/x",
		"HTTPS://WWW.Example.com/A%2FB":                 "https://www.example.com/A%2FB",
		"http://[::1]:bad/x":                            "http://[::1]:bad/x",
	}
	for in, want := range tests {
		if got := NormalizeURL(in); got != want {
			t.Errorf("NormalizeURL(%q) = %q, want %q", in, got, want)
		}
	}
}
