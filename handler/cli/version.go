package cli

import (
	"context"
	"flag"
	"fmt"
	"runtime/debug"
	"strings"
)

// readBuildInfo reads the binary's build information; tests replace it.
var readBuildInfo = debug.ReadBuildInfo

// version prints the module version and the VCS revision the binary was
// built from, as the Go toolchain recorded them.
func version(_ context.Context, args []string, env Env) int {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	if _, code, ok := parseArgs(fs, args, 0, env); !ok {
		return code
	}
	bi, ok := readBuildInfo()
	if !ok {
		fmt.Fprintln(env.Stderr, "vodrefresh: this binary carries no build information")
		return 1
	}
	fmt.Fprintln(env.Stdout, describeBuild(bi))
	return 0
}

// describeBuild says which version and revision bi describes, in one line:
// "vodrefresh VERSION revision REV[ (modified)] TIME GOVERSION".
func describeBuild(bi *debug.BuildInfo) string {
	vcs := map[string]string{}
	for _, s := range bi.Settings {
		if strings.HasPrefix(s.Key, "vcs.") {
			vcs[s.Key] = s.Value
		}
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	rev := "revision unknown (built without VCS information: outside a git checkout, or with -buildvcs=false)"
	if r := vcs["vcs.revision"]; r != "" {
		rev = "revision " + r
		if vcs["vcs.modified"] == "true" {
			rev += " (modified)"
		}
		if t := vcs["vcs.time"]; t != "" {
			rev += " " + t
		}
	}
	return fmt.Sprintf("vodrefresh %s %s %s", v, rev, bi.GoVersion)
}
