package e2e

import (
	"os/exec"
	"strings"
	"testing"
)

// The built binary's version command prints the module version and VCS
// revision that the Go toolchain recorded in it, as "go version -m" reads
// them.
func TestVersionMatchesBuildInfo(t *testing.T) {
	out, err := exec.Command(binPath, "version").Output()
	if err != nil {
		t.Fatalf("vodrefresh version: %v", err)
	}
	m, err := exec.Command("go", "version", "-m", binPath).Output()
	if err != nil {
		t.Fatalf("go version -m: %v", err)
	}
	mod, rev := "", ""
	for _, line := range strings.Split(string(m), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) >= 3 && f[0] == "mod" && f[1] == "vodrefresh":
			mod = f[2]
		case len(f) == 2 && f[0] == "build" && strings.HasPrefix(f[1], "vcs.revision="):
			rev = strings.TrimPrefix(f[1], "vcs.revision=")
		}
	}
	want := "revision unknown"
	if rev != "" {
		want = "revision " + rev
	}
	got := string(out)
	if mod == "" || !strings.HasPrefix(got, "vodrefresh "+mod+" ") || !strings.Contains(got, want) {
		t.Errorf("version printed %q; the build info says module %q, %s", got, mod, want)
	}
}
