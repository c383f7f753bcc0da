package refresh

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"vodrefresh/handler/config"
	"vodrefresh/handler/event"
	"vodrefresh/handler/internal/testfix"
)

// fitKeys are eight image keys, four in each of two folders; fitURLs are
// their URLs.
var fitKeys, fitURLs = func() (keys, urls []string) {
	for _, d := range []string{"spring", "summer"} {
		for i := range 4 {
			keys = append(keys, fmt.Sprintf("images/%s/%d.png", d, i))
			urls = append(urls, fmt.Sprintf("https://img.example.com/images/%s/%d.png", d, i))
		}
	}
	return keys, urls
}()

// fitCase is the room Fit is given for the plan of fitKeys, and the files
// and directories it must fit them into, or a *QuotaError.
type fitCase struct {
	name   string
	policy string
	room   Room
	files  []string
	dirs   []string
	quota  bool // a *QuotaError
}

var fitCases = []fitCase{
	{name: "within the share: URLs", room: Room{URLs: 2000, Dirs: 100}, files: fitURLs},
	{name: "over the share: the deepest folders", room: Room{URLs: 10, Dirs: 100},
		dirs: []string{"https://img.example.com/images/spring/", "https://img.example.com/images/summer/"}},
	{name: "one directory left: up to the rule's prefix", room: Room{URLs: 10, Dirs: 1},
		dirs: []string{"https://img.example.com/images/"}},
	{name: "the per-event cap", policy: "quota: {maxDirsPerEvent: 1}\n", room: Room{URLs: 10, Dirs: 100},
		dirs: []string{"https://img.example.com/images/"}},
	{name: "the minimum depth holds", policy: "quota: {minDirectoryDepth: 2}\n", room: Room{URLs: 7, Dirs: 1}, quota: true},
	{name: "no directory left and the URLs fit: URLs", room: Room{URLs: 12}, files: fitURLs},
	{name: "neither quota covers it", room: Room{URLs: 5}, quota: true},
}

// Fit leaves the plan it is given alone, and returns the plan to submit.
func TestFit(t *testing.T) {
	for _, tt := range fitCases {
		t.Run(tt.name, func(t *testing.T) { checkFit(t, tt) })
	}
}

// checkFit plans fitKeys with tt's policy, fits the plan into tt.room and
// checks the result.
func checkFit(t *testing.T, tt fitCase) {
	pl := mustPlanner(t, tt.policy+planConfig)
	var recs []event.ObjectEvent
	for i, k := range fitKeys {
		recs = append(recs, record(i, "ObjectCreated:PutObject", "media-bucket", k))
	}
	plan := pl.PlanOSS(recs, nil)
	before := slices.Clone(plan.Files)
	fitted, coalesced, err := pl.fitPlan(context.Background(), nil, plan, tt.room)
	if !reflect.DeepEqual(plan.Files, before) || len(plan.Directories) != 0 {
		t.Errorf("Fit changed the plan it was given: %q %q", plan.Files, plan.Directories)
	}
	var qe *QuotaError
	if tt.quota {
		if !errors.As(err, &qe) || qe.Pending != len(fitKeys) {
			t.Fatalf("error %v, want a QuotaError with %d pending", err, len(fitKeys))
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fitted.Files, tt.files) || !reflect.DeepEqual(fitted.Directories, tt.dirs) {
		t.Errorf("fitted files %q dirs %q\nwant files %q dirs %q", fitted.Files, fitted.Directories, tt.files, tt.dirs)
	}
	covered := 0
	for _, co := range coalesced {
		if !slices.Contains(fitted.Directories, co.Directory) {
			t.Errorf("coalesced into %s, which is not refreshed", co.Directory)
		}
		covered += len(co.Paths)
	}
	if tt.dirs != nil && covered != len(fitKeys) {
		t.Errorf("%d URLs coalesced, want %d", covered, len(fitKeys))
	}
}

// fallbackCase is a batch of records through the video-aware rules of
// testdata/video.yaml, the room left, and the plan Fit must make of them.
// The cases are in testdata/fallback.json.
type fallbackCase struct {
	Name    string
	Records []struct{ Event, Key string }
	Room    struct{ URLs, Dirs int }
	Files   []string
	Dirs    []string
	Skipped int  // records still skipped
	Quota   bool // a *QuotaError
}

// With no directory left, a playlist's folder falls back to its URL and
// those of the new segments the batch named in it.
func TestFitPlaylistFallback(t *testing.T) {
	pl := mustPlanner(t, string(testfix.Read(t, "testdata", "video.yaml")))
	for _, tt := range readCases[fallbackCase](t, "fallback.json") {
		t.Run(tt.Name, func(t *testing.T) {
			var recs []event.ObjectEvent
			for i, r := range tt.Records {
				ev := record(i, r.Event, "media-bucket", r.Key)
				ev.ID = fmt.Sprintf("ev-%d", i)
				recs = append(recs, ev)
			}
			plan := pl.PlanOSS(recs, nil)
			fitted, _, err := pl.fitPlan(context.Background(), nil, plan, Room{URLs: tt.Room.URLs, Dirs: tt.Room.Dirs})
			var qe *QuotaError
			if tt.Quota {
				if !errors.As(err, &qe) {
					t.Fatalf("error %v, want a QuotaError", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(fitted.Files, tt.Files) || !reflect.DeepEqual(fitted.Directories, tt.Dirs) {
				t.Errorf("fitted files %q dirs %q\nwant files %q dirs %q", fitted.Files, fitted.Directories, tt.Files, tt.Dirs)
			}
			if n := fitted.Skipped.Count; n != tt.Skipped || len(fitted.Skipped.Sample) != n || n > 0 && fitted.Skipped.Reasons[newSegment] != n {
				t.Errorf("skipped %+v, want %d", fitted.Skipped, tt.Skipped)
			}
			for _, f := range fitted.Files {
				if len(fitted.Origins[f]) == 0 {
					t.Errorf("%s has no origin", f)
				}
			}
		})
	}
}

// fitURLCase is a plan of file URLs, the room left, and the files and
// directories Fit must make of them. The cases are in
// testdata/fit-urls.json.
type fitURLCase struct {
	Name  string
	URLs  []string
	Room  struct{ URLs, Dirs int }
	Files []string
	Dirs  []string
}

// A folder is cut from a URL's path alone, and never made of a path that
// reads otherwise than it is written.
func TestFitURLFolders(t *testing.T) {
	pl := mustPlanner(t, string(testfix.Read(t, "testdata", "routes.yaml")))
	for _, tt := range readCases[fitURLCase](t, "fit-urls.json") {
		t.Run(tt.Name, func(t *testing.T) {
			p := &Plan{}
			for _, u := range tt.URLs {
				p.add(config.TypeFile, u)
			}
			fitted, coalesced, err := pl.fitPlan(context.Background(), nil, p, Room{URLs: tt.Room.URLs, Dirs: tt.Room.Dirs})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(fitted.Files, tt.Files) || !reflect.DeepEqual(fitted.Directories, tt.Dirs) {
				t.Errorf("fitted files %q dirs %q\nwant files %q dirs %q", fitted.Files, fitted.Directories, tt.Files, tt.Dirs)
			}
			for _, co := range coalesced {
				for _, path := range co.Paths {
					if !strings.HasPrefix(path, co.Directory) || strings.ContainsAny(co.Directory, "?#") {
						t.Errorf("%s covered by %s", path, co.Directory)
					}
				}
			}
		})
	}
}
