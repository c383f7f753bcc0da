package submit_test

import (
	"fmt"
	"testing"

	"vodrefresh/handler/event"
	"vodrefresh/handler/refresh"
	"vodrefresh/handler/submit"
	"vodrefresh/handler/vod"
)

// bulkConfig plans each object under bulk/ as one URL, and lets one
// invocation spend every URL left; dense is its quota.denseFolder (above
// the number of files: never a directory). Calls take 1,000 files,
// whatever their bytes.
func bulkConfig(dense int) string {
	return fmt.Sprintf(`domains: [https://cdn.example.com]
batch: {queryBytes: 1048576}
quota: {maxUrlShare: 1, denseFolder: %d}
oss:
  - bucket: media
    prefix: bulk/
    urls: ["https://cdn.example.com/{key}"]
`, dense)
}

// bulk is n created objects, alternately in the folders bulk/d0/ and
// bulk/d1/, numbered in order.
func bulk(n int) []event.ObjectEvent {
	var keys []string
	for i := range n {
		keys = append(keys, bulkKey(i))
	}
	return indexed(puts(keys...)...)
}

func bulkKey(i int) string { return fmt.Sprintf("bulk/d%d/f%05d.png", i%2, i) }

// A result lists MaxListed (10,000) paths at most in each of its lists,
// the first ones, while its counts stay whole: a dry run of 10,500 files
// in 11 calls, the same plan failed for want of quota, and 10,500 files
// that two dense folders cover.
func TestResultBound(t *testing.T) {
	const n = 10500
	if submit.MaxListed != 10000 {
		t.Fatalf("MaxListed is %d; the cases below are worked out for 10000", submit.MaxListed)
	}
	t.Run("dry run", func(t *testing.T) {
		pl, _ := compile(t, bulkConfig(1000000))
		f := fit(t, pl, plan(t, pl, refresh.Input{Records: bulk(n)}), refresh.Room{URLs: 20000, Dirs: 100})
		res := &submit.Result{}
		sent, err := submit.New(submit.Options{}).Begin(vod.STS{}, discard, res).Send(t.Context(), f, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.PathsCount != n || res.PathsByStatus["planned"] != n || len(res.PathsByStatus) != 1 {
			t.Errorf("%d paths, by status %v; want %d planned", res.PathsCount, res.PathsByStatus, n)
		}
		if len(res.Paths) != 10000 || res.Paths[9999].Path != cdn(bulkKey(9999)) || cap(res.Paths) != 10000 {
			t.Errorf("%d paths listed (capacity %d), the last %+v; want the first 10000", len(res.Paths), cap(res.Paths), res.Paths[len(res.Paths)-1])
		}
		// Ten calls of 1,000 list theirs whole; the eleventh, of 500,
		// lists none, and counts them.
		if len(res.Calls) != 11 || len(sent.Calls) != 11 {
			t.Fatalf("%d calls (%d sent), want 11", len(res.Calls), len(sent.Calls))
		}
		whole := 0
		for i, c := range res.Calls {
			count, listed := 1000, 1000
			if i == 10 {
				count, listed = 500, 0
			}
			if c.Count != count || len(c.Paths) != listed {
				t.Errorf("call %d counts %d and lists %d paths, want %d and %d", i, c.Count, len(c.Paths), count, listed)
			}
			whole += len(sent.Calls[i].Paths)
		}
		if whole != n || sent.Calls[10].Paths[499] != cdn(bulkKey(n-1)) {
			t.Errorf("Sent lists %d paths, want every one of %d", whole, n)
		}
	})
	t.Run("no quota", func(t *testing.T) {
		pl, _ := compile(t, bulkConfig(1000000))
		p := plan(t, pl, refresh.Input{Records: bulk(n)})
		f, err := pl.Fit(t.Context(), p, refresh.Room{})
		res := &submit.Result{}
		submit.New(submit.Options{}).Begin(vod.STS{}, discard, res).Unplanned(f, err)
		if res.PathsCount != n || res.PathsByStatus["failed"] != n || len(res.Paths) != 10000 {
			t.Errorf("%d paths (%v), %d listed; want %d failed, 10000 listed", res.PathsCount, res.PathsByStatus, len(res.Paths), n)
		}
	})
	t.Run("coalesced", func(t *testing.T) {
		pl, _ := compile(t, bulkConfig(20)) // each folder of 5,250 files is dense
		f := fit(t, pl, plan(t, pl, refresh.Input{Records: bulk(n)}), refresh.Room{URLs: 20000, Dirs: 100})
		res := &submit.Result{}
		if _, err := submit.New(submit.Options{}).Begin(vod.STS{}, discard, res).Send(t.Context(), f, nil); err != nil {
			t.Fatal(err)
		}
		if res.PathsCount != 2 || len(res.Calls) != 1 || res.Calls[0].ObjectType != "Directory" || res.Calls[0].Count != 2 {
			t.Errorf("%d paths in calls %+v, want the 2 folders in one Directory call", res.PathsCount, res.Calls)
		}
		// The first directory lists its 5,250 URLs, the second the 4,750
		// that are left of 10,000; each counts its 5,250.
		if len(res.Coalesced) != 2 {
			t.Fatalf("%d directories coalesced, want 2", len(res.Coalesced))
		}
		for i, listed := range []int{5250, 4750} {
			if co := res.Coalesced[i]; co.Count != 5250 || len(co.Paths) != listed {
				t.Errorf("directory %d (%s) counts %d and lists %d, want 5250 and %d", i, co.Directory, co.Count, len(co.Paths), listed)
			}
		}
		// The fitted plan keeps them whole.
		if len(f.Coalesced[1].Paths) != 5250 {
			t.Errorf("bounding the result cut the fitted plan's directories to %d URLs", len(f.Coalesced[1].Paths))
		}
	})
}
