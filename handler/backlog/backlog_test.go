package backlog

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"vodrefresh/handler/store"
)

// tenAM is 10:00 in UTC+8, 14 hours before the reset.
var tenAM = time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC)

func reading(urls, dirs int) store.Ledger {
	return store.Ledger{Have: true, Reading: store.Reading{URLRemain: urls, DirRemain: dirs}}
}

func TestScarce(t *testing.T) {
	for _, tt := range []struct {
		name    string
		l       store.Ledger
		pending int
		need    store.Amount
		now     time.Time
		scarce  bool
		why     string
	}{
		{"a fresh day", reading(2000, 100), 0, store.Amount{URLs: 1}, tenAM, false, ""},
		{"no reading says nothing", store.Ledger{}, 0, store.Amount{URLs: 1}, tenAM, false, ""},
		{"a backlog goes first", reading(2000, 100), 3, store.Amount{URLs: 1}, tenAM, true, "3 changes already wait"},
		// 10 h gone, 14 h left: 832 URLs used pace to 1,164 more, and
		// 1,168 are left; 834 pace to 1,167, and 1,166 would be left.
		{"under the pace", reading(1168, 100), 0, store.Amount{URLs: 1}, tenAM, false, ""},
		{"over the pace", reading(1167, 100), 0, store.Amount{URLs: 1}, tenAM, true, "at today's pace, 1167 URLs are needed before the reset, and 1166 would be left"},
		// Early in the day, the pace is read over 8 hours at least: at
		// 00:30, 300 URLs pace to 881, far under the 1,700 left.
		{"a large batch just after the reset", reading(2000, 100), 0, store.Amount{URLs: 300}, time.Date(2026, 11, 24, 16, 30, 0, 0, time.UTC), false, ""},
		{"directories over the pace", reading(2000, 40), 0, store.Amount{Dirs: 2}, tenAM, true, "directories are needed"},
		{"directories not needed", reading(2000, 40), 0, store.Amount{URLs: 1}, tenAM, false, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, why := Scarce(tt.l, tt.pending, tt.need, tt.now)
			if got != tt.scarce || !strings.Contains(why, tt.why) {
				t.Errorf("Scarce = %v, %q; want %v, saying %q", got, why, tt.scarce, tt.why)
			}
		})
	}
}

// pending is n changes of folder f, the first changed at at, one a
// second, each recorded as it was made.
func pending(f string, n int, at time.Time) []store.Pending {
	var out []store.Pending
	for i := range n {
		c := at.Add(time.Duration(i) * time.Second)
		out = append(out, store.Pending{ID: fmt.Sprintf("%s-%d", f, i), Path: fmt.Sprintf("https://img.example.com/%s/%02d.jpg", f, i),
			Folder: "https://img.example.com/" + f + "/", Changed: c, Since: c})
	}
	return out
}

func TestDecide(t *testing.T) {
	now := tenAM // the reserve: 117 URLs and 6 directories
	settled := now.Add(-3 * time.Minute)
	variants := func() []store.Pending {
		var out []store.Pending
		for i := range 20 {
			out = append(out, store.Pending{ID: fmt.Sprintf("v%d", i), Path: fmt.Sprintf("https://www.example.com/shop/item?from=/home/%d", i),
				Folder: "https://www.example.com/shop/", Changed: settled, Since: settled})
		}
		return out
	}
	for _, tt := range []struct {
		name          string
		items         []store.Pending
		room          store.Amount
		dirs, urls    int
		waiting       int
		untilTheReset bool
	}{
		{"settled folders of 20 get a directory each", append(pending("a", 20, settled), pending("b", 20, settled)...), store.Amount{URLs: 1167, Dirs: 100}, 2, 0, 0, false},
		{"a folder still changing waits", pending("a", 20, now.Add(-30*time.Second)), store.Amount{URLs: 1167, Dirs: 100}, 0, 0, 20, false},
		// Six changes, a minute apart: the folder never settles, but the
		// oldest has waited its most.
		{"a slow trickle is refreshed once its oldest waited MaxWait", trickle(now, 6), store.Amount{URLs: 1167, Dirs: 100}, 0, 6, 0, false},
		{"query variants are one object: URLs, not a directory", variants(), store.Amount{URLs: 1167, Dirs: 100}, 0, 20, 0, false},
		// With 2,000 URLs for 94 directories, one directory is worth 20
		// URLs: a folder of 5 is not.
		{"a small folder gets URLs while URLs are plenty", pending("a", 5, settled), store.Amount{URLs: 2000, Dirs: 100}, 0, 5, 0, false},
		// 150 URLs less the reserve of 117 leave 33 for 100 changes in
		// folders of 10: seven folders get a directory, and 30 URLs carry
		// the rest.
		{"small folders get directories when the URLs cannot carry them", tenFolders(settled), store.Amount{URLs: 150, Dirs: 100}, 7, 30, 0, false},
		{"the reserve is kept: what it would take waits for the reset", pending("a", 1, settled), store.Amount{URLs: 117, Dirs: 6}, 0, 0, 1, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := Decide(tt.items, tt.room, now)
			urls := 0
			for _, its := range d.URLs {
				urls += len(its)
			}
			if len(d.Folders) != tt.dirs || urls != tt.urls || len(d.Waiting) != tt.waiting || d.Until.IsZero() == tt.untilTheReset {
				t.Errorf("%d directories, %d URLs, %d waiting, until %v; want %d, %d, %d (until the reset: %v)",
					len(d.Folders), urls, len(d.Waiting), d.Until, tt.dirs, tt.urls, tt.waiting, tt.untilTheReset)
			}
		})
	}
}

// trickle is n changes into one folder, a minute apart, the last a
// minute ago.
func trickle(now time.Time, n int) []store.Pending {
	var out []store.Pending
	for i := range n {
		c := now.Add(-time.Duration(n-i) * time.Minute)
		out = append(out, store.Pending{ID: fmt.Sprintf("t%d", i), Path: fmt.Sprintf("https://img.example.com/live/%02d.jpg", i),
			Folder: "https://img.example.com/live/", Changed: c, Since: c})
	}
	return out
}

func TestReserveIsPaced(t *testing.T) {
	if r := Reserve(tenAM); r != (store.Amount{URLs: 117, Dirs: 6}) {
		t.Errorf("at 10:00: %+v, want 117 URLs and 6 directories", r)
	}
	if r := Reserve(time.Date(2026, 11, 24, 15, 59, 0, 0, time.UTC)); r != (store.Amount{URLs: 1, Dirs: 1}) {
		t.Errorf("a minute before the reset: %+v, want 1 and 1", r)
	}
}

// tenFolders is ten settled folders of ten changes each.
func tenFolders(at time.Time) []store.Pending {
	var out []store.Pending
	for f := range 10 {
		out = append(out, pending(fmt.Sprintf("s%d", f), 10, at)...)
	}
	return out
}
