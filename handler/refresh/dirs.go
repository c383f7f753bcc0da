package refresh

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strings"
)

// dense refreshes as one directory each folder in which at least
// quota.denseFolder files change, the largest first, at most budget of
// them; it returns how many it made.
func (pl *Planner) dense(ctx context.Context, c *clock, f *fitting, p *Plan, budget int) (int, error) {
	need := pl.cfg.Quota.Dense()
	if budget <= 0 || len(f.files) < need {
		return 0, nil
	}
	// Query variants of one path are one object: they make no folder
	// dense. The files are distinct, so only a file with a query can be
	// another's object; without one, no set of objects is kept.
	count := map[string]int{}
	var objects map[string]struct{}
	if slices.ContainsFunc(f.files, hasQuery) {
		objects = make(map[string]struct{}, len(f.files))
	}
	for i, path := range f.files {
		if dir, ok := pl.denseFolder(p, path); ok {
			if objects == nil {
				count[dir]++
			} else if _, seen := objects[objectOf(path)]; !seen {
				objects[objectOf(path)] = struct{}{}
				count[dir]++
			}
		}
		if err := c.tick(ctx, "counting files by folder", i+1, len(f.files)); err != nil {
			return 0, err
		}
	}
	var folders []string
	for dir, n := range count {
		if n >= need {
			folders = append(folders, dir)
		}
	}
	if len(folders) == 0 {
		return 0, nil
	}
	slices.SortFunc(folders, func(a, b string) int {
		return cmp.Or(count[b]-count[a], strings.Compare(a, b))
	})
	folders = folders[:min(len(folders), budget)]
	chosen := make(map[string]struct{}, len(folders))
	covered := 0
	for _, dir := range folders {
		chosen[dir] = struct{}{}
		covered += count[dir]
	}
	f.dirs = append(f.dirs, folders...)
	kept := make([]string, 0, len(f.files)-covered)
	for _, path := range f.files {
		dir, ok := pl.denseFolder(p, path)
		if _, in := chosen[dir]; ok && in {
			f.covers(path, dir, covered)
		} else {
			kept = append(kept, path)
		}
	}
	f.files = kept
	return len(folders), nil
}

// denseFolder returns the folder that holds a file path of p, and whether
// it may be refreshed in the file's place.
func (pl *Planner) denseFolder(p *Plan, path string) (string, bool) {
	dir, ok := fileFolder(path)
	return dir, ok && urlDepth(dir) >= max(p.floor(path), pl.minDepth())
}

// fileFolder returns the folder that holds a file URL, cut from its path
// alone (a query or fragment never makes one), and whether the URL may be
// covered by a folder at all: not when it has no path, nor when its path
// reads otherwise than it is written (see oddPath), since a folder of it
// might read as one far above.
func fileFolder(path string) (string, bool) {
	root, end, ok := folderSpan(path)
	if !ok || root < 0 || oddPath(path[root:end]) {
		return "", false
	}
	return path[:root+strings.LastIndexByte(path[root:end], '/')+1], true
}

// scarce covers the files with at most budget directories, as deep as
// possible, when what remains fits urls; it reports whether it did. A
// directory that would cover a single file is made only when the URLs
// cannot carry that file.
func (pl *Planner) scarce(ctx context.Context, c *clock, f *fitting, p *Plan, budget, urls int) (bool, error) {
	in := make([]coalesceInput, len(f.files))
	for i, path := range f.files {
		in[i] = coalesceInput{url: path, floor: max(p.floor(path), pl.minDepth())}
		if _, ok := fileFolder(path); !ok {
			in[i].floor = math.MaxInt32 // stays a URL
		}
		if err := c.tick(ctx, "coalescing files into directories", i+1, len(f.files)); err != nil {
			return false, err
		}
	}
	dirs, cover, ok := coalesce(in, budget)
	if !ok {
		return false, nil
	}
	// How many objects each directory covers: query variants of one path
	// count once.
	count := make(map[string]int, len(dirs))
	objects := make(map[string]struct{}, len(cover))
	for i, d := range cover {
		if _, seen := objects[objectOf(f.files[i])]; d != "" && !seen {
			objects[objectOf(f.files[i])] = struct{}{}
			count[d]++
		}
	}
	// A directory that covers a single file spends a directory to save one
	// URL: it is made only when the URLs cannot carry the rest, rather than
	// leave the file stale while directories remain.
	least, rest := 2, 0
	for _, d := range cover {
		if d == "" || count[d] < least {
			rest++
		}
	}
	if rest > urls {
		least, rest = 1, 0
		for _, d := range cover {
			if d == "" {
				rest++
			}
		}
	}
	for i, d := range cover {
		if d != "" && count[d] < least {
			cover[i] = ""
		}
	}
	if rest > urls {
		return false, nil
	}
	for _, d := range dirs {
		if count[d] >= least {
			f.dirs = append(f.dirs, d)
		}
	}
	kept := make([]string, 0, rest)
	for i, path := range f.files {
		if cover[i] != "" {
			f.covers(path, cover[i], len(cover)-rest)
		} else {
			kept = append(kept, path)
		}
	}
	f.files = kept
	return true, nil
}

// hasQuery reports whether url names less than the whole of itself as its
// object (objectOf): a query or a fragment follows its path.
func hasQuery(url string) bool { return len(objectOf(url)) < len(url) }

// objectOf returns a URL without its query or fragment: the object that
// its query variants all name.
func objectOf(url string) string {
	if _, end, ok := folderSpan(url); ok {
		return url[:end]
	}
	return url
}
