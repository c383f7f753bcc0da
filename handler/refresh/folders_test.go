package refresh

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"testing"
)

// folderCase is a set of planned directories and file URLs, what nesting
// makes of them, and the outermost folders of the files (each at the
// folder that holds it) when every folder fits.
type folderCase struct {
	Name   string
	Dirs   []string
	Files  []string
	Nested struct {
		Dirs  []string
		Files []string
		Cover map[string]string
	}
	Outermost []string
}

func readFolderCases(t *testing.T) []folderCase {
	b, err := os.ReadFile("testdata/folders.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []folderCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	return cases
}

// Nested, sibling and look-alike folders: a folder holds only what lies
// below one of its own '/'s, within the URL's path.
func TestFolders(t *testing.T) {
	for _, tt := range readFolderCases(t) {
		t.Run(tt.Name, func(t *testing.T) {
			f, err := nest(context.Background(), nil, tt.Files, tt.Dirs)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(f.dirs, tt.Nested.Dirs) || !reflect.DeepEqual(f.files, tt.Nested.Files) ||
				len(f.cover) != len(tt.Nested.Cover) || len(f.cover) > 0 && !reflect.DeepEqual(f.cover, tt.Nested.Cover) {
				t.Errorf("nested: dirs %q files %q cover %q\nwant dirs %q files %q cover %q",
					f.dirs, f.files, f.cover, tt.Nested.Dirs, tt.Nested.Files, tt.Nested.Cover)
			}
			dirs, cover, ok := coalesce(inputs(0, tt.Files...), len(tt.Files))
			if !ok || !reflect.DeepEqual(dirs, tt.Outermost) {
				t.Errorf("outermost %q (ok %v), want %q", dirs, ok, tt.Outermost)
			}
			for i, d := range cover {
				if d != "" && !strings.HasPrefix(tt.Files[i], d) {
					t.Errorf("%s covered by %s", tt.Files[i], d)
				}
			}
		})
	}
}

// coalesceByLevels is coalesce as it was first written, the reference for
// the faster one: it raises the deepest folders one level at a time, and
// compares every folder with every other. (As first written it named the
// domain root, reached with a floor of 0, "https://h//".)
func coalesceByLevels(in []coalesceInput, limit int) (dirs []string, cover map[string]string, rest []string, ok bool) {
	type entry struct {
		url          string
		base         string
		segs         []string
		depth, floor int
	}
	folder := func(e *entry) string {
		if e.depth == 0 {
			return e.base + "/"
		}
		return e.base + "/" + strings.Join(e.segs[:e.depth], "/") + "/"
	}
	var es []*entry
	for _, c := range in {
		base, segs, good := splitDirsRef(c.url)
		if !good || len(segs) < c.floor || len(segs) == 0 {
			rest = append(rest, c.url)
			continue
		}
		es = append(es, &entry{url: c.url, base: base, segs: segs, depth: len(segs), floor: c.floor})
	}
	outermost := func() []string {
		var order []string
		seen := map[string]bool{}
		for _, e := range es {
			if k := folder(e); !seen[k] {
				seen[k] = true
				order = append(order, k)
			}
		}
		var out []string
	next:
		for _, k := range order {
			for p := range seen {
				if p != k && strings.HasPrefix(k, p) {
					continue next
				}
			}
			out = append(out, k)
		}
		return out
	}
	for {
		dirs = outermost()
		if len(dirs) <= limit {
			break
		}
		deepest := -1
		for _, e := range es {
			if e.depth > e.floor && e.depth > deepest {
				deepest = e.depth
			}
		}
		if deepest < 0 {
			return nil, nil, nil, false
		}
		for _, e := range es {
			if e.depth == deepest && e.depth > e.floor {
				e.depth--
			}
		}
	}
	if limit <= 0 && len(es) > 0 {
		return nil, nil, nil, false
	}
	cover = map[string]string{}
	for _, e := range es {
		for _, d := range dirs {
			if strings.HasPrefix(folder(e), d) {
				cover[e.url] = d
				break
			}
		}
	}
	return dirs, cover, rest, true
}

// splitDirsRef splits a URL into its base and folders as the first
// coalesce did.
func splitDirsRef(raw string) (string, []string, bool) {
	i := strings.Index(raw, "://")
	if i < 0 {
		return "", nil, false
	}
	j := strings.IndexByte(raw[i+3:], '/')
	if j < 0 {
		return raw, nil, true
	}
	base, p := raw[:i+3+j], raw[i+3+j+1:]
	if k := strings.IndexAny(p, "?#"); k >= 0 {
		p = p[:k]
	}
	if k := strings.LastIndexByte(p, '/'); k > 0 {
		return base, strings.Split(p[:k], "/"), true
	}
	return base, nil, true
}

// coalesce finds, by bisection over sorted folders, what raising folders
// level by level and comparing all pairs finds: the same directories in
// the same order, covering the same URLs.
func TestCoalesceMatchesLevelByLevel(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	names := []string{"a", "b", "ab", "a%2Fb", "ba"}
	for n := range 3000 {
		var in []coalesceInput
		for range 1 + r.IntN(40) {
			u := []string{"https://h", "https://hh", "https://h.x"}[r.IntN(3)]
			for range r.IntN(6) {
				u += "/" + names[r.IntN(len(names))]
			}
			u += "/f.png"
			if r.IntN(10) == 0 {
				u += "?q=/x/"
			}
			in = append(in, coalesceInput{url: u, floor: r.IntN(3)})
		}
		limit := r.IntN(8)
		wantDirs, wantCover, wantRest, wantOK := coalesceByLevels(in, limit)
		dirs, covers, ok := coalesce(in, limit)
		if ok != wantOK {
			t.Fatalf("case %d %v limit %d: ok %v, want %v", n, in, limit, ok, wantOK)
		}
		if !ok {
			continue
		}
		var rest []string
		cover := map[string]string{}
		for i, c := range in {
			if covers[i] == "" {
				rest = append(rest, c.url)
			} else {
				cover[c.url] = covers[i]
			}
		}
		if !reflect.DeepEqual(dirs, wantDirs) || !reflect.DeepEqual(rest, wantRest) || !reflect.DeepEqual(cover, wantCover) {
			t.Fatalf("case %d %v limit %d:\ndirs %q rest %q cover %q\nwant %q rest %q cover %q",
				n, in, limit, dirs, rest, cover, wantDirs, wantRest, wantCover)
		}
	}
}
