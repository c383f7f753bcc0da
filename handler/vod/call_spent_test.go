package vod

import "testing"

// What a call spent of the daily quota: nothing unsent; a directory
// call's paths as directories; a Media call what the quota counts for it.
func TestCallSpent(t *testing.T) {
	for _, tt := range []struct {
		c          Call
		urls, dirs int
	}{
		{Call{ObjectType: "File", Paths: []string{"a", "b"}, Sent: true}, 2, 0},
		{Call{ObjectType: "Directory", Paths: []string{"d/"}, Sent: true}, 0, 1},
		{Call{ObjectType: TypeMedia, Paths: []string{"v1"}, URLs: 8, Sent: true}, 8, 0},
		{Call{ObjectType: "File", Paths: []string{"a"}}, 0, 0},
	} {
		if u, d := tt.c.Spent(); u != tt.urls || d != tt.dirs {
			t.Errorf("%+v: %d URLs, %d directories; want %d, %d", tt.c, u, d, tt.urls, tt.dirs)
		}
	}
}
