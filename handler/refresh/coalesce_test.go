package refresh

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
)

func TestCoalesce(t *testing.T) {
	in := func(floor int, urls ...string) []coalesceInput {
		out := make([]coalesceInput, len(urls))
		for i, u := range urls {
			out[i] = coalesceInput{u, floor}
		}
		return out
	}
	var many []string
	for _, show := range []string{"s1", "s2", "s3"} {
		for _, q := range []string{"720p", "1080p"} {
			for i := range 3 {
				many = append(many, fmt.Sprintf("https://v.example.com/hls/%s/%s/seg-%d.ts", show, q, i))
			}
		}
	}
	tests := []struct {
		name  string
		in    []coalesceInput
		limit int
		dirs  []string
		rest  []string
		ok    bool
	}{
		{"deepest folders fit", in(1, many...), 6, []string{
			"https://v.example.com/hls/s1/720p/", "https://v.example.com/hls/s1/1080p/",
			"https://v.example.com/hls/s2/720p/", "https://v.example.com/hls/s2/1080p/",
			"https://v.example.com/hls/s3/720p/", "https://v.example.com/hls/s3/1080p/",
		}, nil, true},
		{"one level up when six do not fit", in(1, many...), 5, []string{
			"https://v.example.com/hls/s1/", "https://v.example.com/hls/s2/", "https://v.example.com/hls/s3/",
		}, nil, true},
		{"two levels up", in(1, many...), 2, []string{"https://v.example.com/hls/"}, nil, true},
		{"the floor holds", in(2, many...), 2, nil, nil, false},
		{"a URL above its floor stays a URL", in(1, "https://v.example.com/top.png", "https://v.example.com/a/b.png"), 1,
			[]string{"https://v.example.com/a/"}, []string{"https://v.example.com/top.png"}, true},
		{"a covered folder is not listed twice", in(1, "https://v.example.com/a/x.png", "https://v.example.com/a/b/y.png", "https://v.example.com/a/b/c/z.png"), 1,
			[]string{"https://v.example.com/a/"}, nil, true},
		{"domains are kept apart", in(1, "https://v.example.com/a/x.png", "https://w.example.com/a/x.png"), 1, nil, nil, false},
		{"encoded folders stay encoded", in(1, "https://v.example.com/%E6%96%B0%20a/x.png"), 1, []string{"https://v.example.com/%E6%96%B0%20a/"}, nil, true},
		{"no room at all", in(1, "https://v.example.com/a/x.png"), 0, nil, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dirs, cover, rest, ok := coalesce(tt.in, tt.limit)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v (dirs %q)", ok, tt.ok, dirs)
			}
			if !ok {
				return
			}
			if !reflect.DeepEqual(dirs, tt.dirs) || !reflect.DeepEqual(rest, tt.rest) {
				t.Errorf("dirs %q rest %q\nwant %q rest %q", dirs, rest, tt.dirs, tt.rest)
			}
			for _, c := range tt.in {
				if slices.Contains(rest, c.url) {
					continue
				}
				if d, found := cover[c.url]; !found || len(d) > len(c.url) || c.url[:len(d)] != d {
					t.Errorf("%s is covered by %q", c.url, d)
				}
			}
		})
	}
}
