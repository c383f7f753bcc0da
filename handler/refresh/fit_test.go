package refresh

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"vodrefresh/handler/event"
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
	fitted, coalesced, err := pl.Fit(plan, tt.room)
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
