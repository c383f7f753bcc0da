package refresh

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
)

// inputs gives each of urls the floor.
func inputs(floor int, urls ...string) []coalesceInput {
	out := make([]coalesceInput, len(urls))
	for i, u := range urls {
		out[i] = coalesceInput{u, floor}
	}
	return out
}

// hlsSegments are 18 segment URLs: three shows, two qualities each, three
// segments each.
var hlsSegments = func() []string {
	var many []string
	for _, show := range []string{"s1", "s2", "s3"} {
		for _, q := range []string{"720p", "1080p"} {
			for i := range 3 {
				many = append(many, fmt.Sprintf("https://v.example.com/hls/%s/%s/seg-%d.ts", show, q, i))
			}
		}
	}
	return many
}()

// coalesceCase is what coalesce must make of in with room for limit
// directories: the directories and the URLs left over, or not ok.
type coalesceCase struct {
	name  string
	in    []coalesceInput
	limit int
	dirs  []string
	rest  []string
	ok    bool
}

var coalesceCases = []coalesceCase{
	{"deepest folders fit", inputs(1, hlsSegments...), 6, []string{
		"https://v.example.com/hls/s1/720p/", "https://v.example.com/hls/s1/1080p/",
		"https://v.example.com/hls/s2/720p/", "https://v.example.com/hls/s2/1080p/",
		"https://v.example.com/hls/s3/720p/", "https://v.example.com/hls/s3/1080p/",
	}, nil, true},
	{"one level up when six do not fit", inputs(1, hlsSegments...), 5, []string{
		"https://v.example.com/hls/s1/", "https://v.example.com/hls/s2/", "https://v.example.com/hls/s3/",
	}, nil, true},
	{"two levels up", inputs(1, hlsSegments...), 2, []string{"https://v.example.com/hls/"}, nil, true},
	{"the floor holds", inputs(2, hlsSegments...), 2, nil, nil, false},
	{"a URL above its floor stays a URL", inputs(1, "https://v.example.com/top.png", "https://v.example.com/a/b.png"), 1,
		[]string{"https://v.example.com/a/"}, []string{"https://v.example.com/top.png"}, true},
	{"a covered folder is not listed twice", inputs(1, "https://v.example.com/a/x.png", "https://v.example.com/a/b/y.png", "https://v.example.com/a/b/c/z.png"), 1,
		[]string{"https://v.example.com/a/"}, nil, true},
	{"domains are kept apart", inputs(1, "https://v.example.com/a/x.png", "https://w.example.com/a/x.png"), 1, nil, nil, false},
	{"encoded folders stay encoded", inputs(1, "https://v.example.com/%E6%96%B0%20a/x.png"), 1, []string{"https://v.example.com/%E6%96%B0%20a/"}, nil, true},
	{"the domain root, where the floor allows it", inputs(0, "https://v.example.com/a/x.png", "https://v.example.com/b/x.png"), 1,
		[]string{"https://v.example.com/"}, nil, true},
	{"no room at all", inputs(1, "https://v.example.com/a/x.png"), 0, nil, nil, false},
}

func TestCoalesce(t *testing.T) {
	for _, tt := range coalesceCases {
		t.Run(tt.name, func(t *testing.T) { checkCoalesce(t, tt) })
	}
}

// checkCoalesce runs coalesce on tt and checks its answer, and that every
// URL not left over is covered by a folder above it.
func checkCoalesce(t *testing.T, tt coalesceCase) {
	dirs, covers, ok := coalesce(tt.in, tt.limit)
	if ok != tt.ok {
		t.Fatalf("ok = %v, want %v (dirs %q)", ok, tt.ok, dirs)
	}
	if !ok {
		return
	}
	if len(covers) != len(tt.in) {
		t.Fatalf("%d covers for %d URLs", len(covers), len(tt.in))
	}
	var rest []string
	cover := map[string]string{}
	for i, c := range tt.in {
		if covers[i] == "" {
			rest = append(rest, c.url)
		} else {
			cover[c.url] = covers[i]
		}
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
}
