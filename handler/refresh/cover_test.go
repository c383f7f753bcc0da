package refresh

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"vodrefresh/handler/config"
)

// coverCase is a plan of files and directories fitted to plenty of quota
// (or room), and what it must come to.
type coverCase struct {
	name      string
	policy    string
	files     []string
	dirs      []string
	room      Room
	wantFiles []string
	wantDirs  []string
	covered   map[string]string // path -> the directory reported to cover it
	quota     bool
}

const img = "https://img.example.com/images/"

// folder returns n file URLs in the folder dir under img.
func folder(dir string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%s/%d.png", img, dir, i)
	}
	return out
}

var plenty = Room{URLs: 2000, Dirs: 100}

// manyFolders returns n files in each of folders set-0, set-1, ... under img.
func manyFolders(folders, n int) []string {
	var out []string
	for i := range folders {
		out = append(out, folder(fmt.Sprintf("set-%d", i), n)...)
	}
	return out
}

var coverCases = []coverCase{
	{name: "a directory covers the files and directories inside it", room: plenty,
		files: []string{img + "a/1.png", img + "b/1.png"}, dirs: []string{img + "a/x/", img + "a/"},
		wantFiles: []string{img + "b/1.png"}, wantDirs: []string{img + "a/"},
		covered: map[string]string{img + "a/1.png": img + "a/", img + "a/x/": img + "a/"}},
	{name: "a dense folder becomes one directory", room: plenty,
		files: append(folder("covers", 20), img+"b/1.png"), wantFiles: []string{img + "b/1.png"}, wantDirs: []string{img + "covers/"}},
	{name: "19 files stay URLs", room: plenty, files: folder("covers", 19), wantFiles: folder("covers", 19)},
	{name: "a query variant of a file is not one more file of its folder", room: plenty,
		files: append(folder("covers", 19), img+"covers/0.png?v=2"), wantFiles: append(folder("covers", 19), img+"covers/0.png?v=2")},
	{name: "a dense folder covers the query variants of its files too", room: plenty,
		files: append(folder("covers", 20), img+"covers/0.png?v=2"), wantDirs: []string{img + "covers/"}},
	{name: "the threshold is a setting", policy: "quota: {denseFolder: 5}\n", room: plenty,
		files: folder("covers", 5), wantDirs: []string{img + "covers/"}},
	{name: "no directory left: a dense folder stays URLs", room: Room{URLs: 2000},
		files: folder("covers", 30), wantFiles: folder("covers", 30)},
	{name: "the URL quota spent: a directory for a single file, rather than leave it stale", room: Room{URLs: 0, Dirs: 100},
		files: []string{img + "a/1.png"}, wantDirs: []string{img + "a/"}, covered: map[string]string{img + "a/1.png": img + "a/"}},
	{name: "the URL quota spent, and the directory quota: a quota error", room: Room{URLs: 0, Dirs: 0},
		files: []string{img + "a/1.png"}, quota: true},
	{name: "dense folders that would leave too many URLs give way to one shallower directory", room: Room{URLs: 100, Dirs: 100},
		files: manyFolders(40, 25), wantDirs: []string{img}},
	{name: "the URL quota short: directories only where they cover two files", room: Room{URLs: 1, Dirs: 100},
		files:     []string{img + "a/1.png", img + "a/2.png", img + "b/1.png"},
		wantFiles: []string{img + "b/1.png"}, wantDirs: []string{img + "a/"}},
}

func TestFitCovers(t *testing.T) {
	for _, tt := range coverCases {
		t.Run(tt.name, func(t *testing.T) { checkCover(t, tt) })
	}
}

func checkCover(t *testing.T, tt coverCase) {
	pl := mustPlanner(t, tt.policy+planConfig)
	p := &Plan{}
	for _, f := range tt.files {
		p.addFile(f, 1) // images/ is the rule's prefix: depth 1
	}
	for _, d := range tt.dirs {
		p.add(config.TypeDirectory, d)
	}
	fitted, coalesced, err := pl.fitPlan(context.Background(), nil, p, tt.room)
	var qe *QuotaError
	if tt.quota != errors.As(err, &qe) {
		t.Fatalf("error %v, want a quota error: %v", err, tt.quota)
	}
	if tt.quota {
		return
	}
	if !reflect.DeepEqual(fitted.Files, tt.wantFiles) || !reflect.DeepEqual(fitted.Directories, tt.wantDirs) {
		t.Errorf("files %q dirs %q\nwant files %q dirs %q", fitted.Files, fitted.Directories, tt.wantFiles, tt.wantDirs)
	}
	got := map[string]string{}
	for _, co := range coalesced {
		for _, path := range co.Paths {
			got[path] = co.Directory
		}
	}
	for path, dir := range tt.covered {
		if got[path] != dir {
			t.Errorf("%s reported covered by %q, want %q", path, got[path], dir)
		}
	}
	left := append(append([]string{}, fitted.Files...), fitted.Directories...)
	n := 0
	for _, path := range append(append([]string{}, tt.files...), tt.dirs...) {
		if !slices.Contains(left, path) {
			n++
		}
	}
	if n != len(got) {
		t.Errorf("%d paths reported covered, want %d", len(got), n)
	}
}
