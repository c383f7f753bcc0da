package cli

import (
	"runtime/debug"
	"testing"
)

func TestVersion(t *testing.T) {
	tests := []struct {
		name string
		info *debug.BuildInfo
		want string
	}{
		{"tagged, from a clean checkout", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "vodrefresh", Version: "v1.2.0"},
			Settings: []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "3f880f57c051681a299c1bb5cf5851069335a42f"}, {Key: "vcs.time", Value: "2026-11-25T03:00:23Z"}, {Key: "vcs.modified", Value: "false"}}},
			"vodrefresh v1.2.0 revision 3f880f57c051681a299c1bb5cf5851069335a42f 2026-11-25T03:00:23Z go1.26.8\n"},
		{"uncommitted changes", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "vodrefresh", Version: "v0.0.0-20261125030023-3f880f57c051+dirty"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "3f880f57c051681a299c1bb5cf5851069335a42f"}, {Key: "vcs.modified", Value: "true"}}},
			"vodrefresh v0.0.0-20261125030023-3f880f57c051+dirty revision 3f880f57c051681a299c1bb5cf5851069335a42f (modified) go1.26.8\n"},
		{"no VCS information", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "vodrefresh", Version: "(devel)"}},
			"vodrefresh (devel) revision unknown (built without VCS information: outside a git checkout, or with -buildvcs=false) go1.26.8\n"},
	}
	defer func(f func() (*debug.BuildInfo, bool)) { readBuildInfo = f }(readBuildInfo)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			readBuildInfo = func() (*debug.BuildInfo, bool) { return tt.info, true }
			r := runCLI(t, nil, "", "version")
			if r.code != 0 || r.stdout != tt.want || r.stderr != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want %q", r.code, r.stdout, r.stderr, tt.want)
			}
		})
	}
	readBuildInfo = func() (*debug.BuildInfo, bool) { return nil, false }
	if r := runCLI(t, nil, "", "version"); r.code != 1 || r.stdout != "" {
		t.Errorf("without build information: exit %d, stdout %q", r.code, r.stdout)
	}
}
